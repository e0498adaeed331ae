/**
 * The config pipeline's edge part: one site's keys (paths, timeouts, headers, error pages, cookie, session,
 * rules) resolved into the `ResolvedConfig` a bundle bakes in, with the provider from resolve-provider.ts.
 */
import type { Jwks } from "aws-jwt-verify/jwk";
import { HEADER_NAME, isJwks } from "./schema";
import type { ConfigFile } from "./schema";
import { DEFAULT_PATHS, DEFAULT_SECURITY_HEADERS } from "./types";
import type { ResolvedConfig, Rule, Selector } from "./types";
import { claimText } from "../viewer/rules";
import type { Fail, Raw, ResolveExtra } from "./resolve-common";
import { POOL_IDS_HINT, providerPart } from "./resolve-provider";
import { policyHeaders } from "./response-headers";

/** One site's edge config from its merged keys, or undefined after reporting every problem. */
export function edgePart(data: ConfigFile, raw: Raw, extra: ResolveExtra, createsPool: boolean, report: Fail): ResolvedConfig | undefined {
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
