/**
 * The configuration: what the site owner writes in `auth.config.json`, and the resolved form the build bakes into
 * every edge bundle (Lambda@Edge has no environment variables).
 *
 * `resolveConfig` is pure: it validates, applies defaults and returns either the resolved config or a list of
 * problems, each naming the field (`paths.callback: must start with "/"`). The build prints them and stops.
 */
import type { Jwks } from "aws-jwt-verify/jwk";

/** SameSite attribute of the cookies we set. */
export type SameSite = "Lax" | "Strict" | "None";
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** One authorization rule: a signed-in user must be in one of `groups` to open a path matching `path`. */
export interface Rule {
  /** Glob of request paths, as CloudFront path patterns: `*` matches any characters (slashes too), `?` one. */
  path: string;
  /** `cognito:groups` values; a user in none of them gets 403. */
  groups: string[];
}

export interface Paths {
  /** Where Cognito sends the browser back with `code` and `state` (the app client's callback URL). Default `/parseauth`. */
  callback: string;
  /** Where check-auth sends a browser whose tokens expired, to refresh them. Default `/refreshauth`. */
  refresh: string;
  /** Visiting it signs the user out. Default `/signout`. */
  signOut: string;
  /** Where Cognito's `/logout` sends the browser afterwards (must be a sign-out URL of the app client). Default `/`. */
  afterSignOut: string;
}

export interface CookieSettings {
  /** SameSite of the token cookies. Default `Lax`. The short-lived sign-in cookies are always `Lax` (they must
   *  survive the redirect back from the Hosted UI). With `Strict`, parse-auth returns a page that navigates
   *  to the return URL instead of a 302, because a redirect chain that started cross-site carries no Strict cookies. */
  sameSite: SameSite;
  /** Domain attribute; absent (the default) means host-only cookies, which is the safest choice. */
  domain?: string;
  /** Lifetime of the refresh-token cookie (and `LastAuthUser`), seconds. Default 30 days, Cognito's default
   *  refresh-token validity. */
  refreshTokenMaxAge: number;
}

/** Timeouts for calls to Cognito, in milliseconds. All well inside the 5 s viewer-trigger limit. */
export interface Timeouts {
  /** `/oauth2/token` (code exchange and refresh). Default 3000. */
  token: number;
  /** `/oauth2/revoke` on sign-out; sign-out proceeds when it fails. Default 1500. */
  revoke: number;
  /** JWKS fetch for an unknown `kid`. Default 1500. */
  jwks: number;
}

/** The configuration after validation and defaults, as baked into the bundles. */
export interface ResolvedConfig {
  region: string;
  userPoolId: string;
  clientId: string;
  /** Present for a confidential app client: token calls then use HTTP Basic client authentication. */
  clientSecret?: string;
  /** Hosted UI origin, e.g. `https://auth.example.com` (no trailing slash). */
  domain: string;
  scopes: string[];
  /** Expected `iss` of the tokens. */
  issuer: string;
  /** Where to fetch keys for an unknown `kid`: `<issuer>/.well-known/jwks.json`. */
  jwksUri: string;
  /** Keys known at build time, so a cold start verifies with no network call. */
  jwks: Jwks;
  /** Seconds of clock skew allowed when `exp` and `nbf` are checked. Default 5. */
  clockToleranceSeconds: number;
  paths: Paths;
  publicPaths: string[];
  rules: Rule[];
  cookie: CookieSettings;
  /** HMAC key of the sign-in cookies (nonce, PKCE verifier, return path). */
  nonceSigningSecret: string;
  /** Security headers added by http-headers; a header set to `false` in the raw config is not added. */
  headers: Record<string, string>;
  logLevel: LogLevel;
  timeouts: Timeouts;
  /** `static` (default): every cookie HttpOnly. `spa`: id/access token and LastAuthUser readable by scripts
   *  (Amplify JS), the refresh token still HttpOnly. */
  mode: "static" | "spa";
  /** Globs of paths answered with 401 + JSON instead of a redirect to sign-in. */
  apiPaths: string[];
  /** Send `x-auth-user`, `x-auth-email`, `x-auth-groups`, `x-auth-id-token` to the origin. */
  forwardIdentity: boolean;
  /** Sent to `/oauth2/authorize` as `identity_provider`, so users skip the Cognito chooser. */
  identityProvider?: string;
  /** Sent to `/oauth2/authorize` as `idp_identifier`. */
  idpIdentifier?: string;
  /** HTML templates per status code (`"403"`, `"400"`, ...), baked at build; `{{reason}}`, `{{status}}`,
   *  `{{title}}`, `{{retry}}` are replaced with escaped values. */
  errorPages: Record<string, string>;
  /** Rewrite `/docs/` and `/docs` to `/docs/index.html` after the auth decision (S3 behind OAC has no index
   *  documents for folders). Default true. */
  indexRewrite: boolean;
  /** Send paths whose last segment has no file extension to `/index.html` (single-page apps). Default false. */
  spaFallback: boolean;
}

/** Security headers http-headers adds by default; each can be overridden or turned off in `headers`. */
export const DEFAULT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "frame-ancestors 'none'",
  "referrer-policy": "strict-origin-when-cross-origin",
};

export const DEFAULT_PATHS: Readonly<Paths> = {
  callback: "/parseauth",
  refresh: "/refreshauth",
  signOut: "/signout",
  afterSignOut: "/",
};

/** Keys that belong to other parts of the product (deployment, Cognito triggers); checked by their own code. */
const KNOWN_OTHER_KEYS = new Set(["$schema", "triggers", "deploy", "site", "local"]);

export type ConfigResult =
  | { ok: true; config: ResolvedConfig; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
/** AWS region names (us-east-1, eu-central-2, ...); emulators may use others such as "local". */
const REGION = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;
const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
/** Header names as RFC 9110 tokens. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Query-string safe path: printable ASCII without characters that would need escaping in a cookie or header. */
const PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

/**
 * Validates a raw config object and applies defaults. `jwks` may be absent here; the build fetches it and
 * passes it in `extra.jwks` (see scripts/build.ts). `extra.nonceSigningSecret` is the generated secret used when
 * the config has none; `extra.errorPages` the templates already read from disk.
 */
export function resolveConfig(
  raw: unknown,
  extra: { jwks?: Jwks; nonceSigningSecret?: string; errorPages?: Record<string, string> } = {},
): ConfigResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isObject(raw)) return { ok: false, errors: ["config: must be a JSON object"], warnings };
  const fail = (field: string, why: string) => errors.push(`${field}: ${why}`);

  const str = (field: string, opts: { required?: boolean; pattern?: RegExp; hint?: string } = {}) => {
    const v = raw[field];
    if (v === undefined || v === null || v === "") {
      if (opts.required) fail(field, "is required");
      return undefined;
    }
    if (typeof v !== "string") return void fail(field, `must be a string, got ${typeOf(v)}`);
    if (opts.pattern && !opts.pattern.test(v)) return void fail(field, opts.hint ?? `has an invalid value`);
    return v;
  };

  const region = str("region", { required: true, pattern: REGION, hint: 'must be an AWS region such as "us-east-1"' });
  const userPoolId = str("userPoolId", {
    required: true,
    pattern: /^[\w-]+_[0-9A-Za-z]+$/,
    hint: 'must look like "<region>_<id>", e.g. "us-east-1_AbCdEf123"',
  });
  const clientId = str("clientId", {
    required: true,
    pattern: /^[\w+]{1,128}$/,
    hint: "must be the app client id (letters, digits, underscores)",
  });
  const clientSecret = str("clientSecret", { pattern: /^[\w+]{1,128}$/, hint: "must be the app client secret" });
  const domain = resolveDomain(raw.domain, fail);
  const scopes = stringArray(raw, "scopes", fail, ["openid", "email", "profile"], /^[\x21\x23-\x5B\x5D-\x7E]+$/);
  if (scopes && !scopes.includes("openid")) fail("scopes", 'must include "openid" (the id token needs it)');

  let issuer = str("issuer", { pattern: /^https?:\/\/[^\s]+[^/\s]$/, hint: "must be an http(s) URL without a trailing slash" });
  if (issuer?.startsWith("http:") && !isLocalUrl(issuer)) fail("issuer", "http:// is accepted only for localhost and 127.0.0.1");
  if (!issuer && region && userPoolId) issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;

  const jwks = raw.jwks ?? extra.jwks;
  if (jwks !== undefined && !isJwks(jwks)) fail("jwks", 'must be a JWKS: { "keys": [ { "kty": "RSA", "kid": ..., "n": ..., "e": ... } ] }');

  const paths = resolvePaths(raw.paths, fail);
  const publicPaths = globs(raw, "publicPaths", fail);
  const apiPaths = globs(raw, "apiPaths", fail);
  const rules = resolveRules(raw.rules, fail);
  const cookie = resolveCookie(raw.cookie, fail);
  const timeouts = resolveTimeouts(raw.timeouts, fail);
  let clockToleranceSeconds = 5;
  if (raw.clockToleranceSeconds !== undefined) {
    const t = raw.clockToleranceSeconds;
    if (typeof t !== "number" || !Number.isInteger(t) || t < 0 || t > 300) fail("clockToleranceSeconds", "must be a whole number of seconds between 0 and 300");
    else clockToleranceSeconds = t;
  }
  const headers = resolveHeaders(raw.headers, fail);

  let nonceSigningSecret = str("nonceSigningSecret");
  if (nonceSigningSecret !== undefined && nonceSigningSecret.length < 32)
    fail("nonceSigningSecret", "must be at least 32 characters (or leave it out and the build generates one)");
  nonceSigningSecret ??= extra.nonceSigningSecret;

  const logLevel = oneOf(raw, "logLevel", ["debug", "info", "warn", "error", "silent"] as const, "info", fail);
  const mode = oneOf(raw, "mode", ["static", "spa"] as const, "static", fail);
  if (mode === "spa" && clientSecret) fail("clientSecret", 'must be absent in mode "spa" (an SPA uses a public app client)');
  const forwardIdentity = bool(raw, "forwardIdentity", false, fail);
  const indexRewrite = bool(raw, "indexRewrite", true, fail);
  const spaFallback = bool(raw, "spaFallback", false, fail);
  const identityProvider = str("identityProvider", { pattern: /^[^\s]{1,128}$/, hint: "must be a provider name without spaces" });
  const idpIdentifier = str("idpIdentifier", { pattern: /^[^\s]{1,128}$/, hint: "must be an identifier without spaces" });
  const errorPages = resolveErrorPages(raw.errorPages, extra.errorPages, fail);

  const known = new Set([
    "region", "userPoolId", "clientId", "clientSecret", "domain", "scopes", "issuer", "jwks", "paths",
    "publicPaths", "apiPaths", "rules", "cookie", "timeouts", "headers", "nonceSigningSecret", "logLevel", "mode",
    "forwardIdentity", "indexRewrite", "spaFallback", "identityProvider", "idpIdentifier", "errorPages",
    "clockToleranceSeconds",
  ]);
  for (const key of Object.keys(raw)) {
    if (!known.has(key) && !KNOWN_OTHER_KEYS.has(key)) warnings.push(`${key}: unknown key, ignored`);
  }

  if (errors.length) return { ok: false, errors, warnings };
  return {
    ok: true,
    warnings,
    config: {
      region: region!,
      userPoolId: userPoolId!,
      clientId: clientId!,
      ...(clientSecret ? { clientSecret } : {}),
      domain: domain!,
      scopes: scopes!,
      issuer: issuer!,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      jwks: (jwks as Jwks | undefined) ?? { keys: [] },
      clockToleranceSeconds,
      paths: paths!,
      publicPaths: publicPaths!,
      apiPaths: apiPaths!,
      rules: rules!,
      cookie: cookie!,
      nonceSigningSecret: nonceSigningSecret ?? "",
      headers: headers!,
      logLevel,
      timeouts: timeouts!,
      mode,
      forwardIdentity,
      ...(identityProvider ? { identityProvider } : {}),
      ...(idpIdentifier ? { idpIdentifier } : {}),
      errorPages,
      indexRewrite,
      spaFallback,
    },
  };
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

type Fail = (field: string, why: string) => void;

/** A bare host means https; a full URL may carry a port; http only for local emulators. */
function resolveDomain(v: unknown, fail: Fail): string | undefined {
  if (v === undefined || v === null || v === "") return void fail("domain", "is required (the Hosted UI domain, e.g. auth.example.com)");
  if (typeof v !== "string") return void fail("domain", `must be a string, got ${typeOf(v)}`);
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

function resolvePaths(v: unknown, fail: Fail): Paths | undefined {
  if (v === undefined) return { ...DEFAULT_PATHS };
  if (!isObject(v)) return void fail("paths", `must be an object, got ${typeOf(v)}`);
  const out = { ...DEFAULT_PATHS };
  for (const key of Object.keys(v)) {
    if (!(key in DEFAULT_PATHS)) {
      fail(`paths.${key}`, `unknown path; expected one of ${Object.keys(DEFAULT_PATHS).join(", ")}`);
      continue;
    }
    const p = v[key];
    if (typeof p !== "string" || !PATH.test(p) || p.startsWith("//") || p.includes("*") || p.includes("?"))
      fail(`paths.${key}`, 'must be a path starting with "/" (no "//", "*", "?" or spaces)');
    else out[key as keyof Paths] = p;
  }
  const handlerPaths = [out.callback, out.refresh, out.signOut];
  if (new Set(handlerPaths).size !== 3) fail("paths", "callback, refresh and signOut must be three different paths");
  if (handlerPaths.includes("/")) fail("paths", 'callback, refresh and signOut cannot be "/"');
  if (handlerPaths.includes(out.afterSignOut)) fail("paths.afterSignOut", "cannot be one of the callback, refresh or signOut paths");
  return out;
}

function stringArray(raw: Raw, field: string, fail: Fail, dflt: string[], pattern: RegExp): string[] | undefined {
  const v = raw[field];
  if (v === undefined) return [...dflt];
  if (!Array.isArray(v)) return void fail(field, `must be an array of strings, got ${typeOf(v)}`);
  for (const [i, s] of v.entries()) {
    if (typeof s !== "string" || !pattern.test(s)) return void fail(`${field}[${i}]`, `is not valid: ${JSON.stringify(s)}`);
  }
  return [...new Set(v as string[])];
}

function globs(raw: Raw, field: string, fail: Fail): string[] | undefined {
  const out = stringArray(raw, field, fail, [], /^\/\S*$/);
  if (out === undefined && Array.isArray(raw[field])) fail(field, 'every entry must be a path glob starting with "/", e.g. "/public/*"');
  return out;
}

function resolveRules(v: unknown, fail: Fail): Rule[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return void fail("rules", `must be an array of { "path", "groups" }, got ${typeOf(v)}`);
  const out: Rule[] = [];
  v.forEach((r, i) => {
    if (!isObject(r)) return fail(`rules[${i}]`, 'must be an object { "path": "/admin/*", "groups": ["admins"] }');
    if (typeof r.path !== "string" || !/^\/\S*$/.test(r.path)) return fail(`rules[${i}].path`, 'must be a path glob starting with "/"');
    if (!Array.isArray(r.groups) || r.groups.length === 0 || !r.groups.every((g) => typeof g === "string" && g.length > 0))
      return fail(`rules[${i}].groups`, "must be a non-empty array of group names");
    out.push({ path: r.path, groups: [...new Set(r.groups as string[])] });
  });
  return out;
}

function resolveCookie(v: unknown, fail: Fail): CookieSettings | undefined {
  const out: CookieSettings = { sameSite: "Lax", refreshTokenMaxAge: 30 * 24 * 3600 };
  if (v === undefined) return out;
  if (!isObject(v)) return void fail("cookie", `must be an object, got ${typeOf(v)}`);
  for (const key of Object.keys(v)) {
    const val = v[key];
    if (key === "sameSite") {
      const norm = typeof val === "string" ? val.charAt(0).toUpperCase() + val.slice(1).toLowerCase() : "";
      if (norm !== "Lax" && norm !== "Strict" && norm !== "None") fail("cookie.sameSite", 'must be "Lax", "Strict" or "None"');
      else out.sameSite = norm;
    } else if (key === "domain") {
      if (typeof val !== "string" || !HOST.test(val.replace(/^\./, ""))) fail("cookie.domain", "must be a domain name such as example.com");
      else out.domain = val;
    } else if (key === "refreshTokenMaxAge") {
      if (typeof val !== "number" || !Number.isInteger(val) || val < 60 || val > 10 * 365 * 24 * 3600)
        fail("cookie.refreshTokenMaxAge", "must be a whole number of seconds between 60 and 315360000 (10 years)");
      else out.refreshTokenMaxAge = val;
    } else fail(`cookie.${key}`, "unknown key; expected sameSite, domain or refreshTokenMaxAge");
  }
  return out;
}

function resolveTimeouts(v: unknown, fail: Fail): Timeouts | undefined {
  const out: Timeouts = { token: 3000, revoke: 1500, jwks: 1500 };
  if (v === undefined) return out;
  if (!isObject(v)) return void fail("timeouts", `must be an object, got ${typeOf(v)}`);
  for (const key of Object.keys(v)) {
    const val = v[key];
    if (!(key in out)) fail(`timeouts.${key}`, "unknown key; expected token, revoke or jwks");
    else if (typeof val !== "number" || !Number.isInteger(val) || val < 50 || val > 4000)
      fail(`timeouts.${key}`, "must be milliseconds between 50 and 4000 (viewer triggers have 5 s in all)");
    else out[key as keyof Timeouts] = val;
  }
  // parse-auth and refresh-auth may call the token endpoint and then fetch the JWKS (a rotated key): both
  // together must leave room for the rest of the 5 s viewer limit.
  if (out.token + out.jwks > 4000) return void fail("timeouts", `token + jwks must be at most 4000 ms together (viewer triggers have 5 s), got ${out.token + out.jwks}`);
  return out;
}

function resolveHeaders(v: unknown, fail: Fail): Record<string, string> | undefined {
  const out: Record<string, string> = { ...DEFAULT_SECURITY_HEADERS };
  if (v === undefined) return out;
  if (!isObject(v)) return void fail("headers", `must be an object of header name to value (or false to drop a default), got ${typeOf(v)}`);
  for (const [name, val] of Object.entries(v)) {
    const key = name.toLowerCase();
    if (!HEADER_NAME.test(name)) fail(`headers.${name}`, "is not a valid header name");
    else if (val === false || val === null) delete out[key];
    else if (typeof val !== "string" || /[\r\n\0]/.test(val) || val.length === 0)
      fail(`headers.${name}`, "must be a non-empty string on one line, or false to drop the default");
    else out[key] = val;
  }
  return out;
}

function resolveErrorPages(v: unknown, read: Record<string, string> | undefined, fail: Fail): Record<string, string> {
  if (v === undefined) return {};
  if (!isObject(v)) {
    fail("errorPages", `must be an object of status code to HTML template path, got ${typeOf(v)}`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [status, path] of Object.entries(v)) {
    if (!/^[45]\d\d$/.test(status)) fail(`errorPages.${status}`, "key must be a 4xx or 5xx status code");
    else if (typeof path !== "string" || !path) fail(`errorPages.${status}`, "must be the path of an HTML template file");
    else if (read?.[status] !== undefined) out[status] = read[status]!;
  }
  return out;
}

function bool(raw: Raw, field: string, dflt: boolean, fail: Fail): boolean {
  const v = raw[field];
  if (v === undefined) return dflt;
  if (typeof v !== "boolean") {
    fail(field, `must be true or false, got ${typeOf(v)}`);
    return dflt;
  }
  return v;
}

function oneOf<T extends string>(raw: Raw, field: string, allowed: readonly T[], dflt: T, fail: Fail): T {
  const v = raw[field];
  if (v === undefined) return dflt;
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    fail(field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
    return dflt;
  }
  return v as T;
}

function isJwks(v: unknown): v is Jwks {
  return (
    isObject(v) &&
    Array.isArray(v.keys) &&
    v.keys.every((k) => isObject(k) && typeof k.kty === "string" && (k.kid === undefined || typeof k.kid === "string"))
  );
}
