/**
 * The schema of `auth.config.json`, declared once with zod: validation, the error messages (each naming its
 * field), the defaults, and the descriptions the published JSON Schema (`auth.config.schema.json`) carries for
 * editors. Build-time only: no edge or trigger bundle imports this module.
 *
 * Checks that involve several keys (paths that must differ, a region that must match the pool id, claims
 * produced twice, ...) are in shared/config/resolve.ts, which runs this schema first.
 */
import { z } from "zod";
import { DEFAULT_MAX_CLAIMS_BYTES, DEFAULT_PATHS, DEFAULT_SECURITY_HEADERS, RULE_METHODS } from "./types";
import { parseCidr } from "../viewer/ip";
import { AWS_REGIONS } from "./regions";
import { alarmsSchema, dashboardSchema, userPoolSignInShape } from "./schema-operate";

const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** Header names as RFC 9110 tokens. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Query-string safe path: printable ASCII without characters that would need escaping in a cookie or header. */
const PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const GLOB = /^\/\S*$/;
/** Claim names: printable ASCII without spaces or quotes, as Cognito's own claims are. */
export const CLAIM_NAME = /^[A-Za-z0-9_.:\-/]{1,128}$/;
/** User pool attribute names (standard or `custom:`), https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AttributeType.html */
export const ATTRIBUTE_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,32}$/u;
const GROUP = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
/** OAuth scope tokens (RFC 6749 section 3.3). */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;

const text = (re: RegExp, hint: string) => z.string().regex(re, { error: hint });
const seconds = (min: number, max: number, hint: string) => z.number().int({ error: hint }).min(min, { error: hint }).max(max, { error: hint });
const flag = (dflt: boolean, description: string) => z.boolean().default(dflt).describe(description);
const GLOBS_HINT = 'every entry must be a path glob starting with "/", e.g. "/public/*"';
const globs = (description: string) =>
  z
    .array(z.string(), { error: `must be an array of strings; ${GLOBS_HINT}` })
    .refine((a) => a.every((g) => GLOB.test(g)), { error: GLOBS_HINT })
    .default([])
    .describe(description);

// ------------------------------------------------------------------------------------------------ edge

const paths = z
  .strictObject({
    callback: text(PATH, 'must be a path starting with "/" (no "//", "*", "?" or spaces)').default(DEFAULT_PATHS.callback).describe("Where the provider sends the browser back with `code` and `state` (the app client's callback URL)."),
    refresh: text(PATH, 'must be a path starting with "/" (no "//", "*", "?" or spaces)').default(DEFAULT_PATHS.refresh).describe("Where an expired session is refreshed with the refresh token."),
    signOut: text(PATH, 'must be a path starting with "/" (no "//", "*", "?" or spaces)').default(DEFAULT_PATHS.signOut).describe("Visiting it signs the user out."),
    afterSignOut: text(PATH, 'must be a path starting with "/" (no "//", "*", "?" or spaces)').default(DEFAULT_PATHS.afterSignOut).describe("Where the provider's logout sends the browser afterwards; must be a sign-out URL of the app client."),
    signIn: text(PATH, 'must be a path starting with "/" (no "//", "*", "?" or spaces)').default(DEFAULT_PATHS.signIn).describe("Starts a sign-in for ?return=<path> (the sign-in function); where the CloudFront Function hot path sends signed-out visitors."),
  })
  .default({ ...DEFAULT_PATHS })
  .describe("The paths the edge functions answer on.");

const cookie = z
  .strictObject({
    sameSite: z
      .string()
      .refine((v) => /^(lax|strict|none)$/i.test(v), { error: 'must be "Lax", "Strict" or "None"' })
      .default("Lax")
      .describe("SameSite of the token cookies: Lax, Strict or None. With Strict, the callback answers with a page that navigates on. Sign-in cookies are always Lax."),
    domain: z
      .string()
      .refine((v) => HOST.test(v.replace(/^\./, "")), { error: "must be a domain name such as example.com" })
      .optional()
      .describe(
        "Domain attribute, to share the session with subdomains. Default: none (host-only cookies, our own with the __Host- prefix). " +
          "Setting it gives up the protection against cookie tossing: every subdomain of the domain (user content, a forgotten CNAME, " +
          "an http-only sibling) can then plant or overwrite the session, sign-in and binding cookies, so a visitor can be signed in " +
          "as someone else. Set it only when every host under the domain is yours and trusted; the build warns. Our cookies are then " +
          "named per app client (edgeauth-<clientId>-session, …), so sites sharing the domain never clear each other's.",
      ),
    refreshTokenMaxAge: seconds(60, 10 * 365 * 24 * 3600, "must be a whole number of seconds between 60 and 315360000 (10 years)")
      .default(30 * 24 * 3600)
      .describe("Lifetime of the refresh-token and LastAuthUser cookies, seconds; match the app client's refresh token validity."),
  })
  .default({ sameSite: "Lax", refreshTokenMaxAge: 30 * 24 * 3600 })
  .describe("Attributes of the cookies the edge writes.");

const timeoutMs = (dflt: number, what: string) =>
  z.number().int({ error: "must be milliseconds between 50 and 4000 (viewer triggers have 5 s in all)" }).min(50, { error: "must be milliseconds between 50 and 4000 (viewer triggers have 5 s in all)" }).max(4000, { error: "must be milliseconds between 50 and 4000 (viewer triggers have 5 s in all)" }).default(dflt).describe(what);

const JWKS_HINT = 'must be a JWKS: { "keys": [ { "kty": "RSA", "kid": ..., "n": ..., "e": ... } ] }';
/** A JWKS: `{ keys: [{ kty, kid?, ... }] }`, judged as one value (an error names `jwks`, not a key inside). */
export function isJwks(v: unknown): boolean {
  const obj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
  return obj(v) && Array.isArray(v.keys) && v.keys.every((k) => obj(k) && typeof k.kty === "string" && (k.kid === undefined || typeof k.kid === "string"));
}

const URL_HINT = "must be an https:// URL (http:// only for localhost)";
const endpoint = (what: string) =>
  text(/^https?:\/\/[^\s]+$/, URL_HINT).optional().describe(`${what}. Default: from the provider's discovery document.`);

/** Any OpenID Connect provider: its issuer, and optionally its endpoints when it has no discovery document. */
const oidcProvider = z.strictObject(
  {
    type: z.literal("oidc", { error: 'must be "oidc"' }).describe("An OpenID Connect provider other than Cognito. Required."),
    issuer: text(/^https?:\/\/[^\s]+[^/\s]$|^https?:\/\/[^\s]+\/$/, URL_HINT).describe(
      "The provider's issuer URL, exactly as its tokens' iss (the build reads <issuer>/.well-known/openid-configuration and refuses a different issuer). Required.",
    ),
    authorizationEndpoint: endpoint("Authorization endpoint"),
    tokenEndpoint: endpoint("Token endpoint"),
    revocationEndpoint: endpoint("Token revocation endpoint (RFC 7009); without one, sign-out only clears the session"),
    endSessionEndpoint: endpoint("RP-initiated logout endpoint; without one, sign-out ends at paths.afterSignOut"),
    jwksUri: endpoint("The provider's keys"),
    clientAuth: z
      .enum(["client_secret_basic", "client_secret_post", "none"], { error: 'must be "client_secret_basic", "client_secret_post" or "none"' })
      .optional()
      .describe("Client authentication at the token endpoint. Default: client_secret_basic with a clientSecret (or the first method the discovery document lists), none without one (public client + PKCE)."),
    accessTokenJwt: flag(false, "Verify access tokens as JWTs issued to this client (iss, signature, exp, client_id or azp). Otherwise they are passed through unverified."),
    offlineAccess: flag(true, "Ask for offline_access (a refresh token) when the discovery document lists it."),
  },
  { error: 'must be "cognito" or { "type": "oidc", "issuer": "https://…" }' },
);

// ------------------------------------------------------------------------------------------------ rules

const SELECTOR_KINDS = ["groups", "emails", "emailDomains", "claim", "ipRanges"] as const;
const SELECTOR_HINT = 'must have exactly one of "groups", "emails", "emailDomains", "claim" (with "values") or "ipRanges"';
const list = <T extends z.ZodType>(item: T, hint: string) => z.array(item, { error: hint }).min(1, { error: hint });
/** A check run on one value, whose sentence (from the function) names what is wrong with it. */
const checked = (why: (v: string) => string | undefined) =>
  z.string().superRefine((v, ctx) => {
    const w = why(v);
    if (w) ctx.addIssue({ code: "custom", message: w });
  });
const DOMAIN_WHY = (v: string) =>
  /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(v) && v.length <= 253
    ? undefined
    : `${JSON.stringify(v)} is not a bare host name (e.g. "example.com", or "*.example.com" for its subdomains)`;
/**
 * An `emails` entry: an address in ASCII (as emailDomains, a domain in its punycode form), with no trailing dot,
 * which the user's address loses before it is compared (shared/viewer/rules.ts), so such an entry never matches.
 */
const EMAIL_WHY = (v: string) =>
  !/^[^\s@]+@[^\s@]+$/.test(v)
    ? `${JSON.stringify(v)} is not an e-mail address`
    : !/^[\x21-\x7e]+$/.test(v)
      ? `${JSON.stringify(v)} has non-ASCII characters: write the domain in its punycode form (xn--...), as the provider sends it`
      : /\.$/.test(v)
        ? `${JSON.stringify(v)} ends with a dot: write the address without it (the user's address is compared without trailing dots, so this entry would never match)`
        : undefined;
/** Claim names a selector may read: those Cognito's claims use, never an object's own machinery. */
const SELECTOR_CLAIM_WHY = (v: string) =>
  !/^[^\s]{1,256}$/.test(v)
    ? `${JSON.stringify(v)} is not a claim name or dotted path`
    : /(^|\.)(__proto__|constructor|prototype)(\.|$)/.test(v)
      ? `${JSON.stringify(v)} cannot be read as a claim`
      : undefined;

/** One selector: exactly one kind (the claim kind is `claim` + `values`). */
export const selectorSchema = z
  .strictObject(
    {
      groups: list(z.string().min(1, { error: "must be a non-empty group name" }), "must be a non-empty array of group names")
        .optional()
        .describe("The user is in any of these groups (the groupsClaim). Default: none (one kind per selector)."),
      emails: list(checked(EMAIL_WHY), "must be a non-empty array of e-mail addresses")
        .optional()
        .describe("The user's e-mail is one of these, compared case-insensitively; verified (email_verified true or \"true\") except in exclude. Default: none."),
      emailDomains: list(checked(DOMAIN_WHY), "must be a non-empty array of domain names")
        .optional()
        .describe('The domain of the user\'s e-mail is one of these, case-insensitively: "example.com" exactly (not sub.example.com), "*.example.com" any subdomain at any depth (not example.com itself); verified except in exclude. Default: none.'),
      claim: checked(SELECTOR_CLAIM_WHY).optional().describe("A claim by name or dotted path (as groupsClaim reads it); with values. Default: none."),
      values: list(z.union([z.string(), z.number(), z.boolean()], { error: "must be a string, number or boolean" }), "must be a non-empty array of values")
        .optional()
        .describe("With claim: the claim is one of these, or a list containing one; numbers and booleans compare by their JSON text. Required with claim."),
      ipRanges: list(checked((v) => { const r = parseCidr(v); return typeof r === "string" ? r : undefined; }), "must be a non-empty array of CIDR ranges")
        .optional()
        .describe('The viewer\'s IP is in one of these IPv4 or IPv6 CIDR ranges ("203.0.113.0/24", "2001:db8::/32"; a bare address is one host). Default: none.'),
    },
    { error: `must be an object that ${SELECTOR_HINT}` },
  )
  .superRefine((s, ctx) => {
    const kinds = SELECTOR_KINDS.filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) ctx.addIssue({ code: "custom", message: kinds.length ? `${SELECTOR_HINT}, not ${kinds.join(" and ")} (write one selector for each)` : SELECTOR_HINT });
    else if (s.claim !== undefined && s.values === undefined) ctx.addIssue({ code: "custom", path: ["values"], message: "is required with claim (the values that let the user in)" });
    if (s.values !== undefined && s.claim === undefined) ctx.addIssue({ code: "custom", path: ["claim"], message: "is required with values (the claim they are compared with)" });
  })
  .describe("Who a selector picks: exactly one of groups, emails, emailDomains, claim + values, ipRanges.");

const selectors = (what: string) => list(selectorSchema, "must be a non-empty array of selectors").optional().describe(what);
const RULE_KEYS = ["groups", "include", "require", "exclude"] as const;

const rules = z
  .array(
    z
      .strictObject(
        {
          path: text(GLOB, 'must be a path glob starting with "/"').describe("Glob of request paths, as CloudFront path patterns. Required."),
          methods: list(z.enum(RULE_METHODS, { error: `must be one of CloudFront's methods: ${RULE_METHODS.join(", ")}` }), "must be a non-empty array of HTTP methods")
            .optional()
            .describe(`The methods the rule applies to (${RULE_METHODS.join(", ")}). Default: every method.`),
          groups: list(z.string(), "must be a non-empty array of group names")
            .refine((a) => a.every((g) => g.length > 0), { error: "must be a non-empty array of group names" })
            .optional()
            .describe("Groups (the groupsClaim); a signed-in user in none of them gets 403. Shorthand for one include selector { groups }. Default: none (one of groups, include, require or exclude is required)."),
          include: selectors("The user must match at least one of these selectors. Default: every signed-in user."),
          require: selectors("The user must match every one of these selectors. Default: none."),
          exclude: selectors("A user matching any of these selectors gets 403, whatever else matches (an e-mail counts here verified or not). Default: none."),
        },
        { error: 'must be an object { "path": "/admin/*", "groups": ["admins"] }' },
      )
      .superRefine((r, ctx) => {
        if (RULE_KEYS.every((k) => r[k] === undefined))
          ctx.addIssue({ code: "custom", path: ["groups"], message: 'is required, or include, require or exclude: a rule says who may open the path (e.g. "groups": ["admins"])' });
        if (r.groups !== undefined && r.include !== undefined)
          ctx.addIssue({ code: "custom", path: ["include"], message: 'cannot be combined with groups, which is shorthand for an include selector: add { "groups": [...] } to include instead' });
      }),
  )
  .default([])
  .describe("Access policies: every rule whose path (and method) matches must be satisfied, or the signed-in user gets 403.");

export const edgeShape = {
  $schema: z.string().optional().describe("The JSON Schema of this file, for editors."),
  region: z
    .enum(AWS_REGIONS as [string, ...string[]], { error: 'must be an AWS region such as "us-east-1"' })
    .optional()
    .describe("The AWS region of the user pool (for a created pool: where it is created). Required."),
  userPoolId: text(/^[\w-]+_[0-9A-Za-z]+$/, 'must look like "<region>_<id>", e.g. "us-east-1_AbCdEf123"')
    .optional()
    .describe("The user pool id, e.g. us-east-1_AbCdEf123. Required unless npm run deploy creates the pool (then leave it out)."),
  clientId: text(/^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/, "must be the app client id (printable characters, no spaces, quotes or backslashes)")
    .optional()
    .describe("The app client id. Required unless npm run deploy creates the pool."),
  clientSecret: text(/^[\x20-\x7e]{1,512}$/, "must be the app client secret (printable characters)")
    .optional()
    .describe("App client secret; token and revoke calls then use HTTP Basic. Default: none (a public client, PKCE alone protects the exchange)."),
  domain: z
    .string()
    .optional()
    .describe("Hosted UI domain: a bare host (auth.example.com, https implied) or a full URL; http:// only for localhost (emulators). Required unless npm run deploy creates the pool."),
  scopes: z
    .array(text(SCOPE, "must be an OAuth scope (printable ASCII, no spaces or quotes)"))
    .default(["openid", "email", "profile"])
    .describe('OAuth scopes asked for; must include "openid".'),
  issuer: text(/^https?:\/\/[^\s]+[^/\s]$/, "must be an http(s) URL without a trailing slash")
    .optional()
    .describe("Expected iss of the tokens. Default: https://cognito-idp.<region>.amazonaws.com/<userPoolId>. Set it only for Cognito-compatible emulators."),
  jwks: z
    .custom<{ keys: Array<Record<string, unknown>> }>(isJwks, { error: JWKS_HINT })
    .meta({
      type: "object",
      required: ["keys"],
      properties: {
        keys: {
          type: "array",
          description: "The public keys (JWKs). Required.",
          items: { type: "object", required: ["kty"], properties: { kty: { type: "string", description: "Key type, e.g. RSA. Required." }, kid: { type: "string", description: "Key id. Default: none." } } },
        },
      },
    })
    .optional()
    .describe("The pool's public keys, embedded so a cold start verifies with no network call. Default: fetched by the build from <issuer>/.well-known/jwks.json."),
  provider: z
    .union([z.literal("cognito"), oidcProvider], { error: 'must be "cognito" or { "type": "oidc", "issuer": "https://…" }' })
    .default("cognito")
    .describe('The identity provider: "cognito" (the user pool of userPoolId) or any OpenID Connect provider, { "type": "oidc", "issuer": "https://…" }.'),
  groupsClaim: text(/^[^\s]{1,256}$/, "must be a claim name or a dotted path such as realm_access.roles")
    .optional()
    .describe('The id token claim holding the user\'s groups; a dotted path reaches into objects (Keycloak: "realm_access.roles"). Default: "cognito:groups" (Cognito), "groups" (oidc).'),
  usernameClaim: text(/^[^\s]{1,256}$/, "must be a claim name")
    .optional()
    .describe(
      'The claim naming the user (cookie names, x-auth-user); sub when it is absent. Pick one users cannot change: "cognito:username" or "sub" with Cognito; "sub" with any other provider unless it guarantees its username is unique and fixed (Keycloak\'s preferred_username with username editing off, for instance). "email" or "phone_number" reach x-auth-user only when the id token says they are verified (email_verified, phone_number_verified); the build warns when the claim is one users can write. Default: "cognito:username" (Cognito), "preferred_username" (oidc).',
    ),
  clockToleranceSeconds: seconds(0, 300, "must be a whole number of seconds between 0 and 300").default(5).describe("Seconds of clock skew allowed when a token's exp and nbf are checked."),
  paths,
  publicPaths: globs('Globs served without sign-in, e.g. ["/public/*", "/favicon.ico"]. `*` matches anything (slashes too), `?` one character.'),
  apiPaths: globs("Globs answered with 401 JSON instead of a redirect to sign-in (API calls)."),
  rules,
  cookie,
  timeouts: z
    .strictObject({
      token: timeoutMs(3000, "The token endpoint (code exchange and refresh), ms."),
      revoke: timeoutMs(1500, "The revocation endpoint on sign-out, ms; sign-out proceeds when it fails."),
      jwks: timeoutMs(1500, "The JWKS fetch for an unknown kid, ms."),
    })
    .default({ token: 3000, revoke: 1500, jwks: 1500 })
    .describe("Timeouts of calls to the provider; token + jwks at most 4000 ms (viewer triggers have 5 s)."),
  headers: z
    .record(z.string(), z.union([z.string(), z.literal(false), z.null()]), { error: "must be an object of header name to value (or false to drop a default)" })
    .optional()
    .describe(`Security headers added to every response; false drops a default. Defaults: ${JSON.stringify(DEFAULT_SECURITY_HEADERS)}.`),
  nonceSigningSecret: z
    .string()
    .min(32, { error: "must be at least 32 characters (or leave it out and the build generates one)" })
    .optional()
    .describe(
      "HMAC key (at least 32 characters) of the sign-in cookies and of the binding cookie that ties the token cookies to this browser. " +
        "Default: generated at build. A new key signs everyone out (no binding cookie verifies any more) and restarts sign-ins in progress, so keep it: " +
        "npm run deploy and sls deploy keep it between deploys (in .build/<service>-<stage>/auth.config.generated.json), the EdgeAuth CDK construct in its " +
        "secretsFile (default .edge-auth/<construct id>.secrets.json); npm run build, npm run package and sls package make a new one each time unless it is set here.",
    ),
  hotPath: z
    .enum(["lambda-edge", "cloudfront-function"], { error: 'must be "lambda-edge" or "cloudfront-function"' })
    .default("lambda-edge")
    .describe("Where the check of every request runs: lambda-edge (check-auth verifies the tokens on every request) or cloudfront-function (a CloudFront Function checks a signed session cookie; no Lambda on a signed-in page view)."),
  session: z
    .strictObject({
      maxAge: seconds(60, 400 * 24 * 3600, "must be a whole number of seconds between 60 and 34560000 (400 days)")
        .optional()
        .describe("Upper bound of a session cookie's life, seconds: a refresh happens at least this often, so a revoked user is out within it. Default: none (the id token's lifetime bounds it)."),
      signingSecret: text(/^[A-Za-z0-9_-]{43,}$/, "must be base64url of at least 32 random bytes (43 characters or more)")
        .optional()
        .describe("HMAC-SHA256 key of the session cookie. Default: generated at build (npm run deploy keeps it between deploys)."),
    })
    .default({})
    .describe("The session cookie of the cloudfront-function hot path."),
  mergeOriginCsp: flag(false, "With hotPath cloudfront-function: also run the origin-response http-headers function, which merges our Content-Security-Policy into the origin's (a response headers policy can only keep or replace it)."),
  logLevel: z.enum(["debug", "info", "warn", "error", "silent"], { error: 'must be one of "debug", "info", "warn", "error", "silent"' }).default("info").describe("Log level of every function."),
  mode: z.enum(["static", "spa"], { error: 'must be one of "static", "spa"' }).default("static").describe("static: every cookie HttpOnly. spa: id/access token and LastAuthUser readable by scripts (Amplify JS)."),
  forwardIdentity: flag(false, "Send x-auth-user, x-auth-email (verified addresses only), x-auth-groups and x-auth-id-token to the origin."),
  indexRewrite: flag(true, "Serve /docs/index.html for /docs/ and /docs."),
  spaFallback: flag(false, "Serve /index.html for paths without a file extension (single-page apps)."),
  identityProvider: text(/^[^\s]{1,128}$/, "must be a provider name without spaces").optional().describe("Sent to /oauth2/authorize as identity_provider, so users skip the chooser. Default: none."),
  idpIdentifier: text(/^[^\s]{1,128}$/, "must be an identifier without spaces").optional().describe("Sent to /oauth2/authorize as idp_identifier. Default: none."),
  errorPages: z
    .record(z.string(), z.string().min(1, { error: "must be the path of an HTML template file" }), { error: "must be an object of status code to HTML template path" })
    .optional()
    .describe('HTML templates per status code ("403": "pages/403.html"), read at build; {{status}}, {{title}}, {{reason}}, {{retry}} are filled in. Default: none (the built-in pages, in the sign-in page\'s look with one small inline stylesheet: a site whose Content-Security-Policy forbids inline styles shows them unstyled but readable).'),
};

// ------------------------------------------------------------------------------------------------ sites

/** A site's host name: exact, or `*.` and one label's worth of wildcard (`*.example.com`). Lower case, no port. */
export const SITE_HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The keys a site may set for itself; every other key is shared from the top level. */
export const SITE_KEYS = [
  "clientId", "clientSecret", "provider", "region", "userPoolId", "domain", "issuer", "jwks", "scopes", "groupsClaim", "usernameClaim",
  "paths", "publicPaths", "apiPaths", "rules", "cookie", "errorPages", "mode", "forwardIdentity", "indexRewrite", "spaFallback",
  "identityProvider", "idpIdentifier", "headers",
] as const;

/** A top-level key's schema for a site: no default of its own (a site that leaves it out takes the top level's). */
function siteField(k: (typeof SITE_KEYS)[number]): z.ZodType {
  const schema = edgeShape[k] as z.ZodType;
  const inner = schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
  return inner.optional().describe(`This site's ${k}. Default: the top-level ${k}.`);
}
const pick = (keys: readonly (typeof SITE_KEYS)[number][]) => Object.fromEntries(keys.map((k) => [k, siteField(k)])) as Record<(typeof SITE_KEYS)[number], z.ZodType>;

/**
 * One site of several served by one deployment: its host names and what differs from the top level. Keys with
 * defaults are taken from the top level when a site leaves them out (the defaults below are the top level's).
 */
const site = z.strictObject(
  {
    hosts: z
      .array(z.string(), { error: "must be a non-empty array of host names" })
      .min(1, { error: "must be a non-empty array of host names" })
      .refine((a) => a.every((h) => SITE_HOST.test(h)), { error: 'every entry must be a lower-case host name, or "*." and a domain (one label of wildcard), without a port' })
      .describe("The host names of this site (the Host header picks the site): exact names, or *.example.com for one label. Required."),
    ...pick(SITE_KEYS),
  },
  { error: 'must be an object { "hosts": [...], "clientId": ..., ... }' },
);

// ------------------------------------------------------------------------------------------------ triggers

const claimScalar = z.union([z.string(), z.number(), z.boolean()]);
const SCOPES_HINT = "must be an array of OAuth scopes (no spaces or quotes)";
const ATTRIBUTES_HINT = "must be an array of attribute names (the app client's write attributes)";

export const triggersSchema = z
  .strictObject(
    {
      preTokenGeneration: z
        .strictObject(
          {
            attributeClaims: z
              .record(z.string(), z.string(), { error: 'must be an object of attribute → claim, e.g. { "custom:tenant": "tenant" }' })
              .optional()
              .describe('User attribute → claim name, e.g. { "custom:tenant": "tenant" }; copied only when the user has the attribute. Default: none.'),
            groupClaims: z
              .strictObject(
                {
                  claim: z.string().describe("Name of the claim, e.g. roles. Required."),
                  map: z.record(z.string(), z.array(z.string().min(1).max(256), { error: "must be an array of non-empty strings" })).describe("Group → the values the claim gets for its members. Required."),
                },
                { error: 'must be { "claim": "roles", "map": { "<group>": ["<value>", ...] } }' },
              )
              .optional()
              .describe("A claim derived from the user's groups. Default: none."),
            staticClaims: z
              .record(z.string(), z.union([claimScalar, z.array(claimScalar)], { error: "must be a string, number, boolean or an array of those" }), { error: "must be an object of claim → value" })
              .optional()
              .describe("Claims with a constant value, in every token. Default: none."),
            suppressClaims: z.array(z.string(), { error: "must be an array of claim names" }).optional().describe("Claims removed from the tokens. Default: none."),
            accessTokenScopes: z
              .record(z.string(), z.array(z.string(), { error: SCOPES_HINT }).refine((a) => a.every((x) => SCOPE.test(x)), { error: SCOPES_HINT }), {
                error: 'must be an object of group → scopes, e.g. { "admins": ["api/admin"] }',
              })
              .optional()
              .describe("Group → OAuth scopes added to the access token (V2 events only). Default: none."),
            maxClaimsBytes: z
              .number()
              .int({ error: "must be a whole number of bytes between 64 and 8192" })
              .min(64, { error: "must be a whole number of bytes between 64 and 8192" })
              .max(8192, { error: "must be a whole number of bytes between 64 and 8192" })
              .default(DEFAULT_MAX_CLAIMS_BYTES)
              .describe("Upper bound of the JSON bytes of the claims added to one token."),
            module: text(/\.(ts|mts|js|mjs)$/, "must be the path of a .ts or .js file, relative to the config file")
              .optional()
              .describe("A TypeScript/JavaScript module whose default export (or `claims`) returns extra claims; bundled into the trigger. Default: none."),
            writableAttributes: z
              .array(z.string(), { error: ATTRIBUTES_HINT })
              .refine((a) => a.every((x) => ATTRIBUTE_NAME.test(x)), { error: ATTRIBUTES_HINT })
              .optional()
              .describe("The app client's write attributes, to warn when a copied attribute is one users can set. Default: none."),
          },
          { error: "must be an object" },
        )
        .optional()
        .describe("The pre-token-generation trigger: claims added to the tokens. Default: none (the trigger adds nothing)."),
      postConfirmation: z
        .strictObject(
          {
            defaultGroup: z
              .string({ error: "must be a group name (1-128 characters, no spaces)" })
              .regex(GROUP, { error: "must be a group name (1-128 characters, no spaces)" })
              .optional()
              .describe("Group every newly confirmed user joins. The DEFAULT_GROUP environment variable overrides it. Default: none (the trigger does nothing)."),
          },
          { error: 'must be an object { "defaultGroup": "<group>" }' },
        )
        .optional()
        .describe("The post-confirmation trigger. Default: none (the trigger does nothing)."),
    },
    { error: "must be an object { preTokenGeneration, postConfirmation }" },
  )
  .optional()
  .describe("What the Cognito trigger Lambdas do. Default: both do nothing.");

// ------------------------------------------------------------------------------------------------ deploy

const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const validDomainPrefix = (p: string) => DOMAIN_PREFIX.test(p) && !/aws|amazon|cognito/.test(p);

export const deploySchema = z
  .strictObject(
    {
      service: text(/^[a-zA-Z][a-zA-Z0-9-]{0,29}$/, "must start with a letter and contain only letters, digits and hyphens (at most 30)")
        .default("edge-auth")
        .describe("Name of the stacks: <service>-<stage> (us-east-1) and <service>-pool-<stage>."),
      stage: text(/^[a-zA-Z0-9-]{1,16}$/, "must be 1-16 letters, digits or hyphens").default("dev").describe("Deploy several copies side by side with different stages."),
      createUserPool: z.boolean().optional().describe("Create the pool, client, domain, groups and triggers. Default: true when the config has no userPoolId."),
      userPool: z
        .strictObject({
          name: text(/^[\w\s+=,.@-]{1,128}$/, "must be 1-128 letters, digits, spaces or + = , . @ - _").optional().describe("Pool name. Default: <service>-<stage>."),
          domainPrefix: z
            .string()
            .refine(validDomainPrefix, { error: 'must be 1-63 lower-case letters, digits and inner hyphens, without "aws", "amazon" or "cognito"' })
            .optional()
            .describe("Hosted UI at <prefix>.auth.<region>.amazoncognito.com; unique in the region across all AWS customers. Default: <service>-<stage>."),
          generateSecret: flag(false, "Confidential app client (the edge then authenticates with the secret); public client + PKCE otherwise."),
          selfSignUp: flag(false, "Let visitors sign up on the Hosted UI; otherwise administrators create users."),
          preTokenGenerationVersion: z.enum(["V1_0", "V2_0"], { error: 'must be "V1_0" or "V2_0"' }).default("V2_0").describe("Event version for pre-token-generation; V2_0 puts the pool on the Essentials plan."),
          deletionProtection: flag(true, "The pool (and its users) survives npm run remove."),
          ...userPoolSignInShape,
        })
        .optional()
        .describe("Settings of the created user pool. Default: every setting's own default."),
      aliases: z
        .array(text(/^(?=.{1,253}$)(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, "must be a lower-case domain name such as www.example.com"), {
          error: "must be an array of domain names",
        })
        .default([])
        .describe("Custom domain names of the site, e.g. [\"www.example.com\"]."),
      certificateArn: text(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be the ARN of an ACM certificate in us-east-1 (arn:aws:acm:us-east-1:<account>:certificate/<id>)")
        .optional()
        .describe("ACM certificate in us-east-1 for the aliases (required with them)."),
      priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"], { error: 'must be "PriceClass_100", "PriceClass_200" or "PriceClass_All"' }).default("PriceClass_100").describe("Which CloudFront edge locations serve the site."),
      siteDir: text(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\w.\-/]+$/, 'must be a folder inside the repository, e.g. "site" (no "..", not absolute)').default("site").describe("Folder uploaded to the bucket."),
      bucketName: text(/^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)").optional().describe("Fixed bucket name. Default: generated."),
      alarms: alarmsSchema,
      dashboard: dashboardSchema,
    },
    { error: "must be an object" },
  )
  .optional()
  .describe("Deployment settings for npm run deploy. Default: every key's own default.");

// ------------------------------------------------------------------------------------------------ the file

export const sitesSchema = z
  .array(site, { error: "must be an array of sites" })
  .min(1, { error: "must be a non-empty array of sites" })
  .optional()
  .describe("Several sites from one deployment, picked by the Host header; each names its hosts and what differs from the top level (app client, provider or pool, paths, rules, cookie domain, ...). A request for a host no site names gets a 421 page. Default: one site, any host.");

export const configFileSchema = z
  .strictObject({ ...edgeShape, sites: sitesSchema, triggers: triggersSchema, deploy: deploySchema }, { error: "must be a JSON object" })
  .describe("edge-auth configuration: Cognito (or OpenID Connect) sign-in for a static site on CloudFront.");

export type ConfigFile = z.infer<typeof configFileSchema>;
