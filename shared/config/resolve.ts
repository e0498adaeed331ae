/**
 * The config pipeline: one pass turns the raw file into `{ edge, triggers, deploy }`. The schema
 * (shared/config/schema.ts) checks shapes, types and single values; this module adds the checks that involve
 * several keys, applies the defaults that depend on other keys, and reports every problem at once, each naming
 * its field (`paths.callback: must be a path starting with "/"`). Mistakes fail closed: an unknown key anywhere
 * is an error naming the closest known key.
 *
 * Pure and build-time only (the schema library never reaches a bundle).
 */
import type { Jwks } from "aws-jwt-verify/jwk";
import type { z } from "zod";
import { ATTRIBUTE_NAME, CLAIM_NAME, HEADER_NAME, SITE_KEYS, configFileSchema, deploySchema, isJwks, triggersSchema, validDomainPrefix } from "./schema";
import type { ConfigFile } from "./schema";
import { DEFAULT_PATHS, DEFAULT_SECURITY_HEADERS } from "./types";
import type { DeployConfig, PreTokenGenerationConfig, ResolvedConfig, Rule, Selector, TriggersConfig } from "./types";
import { claimText } from "../viewer/rules";
import { GROUP_NAME, LOG_LEVELS, SCALAR_ONLY_CLAIMS, claimsBytes, reservedClaimReason } from "../triggers/claim-names";
import { formatIssues } from "./issues";
import { resolveAlarms, resolveDashboard, resolveUserPoolSignIn } from "./resolve-operate";
import { policyHeaders } from "./response-headers";

/** What the build prepares before resolving: the fetched JWKS, a generated nonce secret, error page contents. */
export interface ResolveExtra {
  /** Keys for a config without `jwks` (one provider). */
  jwks?: Jwks;
  /** Keys the build fetched, by JWKS URI (one entry per provider, for several sites). */
  jwksByUri?: Record<string, Jwks>;
  /** Error page templates the build read, by the path the config names them with. */
  templates?: Record<string, string>;
  /** OpenID Connect discovery documents the build fetched, by issuer. */
  discovery?: Record<string, Record<string, unknown>>;
  nonceSigningSecret?: string;
  sessionSigningSecret?: string;
  errorPages?: Record<string, string>;
}

/** One site: its host names (`*` for any host when the config has no `sites`) and its resolved edge config. */
export interface ResolvedSite {
  hosts: string[];
  config: ResolvedConfig;
}

export interface AuthConfig {
  /** The first (or only) site's edge config. */
  edge: ResolvedConfig;
  /** Every site the deployment serves; one site matching any host when the config has no `sites`. */
  sites: ResolvedSite[];
  triggers: TriggersConfig;
  deploy: DeployConfig;
}

/** The edge part's result (what `resolveConfig` returns). */
export type ConfigResult = Result<ResolvedConfig>;

export type Result<T> = { ok: true; config: T; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** Keys a created pool provides: they must be left out when `deploy.createUserPool` is true. */
export const POOL_KEYS = ["userPoolId", "clientId", "clientSecret", "domain", "issuer", "jwks"] as const;

type Fail = (field: string, why: string) => void;

/** The whole file: edge, triggers and deploy parts, every problem at once. */
export function resolveAuthConfig(raw: unknown, extra: ResolveExtra = {}): Result<AuthConfig> {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isObject(raw)) return { ok: false, errors: ["config: must be a JSON object"], warnings };
  const parsed = configFileSchema.safeParse(raw, { error: typeError });
  const fail: Fail = (field, why) => errors.push(`${field}: ${why}`);
  if (!parsed.success) {
    // Every problem at once: the checks across keys still run on the values that parsed fine.
    errors.push(...formatIssues(parsed.error.issues, [], configFileSchema));
    crossKeyChecksOnly(raw, parsed.error.issues, fail);
    return { ok: false, errors, warnings };
  }
  const data = parsed.data;
  const deploy = deployPart(data.deploy ?? {}, raw, fail);
  const sites = sitesPart(data, raw, extra, deploy?.createUserPool ?? false, fail);
  const triggers = triggersPart(data.triggers ?? {}, data.logLevel, fail, warnings);
  if (sites) warnings.push(...cookieDomainWarnings(sites));
  if (errors.length || !sites || !triggers || !deploy) return { ok: false, errors, warnings };
  warnings.push(...writableClaimWarnings(sites, triggers));
  warnings.push(...usernameClaimWarnings(sites, triggers, raw));
  return { ok: true, config: { edge: sites[0]!.config, sites, triggers, deploy }, warnings };
}

/**
 * Standard claims users commonly edit themselves (OpenID Connect Core §5.1; Cognito lets users write every
 * attribute the app client's write attributes do not exclude, and custom attributes are user-writable the same way).
 * `email` and `phone_number` are absent: they are forwarded only when verified (shared/viewer/identity-headers.ts).
 */
const USER_EDITABLE_CLAIMS = ["preferred_username", "name", "given_name", "family_name", "middle_name", "nickname", "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "address"];

/**
 * A warning per site whose `usernameClaim` a user can write: `x-auth-user` would be whatever they typed. Known
 * when the claim is in `triggers.preTokenGeneration.writableAttributes`, or (Cognito, or a claim set explicitly for
 * another provider) a user-editable standard claim or a custom attribute.
 */
function usernameClaimWarnings(sites: ResolvedSite[], triggers: TriggersConfig, raw: Raw): string[] {
  const out: string[] = [];
  sites.forEach((site, i) => {
    const c = site.config;
    const claim = c.usernameClaim;
    const given = raw.usernameClaim !== undefined || (Array.isArray(raw.sites) && isObject(raw.sites[i]) && (raw.sites[i] as Raw).usernameClaim !== undefined);
    const writable = triggers.preTokenGeneration.writableAttributes.includes(claim);
    const editable = (c.provider.type === "cognito" || given) && (USER_EDITABLE_CLAIMS.includes(claim) || /^(dev:)?custom:/.test(claim));
    if (!writable && !editable) return;
    const field = raw.sites !== undefined ? `sites[${i}].usernameClaim` : "usernameClaim";
    out.push(
      `${field}: users can set "${claim}" themselves${writable ? " (it is in writableAttributes)" : ""}, so x-auth-user would be whatever they ` +
        `write there and two users could share a name; use a claim they cannot change (${c.provider.type === "cognito" ? '"cognito:username" or "sub"' : '"sub"'})`,
    );
  });
  return out;
}

/** The edge part alone (the whole file is still checked: an unknown key anywhere is an error). */
export function resolveConfig(raw: unknown, extra: ResolveExtra = {}): Result<ResolvedConfig> {
  const r = resolveAuthConfig(raw, extra);
  return r.ok ? { ok: true, config: r.config.edge, warnings: r.warnings } : r;
}

/** The `triggers` value alone (`logLevel` is the file's top-level one). */
export function resolveTriggersConfig(raw: unknown, logLevel: unknown = "info"): Result<TriggersConfig> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const parsed = triggersSchema.safeParse(raw, { error: typeError });
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues, ["triggers"], triggersSchema), warnings };
  const level = LOG_LEVELS.includes(logLevel as never) ? (logLevel as TriggersConfig["logLevel"]) : "info";
  const config = triggersPart(parsed.data ?? {}, level, (f, w) => errors.push(`${f}: ${w}`), warnings);
  return errors.length || !config ? { ok: false, errors, warnings } : { ok: true, config, warnings };
}

/** The `deploy` part alone, with its consistency with the edge keys. */
export function resolveDeployConfig(raw: Raw): { ok: true; config: DeployConfig } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const parsed = deploySchema.safeParse(raw.deploy, { error: typeError });
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues, ["deploy"], deploySchema) };
  const config = deployPart(parsed.data ?? {}, raw, (f, w) => errors.push(`${f}: ${w}`));
  return errors.length || !config ? { ok: false, errors } : { ok: true, config };
}

/** Messages for wrong types, in the words the rest of the messages use. */
function typeError(iss: { code: string; input?: unknown; expected?: string }): string | undefined {
  if (iss.code !== "invalid_type") return undefined;
  if (iss.input === undefined) return "is required";
  const expected: Record<string, string> = { boolean: "true or false", object: "an object", array: "an array", number: "a number", int: "a whole number", string: "a string" };
  return `must be ${expected[iss.expected ?? ""] ?? `a ${iss.expected}`}, got ${typeOf(iss.input)}`;
}

function typeOf(v: unknown): string {
  return Array.isArray(v) ? "an array" : v === null ? "null" : `a ${typeof v}`;
}

function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------------------------------------ sites

/**
 * The sites: each site's keys over the top level's (objects such as `paths` and `cookie` key by key, and only
 * the keys the site writes), then each resolved as a whole. Across sites: no host twice, no app client twice (a
 * session of one site is never one of another), and the same function paths (one distribution has one cache
 * behaviour per path).
 */
function sitesPart(data: ConfigFile, raw: Raw, extra: ResolveExtra, createsPool: boolean, fail: Fail): ResolvedSite[] | undefined {
  if (!data.sites) {
    const config = edgePart(data, raw, extra, createsPool, fail);
    return config ? [{ hosts: ["*"], config }] : undefined;
  }
  const rawSites = raw.sites as Raw[];
  const out: ResolvedSite[] = [];
  let bad = false;
  data.sites.forEach((site, i) => {
    const given = rawSites[i] ?? {};
    const merged: Record<string, unknown> = { ...data };
    for (const key of SITE_KEYS) {
      if (given[key] === undefined) continue;
      const own = (site as Record<string, unknown>)[key];
      const top = (data as Record<string, unknown>)[key];
      if ((key === "paths" || key === "cookie") && isObject(given[key]) && isObject(own) && isObject(top)) {
        const picked: Record<string, unknown> = { ...top };
        for (const k of Object.keys(given[key] as Raw)) picked[k] = own[k];
        merged[key] = picked;
      } else merged[key] = own;
    }
    const config = edgePart(merged as ConfigFile, raw, extra, createsPool, (f, w) => fail(`sites[${i}].${f}`, w));
    if (!config) bad = true;
    else out.push({ hosts: site.hosts as string[], config });
  });
  if (bad) return undefined;
  const hostOwner = new Map<string, number>();
  const clientOwner = new Map<string, number>();
  out.forEach((s, i) => {
    for (const h of s.hosts) {
      if (hostOwner.has(h)) fail(`sites[${i}].hosts`, `"${h}" is also a host of sites[${hostOwner.get(h)}]`);
      else hostOwner.set(h, i);
    }
    if (clientOwner.has(s.config.clientId)) fail(`sites[${i}].clientId`, `is also the app client of sites[${clientOwner.get(s.config.clientId)}]: each site needs its own, so a session of one site is never one of another`);
    else clientOwner.set(s.config.clientId, i);
    for (const k of ["callback", "refresh", "signOut", "signIn"] as const) {
      if (s.config.paths[k] !== out[0]!.config.paths[k])
        fail(`sites[${i}].paths.${k}`, `must be the same for every site (${out[0]!.config.paths[k]}): one distribution has one cache behaviour per path`);
    }
  });
  return out;
}

// ------------------------------------------------------------------------------------------------ edge

function edgePart(data: ConfigFile, raw: Raw, extra: ResolveExtra, createsPool: boolean, report: Fail): ResolvedConfig | undefined {
  let failed = false;
  const fail: Fail = (field, why) => {
    failed = true;
    report(field, why);
  };
  const p = providerPart(data, extra, createsPool, fail);

  const paths = { ...DEFAULT_PATHS, ...data.paths };
  for (const [key, p] of Object.entries(paths)) {
    if (p.startsWith("//") || p.includes("*") || p.includes("?")) fail(`paths.${key}`, 'must be a path starting with "/" (no "//", "*", "?" or spaces)');
  }
  const handlerPaths = [paths.callback, paths.refresh, paths.signOut, paths.signIn];
  if (new Set(handlerPaths).size !== handlerPaths.length) fail("paths", "callback, refresh, signOut and signIn must be different paths");
  if (handlerPaths.includes("/")) fail("paths", 'callback, refresh, signOut and signIn cannot be "/"');
  if (handlerPaths.includes(paths.afterSignOut)) fail("paths.afterSignOut", "cannot be one of the callback, refresh, signOut or signIn paths");

  const t = data.timeouts;
  // parse-auth and refresh-auth may call the token endpoint and then fetch the JWKS (a rotated key): both
  // together must leave room for the rest of the 5 s viewer limit. The defaults (3000 + 1500) were chosen with
  // the JWKS fetch being rare; whoever sets timeouts keeps them within 4000 together.
  if (raw.timeouts !== undefined && t.token + t.jwks > 4000) fail("timeouts", `token + jwks must be at most 4000 ms together (viewer triggers have 5 s), got ${t.token + t.jwks}`);

  const headers: Record<string, string> = { ...DEFAULT_SECURITY_HEADERS };
  for (const [name, val] of Object.entries(data.headers ?? {})) {
    const key = name.toLowerCase();
    if (!HEADER_NAME.test(name)) fail(`headers.${name}`, "is not a valid header name");
    else if (val === false || val === null) delete headers[key];
    else if (/[\r\n\0]/.test(val) || val.length === 0) fail(`headers.${name}`, "must be a non-empty string on one line, or false to drop the default");
    else headers[key] = val;
  }
  if (data.hotPath === "cloudfront-function") {
    // A response headers policy sends them there (see response-headers.ts); refuse what it cannot express now,
    // not at deploy when CloudFront would.
    const policy = policyHeaders(headers);
    if (!policy.ok) for (const p of policy.problems) fail(p.field, p.why);
  }

  const errorPages: Record<string, string> = {};
  for (const [status, path] of Object.entries(data.errorPages ?? {})) {
    if (!/^[45]\d\d$/.test(status)) fail(`errorPages.${status}`, "key must be a 4xx or 5xx status code");
    else {
      const html = extra.templates?.[path] ?? extra.errorPages?.[status];
      if (html !== undefined) errorPages[status] = html;
    }
  }
  if (data.mode === "spa" && data.clientSecret) fail("clientSecret", 'must be absent in mode "spa" (an SPA uses a public app client)');
  const jwks = (data.jwks as Jwks | undefined) ?? (p ? extra.jwksByUri?.[p.provider.jwksUri] : undefined) ?? extra.jwks;
  if (jwks !== undefined && !isJwks(jwks)) fail("jwks", 'must be a JWKS: { "keys": [ { "kty": "RSA", "kid": ..., "n": ..., "e": ... } ] }');
  if (data.clientId === undefined) fail("clientId", createsPool ? POOL_IDS_HINT : "is required");
  if (!data.scopes.includes("openid")) fail("scopes", 'must include "openid" (the id token needs it)');

  if (failed || !p || !data.clientId) return undefined;
  const cognito = p.provider.type === "cognito";
  const sameSite = data.cookie.sameSite.charAt(0).toUpperCase() + data.cookie.sameSite.slice(1).toLowerCase();
  return {
    region: p.region,
    userPoolId: p.userPoolId,
    clientId: data.clientId,
    ...(data.clientSecret ? { clientSecret: data.clientSecret } : {}),
    domain: p.domain,
    provider: p.provider,
    groupsClaim: data.groupsClaim ?? (cognito ? "cognito:groups" : "groups"),
    usernameClaim: data.usernameClaim ?? (cognito ? "cognito:username" : "preferred_username"),
    scopes: [...new Set([...data.scopes, ...p.extraScopes])],
    issuer: p.provider.issuer,
    jwksUri: p.provider.jwksUri,
    jwks: jwks ?? { keys: [] },
    clockToleranceSeconds: data.clockToleranceSeconds,
    paths,
    publicPaths: [...new Set(data.publicPaths)],
    apiPaths: [...new Set(data.apiPaths)],
    rules: data.rules.map(resolveRule),
    cookie: { ...data.cookie, sameSite: sameSite as ResolvedConfig["cookie"]["sameSite"] },
    nonceSigningSecret: data.nonceSigningSecret ?? extra.nonceSigningSecret ?? "",
    hotPath: data.hotPath,
    session: {
      ...(data.session.maxAge !== undefined ? { maxAge: data.session.maxAge } : {}),
      signingSecret: data.session.signingSecret ?? extra.sessionSigningSecret ?? "",
    },
    mergeOriginCsp: data.mergeOriginCsp,
    headers,
    logLevel: data.logLevel,
    timeouts: data.timeouts,
    mode: data.mode,
    forwardIdentity: data.forwardIdentity,
    ...(data.identityProvider ? { identityProvider: data.identityProvider } : {}),
    ...(data.idpIdentifier ? { idpIdentifier: data.idpIdentifier } : {}),
    errorPages,
    indexRewrite: data.indexRewrite,
    spaFallback: data.spaFallback,
  };
}

type RuleData = ConfigFile["rules"][number];
type SelectorData = NonNullable<RuleData["include"]>[number];

/** A rule as the hot paths read it: only the keys given, lists without repeats, e-mails and domains in lower case,
 *  claim values as the strings they are compared as (numbers and booleans as their JSON text). */
function resolveRule(r: RuleData): Rule {
  const uniq = (a: string[]) => [...new Set(a)];
  const sel = (s: SelectorData): Selector => {
    if (s.groups) return { groups: uniq(s.groups) };
    if (s.emails) return { emails: uniq(s.emails.map((e) => e.toLowerCase())) };
    if (s.emailDomains) return { emailDomains: uniq(s.emailDomains.map((e) => e.toLowerCase())) };
    if (s.claim !== undefined) return { claim: s.claim, values: uniq(s.values!.map((v) => claimText(v)!)) };
    return { ipRanges: uniq(s.ipRanges!) };
  };
  const out: Rule = { path: r.path };
  if (r.groups) out.groups = uniq(r.groups);
  if (r.methods) out.methods = uniq(r.methods);
  for (const k of ["include", "require", "exclude"] as const) if (r[k]) out[k] = r[k].map(sel);
  return out;
}

/**
 * Claim selectors that read what users can write themselves: a Cognito attribute in the app client's write
 * attributes, by its own name or through the claim pre-token-generation copies it into. Warnings, as the triggers'.
 */
export function writableClaimWarnings(sites: readonly ResolvedSite[], t: TriggersConfig): string[] {
  const p = t.preTokenGeneration;
  const out: string[] = [];
  sites.forEach((site, si) =>
    site.config.rules.forEach((r, ri) =>
      (["include", "require", "exclude"] as const).forEach((k) =>
        (r[k] ?? []).forEach((s, i) => {
          if (!("claim" in s)) return;
          const attr = p.writableAttributes.find((a) => a === s.claim || p.attributeClaims[a] === s.claim);
          if (attr === undefined) return;
          const field = `${sites.length > 1 ? `sites[${si}].` : ""}rules[${ri}].${k}[${i}].claim`;
          out.push(`${field}: users can write "${attr}" themselves (it is in triggers.preTokenGeneration.writableAttributes), so they can choose the value of claim "${s.claim}"; never base access on it (remove it from the app client's write attributes)`);
        }),
      ),
    ),
  );
  return out;
}

const POOL_IDS_HINT =
  "is required: this config has no pool ids because `npm run deploy` creates the pool and fills them in; `npm run build` needs them (run `npm run deploy`, or add userPoolId, clientId and domain of an existing pool)";

interface ProviderPart {
  provider: ResolvedConfig["provider"];
  region: string;
  userPoolId: string;
  domain: string;
  /** Scopes the provider adds (`offline_access` for a refresh token). */
  extraScopes: string[];
}

/**
 * The provider and its endpoints. Cognito: the pool's (`region`, `userPoolId`, the Hosted UI `domain`). Any other
 * OpenID Connect provider: the endpoints given in the config, else from its discovery document (which the build
 * reads and hands in through `extra.discovery`; its `issuer` must be the configured one). Without a document yet,
 * missing endpoints are left empty: the build resolves again once it has read it.
 */
function providerPart(data: ConfigFile, extra: ResolveExtra, createsPool: boolean, fail: Fail): ProviderPart | undefined {
  const prov = data.provider;
  if (prov === "cognito") {
    let bad = false;
    const need = (field: string) => {
      bad = true;
      fail(field, createsPool ? POOL_IDS_HINT : "is required");
    };
    if (data.region === undefined) {
      bad = true;
      fail("region", "is required");
    }
    if (data.userPoolId === undefined) need("userPoolId");
    const domain = data.domain === undefined ? void need("domain") : resolveDomain(data.domain, fail);
    const issuer = data.issuer;
    if (issuer?.startsWith("http:") && !isLocalUrl(issuer)) {
      bad = true;
      fail("issuer", "http:// is accepted only for localhost and 127.0.0.1");
    }
    checkRegionAndPool(data, fail);
    // Cognito's own formats (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
    if (data.clientId !== undefined && !/^[\w+]{1,128}$/.test(data.clientId)) {
      bad = true;
      fail("clientId", "must be the app client id (letters, digits, underscores)");
    }
    if (data.clientSecret !== undefined && !/^[\w+]{1,128}$/.test(data.clientSecret)) {
      bad = true;
      fail("clientSecret", "must be the app client secret");
    }
    if (bad || !domain || !data.region || !data.userPoolId) return undefined;
    const iss = issuer ?? `https://cognito-idp.${data.region}.amazonaws.com/${data.userPoolId}`;
    return {
      region: data.region,
      userPoolId: data.userPoolId,
      domain,
      extraScopes: [],
      provider: {
        type: "cognito",
        issuer: iss,
        authorizationEndpoint: `${domain}/oauth2/authorize`,
        tokenEndpoint: `${domain}/oauth2/token`,
        revocationEndpoint: `${domain}/oauth2/revoke`,
        endSessionEndpoint: `${domain}/logout`,
        jwksUri: `${iss}/.well-known/jwks.json`,
        clientAuth: data.clientSecret ? "client_secret_basic" : "none",
        accessTokenJwt: true,
      },
    };
  }

  for (const key of ["region", "userPoolId", "domain", "issuer", "identityProvider", "idpIdentifier"] as const) {
    if (data[key] !== undefined) fail(key, 'is for provider "cognito"; an OpenID Connect provider is described by provider.issuer and its endpoints');
  }
  const issuer = prov.issuer;
  const url = (field: string, v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    if (v.startsWith("http:") && !isLocalUrl(v)) return void fail(`provider.${field}`, "http:// is accepted only for localhost and 127.0.0.1");
    return v;
  };
  url("issuer", issuer);
  const doc = extra.discovery?.[issuer];
  if (doc !== undefined && doc.issuer !== issuer)
    fail("provider.issuer", `is ${issuer}, but the discovery document at ${issuer.replace(/\/$/, "")}/.well-known/openid-configuration names issuer ${JSON.stringify(doc.issuer)}: a provider that says it is someone else is not trusted`);
  const fromDoc = (field: string): string | undefined => (typeof doc?.[field] === "string" ? (doc[field] as string) : undefined);
  const pick = (field: "authorizationEndpoint" | "tokenEndpoint" | "revocationEndpoint" | "endSessionEndpoint" | "jwksUri", docField: string, required: boolean) => {
    const v = url(field, prov[field] ?? fromDoc(docField));
    if (v === undefined && required && doc !== undefined) fail(`provider.${field}`, `the discovery document has no ${docField}; set it in the config`);
    return v;
  };
  const authorizationEndpoint = pick("authorizationEndpoint", "authorization_endpoint", true);
  const tokenEndpoint = pick("tokenEndpoint", "token_endpoint", true);
  const jwksUri = pick("jwksUri", "jwks_uri", true);
  const revocationEndpoint = pick("revocationEndpoint", "revocation_endpoint", false);
  const endSessionEndpoint = pick("endSessionEndpoint", "end_session_endpoint", false);
  const methods = Array.isArray(doc?.token_endpoint_auth_methods_supported) ? (doc.token_endpoint_auth_methods_supported as unknown[]) : [];
  const clientAuth =
    prov.clientAuth ??
    (!data.clientSecret ? "none" : methods.includes("client_secret_basic") || methods.length === 0 ? "client_secret_basic" : methods.includes("client_secret_post") ? "client_secret_post" : "client_secret_basic");
  if (clientAuth !== "none" && !data.clientSecret) fail("provider.clientAuth", `is ${clientAuth}, which needs a clientSecret`);
  if (clientAuth === "none" && data.clientSecret) fail("provider.clientAuth", 'is "none", but a clientSecret is set');
  const scopes = Array.isArray(doc?.scopes_supported) ? (doc.scopes_supported as unknown[]) : [];
  const origin = (() => {
    try {
      return new URL(authorizationEndpoint ?? issuer).origin;
    } catch {
      return issuer;
    }
  })();
  return {
    region: "",
    userPoolId: "",
    domain: origin,
    extraScopes: prov.offlineAccess && scopes.includes("offline_access") ? ["offline_access"] : [],
    provider: {
      type: "oidc",
      issuer,
      authorizationEndpoint: authorizationEndpoint ?? "",
      tokenEndpoint: tokenEndpoint ?? "",
      ...(revocationEndpoint ? { revocationEndpoint } : {}),
      ...(endSessionEndpoint ? { endSessionEndpoint } : {}),
      jwksUri: jwksUri ?? "",
      clientAuth,
      accessTokenJwt: prov.accessTokenJwt,
      // RFC 9207 §3: a provider that says it sends `iss` always does, so a response without one is not its.
      ...(doc?.authorization_response_iss_parameter_supported === true ? { issParameter: true } : {}),
    },
  };
}

/** The endpoints an OpenID Connect provider still lacks (none once its discovery document has been read). */
export function missingEndpoints(c: ResolvedConfig): string[] {
  const p = c.provider;
  return (["authorizationEndpoint", "tokenEndpoint", "jwksUri"] as const).filter((k) => !p[k]);
}

/**
 * `region` must be where the pool is: the pool id starts with it (`eu-west-1_AbC`), and so does an issuer that
 * names Cognito. An emulator's issuer (localhost) names its own pools.
 */
function checkRegionAndPool(data: ConfigFile, fail: Fail): void {
  if (data.region === undefined) return;
  const m = data.issuer ? /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([\w-]+_[0-9A-Za-z]+)$/.exec(data.issuer) : null;
  if (m) {
    if (m[1] !== data.region) fail("issuer", `names region ${m[1]}, but region is ${data.region}`);
    if (data.userPoolId && m[2] !== data.userPoolId) fail("issuer", `names pool ${m[2]}, but userPoolId is ${data.userPoolId}`);
  }
  if (data.userPoolId && (!data.issuer || m)) {
    const prefix = data.userPoolId.split("_")[0];
    if (prefix !== data.region) fail("region", `is ${data.region}, but userPoolId ${data.userPoolId} is a pool in ${prefix}: the issuer would refuse every token`);
  }
}

/**
 * The checks across keys that do not need a valid file, for a file the schema refused: each runs when the keys it
 * reads are strings the schema did not complain about, so a typo elsewhere does not hide a region/pool mismatch.
 */
function crossKeyChecksOnly(raw: Raw, issues: readonly { path: readonly PropertyKey[] }[], fail: Fail): void {
  const refused = new Set(issues.map((i) => String(i.path[0] ?? "")));
  const str = (key: string) => (typeof raw[key] === "string" && !refused.has(key) ? (raw[key] as string) : undefined);
  const region = str("region");
  const userPoolId = str("userPoolId");
  const issuer = str("issuer");
  // An unparsed `provider` may still be "cognito": the region/pool check applies unless it is an OpenID Connect one.
  if (raw.provider !== undefined && raw.provider !== "cognito") return;
  checkRegionAndPool({ region, userPoolId, issuer } as ConfigFile, fail);
}

/** A bare host means https; a full URL may carry a port; http only for local emulators. */
function resolveDomain(v: string, fail: Fail): string | undefined {
  if (v === "") return void fail("domain", "is required (the Hosted UI domain, e.g. auth.example.com)");
  if (!v.includes("://")) {
    if (!HOST.test(v)) return void fail("domain", "must be a host name such as auth.example.com, or a full https:// URL");
    return `https://${v.toLowerCase()}`;
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return void fail("domain", "is not a valid URL");
  }
  if (url.protocol === "http:" && !LOCAL_HOSTS.has(url.hostname))
    return void fail("domain", "http:// is accepted only for localhost and 127.0.0.1 (emulators); use https://");
  if (url.protocol !== "https:" && url.protocol !== "http:") return void fail("domain", "must be an https:// URL");
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== ""))
    return void fail("domain", "must be an origin only (no path, query, credentials or fragment)");
  return url.origin;
}


// ------------------------------------------------------------------------------------------------ triggers

type TriggersData = NonNullable<z.output<typeof triggersSchema>>;
const P = "triggers.preTokenGeneration";

function triggersPart(t: TriggersData, logLevel: TriggersConfig["logLevel"], fail: Fail, warnings: string[]): TriggersConfig | undefined {
  const v = t.preTokenGeneration;
  const out: PreTokenGenerationConfig = {
    attributeClaims: {},
    staticClaims: {},
    suppressClaims: [],
    accessTokenScopes: {},
    maxClaimsBytes: v?.maxClaimsBytes ?? 2048,
    writableAttributes: [...new Set(v?.writableAttributes ?? [])],
    ...(v?.module ? { module: v.module } : {}),
  };
  /** Claim name → the field that produces it, to report two fields producing the same claim. */
  const producers = new Map<string, string>();
  const claimName = (field: string, name: string): boolean => {
    if (!CLAIM_NAME.test(name)) return fail(field, `${JSON.stringify(name)} is not a valid claim name (1-128 letters, digits, "_", ".", ":", "-", "/")`), false;
    const reserved = reservedClaimReason(name);
    if (reserved) return fail(field, reserved), false;
    const other = producers.get(name);
    if (other) return fail(field, `claim "${name}" is already produced by ${other}`), false;
    producers.set(name, field);
    return true;
  };
  for (const [attr, claim] of Object.entries(v?.attributeClaims ?? {})) {
    const field = `${P}.attributeClaims.${attr}`;
    if (!ATTRIBUTE_NAME.test(attr)) fail(field, "is not a user pool attribute name");
    else if (claimName(field, claim)) out.attributeClaims[attr] = claim;
  }
  if (v?.groupClaims) {
    const field = `${P}.groupClaims`;
    const map: Record<string, string[]> = {};
    for (const [group, values] of Object.entries(v.groupClaims.map)) {
      if (!GROUP_NAME.test(group)) fail(`${field}.map.${group}`, "is not a valid group name");
      else map[group] = [...new Set(values)];
    }
    const claim = v.groupClaims.claim;
    if (claimName(`${field}.claim`, claim)) {
      if (SCALAR_ONLY_CLAIMS.includes(claim)) fail(`${field}.claim`, `"${claim}" cannot hold a list (Cognito allows only a single value)`);
      else out.groupClaims = { claim, map };
    }
  }
  for (const [claim, value] of Object.entries(v?.staticClaims ?? {})) {
    const field = `${P}.staticClaims.${claim}`;
    if (!claimName(field, claim)) continue;
    if (Array.isArray(value) && SCALAR_ONLY_CLAIMS.includes(claim)) fail(field, `"${claim}" cannot hold a list (Cognito allows only a single value)`);
    else out.staticClaims[claim] = value;
  }
  (v?.suppressClaims ?? []).forEach((claim, i) => {
    const field = `${P}.suppressClaims[${i}]`;
    if (!CLAIM_NAME.test(claim)) return fail(field, `${JSON.stringify(claim)} is not a valid claim name`);
    const reserved = reservedClaimReason(claim);
    if (reserved) return fail(field, reserved);
    if (producers.has(claim)) return fail(field, `claim "${claim}" is also produced by ${producers.get(claim)}`);
    if (!out.suppressClaims.includes(claim)) out.suppressClaims.push(claim);
  });
  for (const [group, scopes] of Object.entries(v?.accessTokenScopes ?? {})) {
    if (!GROUP_NAME.test(group)) fail(`${P}.accessTokenScopes.${group}`, "is not a valid group name");
    else out.accessTokenScopes[group] = [...new Set(scopes)];
  }
  for (const attr of Object.keys(out.attributeClaims)) {
    if (out.writableAttributes.includes(attr))
      warnings.push(
        `${P}.attributeClaims.${attr}: users can write "${attr}" themselves (it is in writableAttributes), so they can ` +
          `choose the value of claim "${out.attributeClaims[attr]}"; never base authorization on it (remove it from the app client's write attributes)`,
      );
  }
  // The worst case known at build: every static claim plus the group claim with every mapped value.
  const worst: Record<string, unknown> = { ...out.staticClaims };
  if (out.groupClaims) worst[out.groupClaims.claim] = [...new Set(Object.values(out.groupClaims.map).flat())];
  const size = claimsBytes(worst);
  if (size > out.maxClaimsBytes) fail(P, `staticClaims and groupClaims add up to ${size} bytes, over maxClaimsBytes (${out.maxClaimsBytes})`);
  const defaultGroup = t.postConfirmation?.defaultGroup;
  return { preTokenGeneration: out, postConfirmation: defaultGroup ? { defaultGroup } : {}, logLevel };
}

// ------------------------------------------------------------------------------------------------ deploy

/** The raw `sites` entries that are objects (the schema checks the rest). */
const rawSites = (raw: Raw): Raw[] => (Array.isArray(raw.sites) ? raw.sites.filter(isObject) : []);

/** Whether the distribution alias `alias` serves `host`: the same name, or `*.d` for a host one label under `d` (or `*.d` itself). */
export function aliasCovers(alias: string, host: string): boolean {
  const a = alias.toLowerCase();
  const h = host.toLowerCase();
  if (a === h) return true;
  if (!a.startsWith("*.")) return false;
  const rest = a.slice(1);
  return h.endsWith(rest) && h.length > rest.length && !h.slice(0, -rest.length).includes(".");
}

/**
 * What a deploy needs that a build does not, as `field: why` messages: the ACM certificate for aliases that come
 * from `sites` (a local run of the same config needs none).
 */
export function missingDeployKeys(d: DeployConfig): string[] {
  return d.aliases.length && !d.certificateArn
    ? [`deploy.certificateArn: is required: the sites' host names (${d.aliases.join(", ")}) are the distribution's aliases, and CloudFront serves a custom domain only with an ACM certificate in us-east-1 covering it`]
    : [];
}

type DeployData = NonNullable<z.output<typeof deploySchema>>;

function deployPart(d: Partial<DeployData>, raw: Raw, fail: Fail): DeployConfig | undefined {
  const service = d.service ?? "edge-auth";
  const stage = d.stage ?? "dev";
  const sites = rawSites(raw);
  // Only Cognito has a pool to create; another provider's app client is registered with it. A site that names
  // its own pool or provider means the pools exist.
  const cognito = raw.provider === undefined || raw.provider === "cognito";
  const poolNamed = raw.userPoolId !== undefined || sites.some((s) => s.userPoolId !== undefined || s.provider !== undefined);
  const createUserPool = d.createUserPool ?? (cognito && !poolNamed);
  if (createUserPool) {
    for (const key of POOL_KEYS) if (raw[key] !== undefined) fail("deploy.createUserPool", `is true, so "${key}" must be left out (the new pool provides it)`);
    sites.forEach((site, i) => {
      for (const key of [...POOL_KEYS, "provider", "region"] as const)
        if (site[key] !== undefined) fail(`sites[${i}].${key}`, "must be left out: deploy.createUserPool is true, so the new pool and an app client of its own for each site provide it");
    });
  }
  const dflt = `${service}-${stage}`.toLowerCase();
  const p: Partial<NonNullable<DeployData["userPool"]>> = d.userPool ?? {};
  if (p.domainPrefix === undefined && !validDomainPrefix(dflt)) fail("deploy.userPool.domainPrefix", `the default "${dflt}" is not a valid Cognito domain prefix; set one`);
  const explicit = [...new Set(d.aliases ?? [])];
  // Every site's host names are the distribution's aliases: given, they must cover each; left out, they are those.
  const siteHosts = [...new Set(sites.flatMap((s) => (Array.isArray(s.hosts) ? s.hosts.filter((h): h is string => typeof h === "string") : [])))];
  if (explicit.length)
    for (const h of siteHosts)
      if (!explicit.some((a) => aliasCovers(a, h))) fail("deploy.aliases", `does not cover "${h}", a host of sites: CloudFront would refuse that site's requests (add it, or a *. alias for it)`);
  const aliases = explicit.length ? explicit : siteHosts;
  if (explicit.length && !d.certificateArn)
    fail("deploy.certificateArn", "is required with deploy.aliases (CloudFront serves a custom domain only with an ACM certificate in us-east-1)");
  if (d.certificateArn && !aliases.length) fail("deploy.aliases", "is required with deploy.certificateArn (the domain names the certificate covers)");
  // Aliases taken from `sites` need the certificate too, but only to deploy: `missingDeployKeys` says so then.
  return {
    service,
    stage,
    createUserPool,
    userPool: {
      name: p.name ?? dflt,
      domainPrefix: p.domainPrefix ?? dflt,
      generateSecret: p.generateSecret ?? false,
      selfSignUp: p.selfSignUp ?? false,
      preTokenGenerationVersion: p.preTokenGenerationVersion ?? "V2_0",
      deletionProtection: p.deletionProtection ?? true,
      signIn: resolveUserPoolSignIn(p, fail),
    },
    aliases,
    ...(d.certificateArn ? { certificateArn: d.certificateArn } : {}),
    priceClass: d.priceClass ?? "PriceClass_100",
    siteDir: d.siteDir ?? "site",
    ...(d.bucketName ? { bucketName: d.bucketName } : {}),
    alarms: resolveAlarms(d.alarms),
    dashboard: resolveDashboard(d.dashboard, d.priceClass ?? "PriceClass_100"),
  };
}

/**
 * `cookie.domain` shares our cookies with every subdomain on purpose, so none of them can carry the `__Host-`
 * prefix: a sibling subdomain can plant the session, sign-in state and binding cookies (issue 17). Said at build.
 */
function cookieDomainWarnings(sites: readonly ResolvedSite[]): string[] {
  const out: string[] = [];
  sites.forEach((s, i) => {
    const domain = s.config.cookie.domain;
    if (!domain) return;
    const field = sites.length > 1 ? `sites[${i}].cookie.domain` : "cookie.domain";
    out.push(
      `${field}: is ${domain}, so the edge's cookies are shared with every host under ${domain.replace(/^\./, "")} and lose the __Host- prefix: ` +
        "any of those hosts (user content, a forgotten CNAME, an http-only sibling) can plant session or sign-in cookies and sign a visitor in as someone else. " +
        "Leave cookie.domain out unless every host under it is yours and trusted",
    );
  });
  return out;
}
