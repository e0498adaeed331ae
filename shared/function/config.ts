/**
 * What the build bakes into the CloudFront Function: the part of the edge config its check needs, nothing secret
 * (the session key lives in the function's KeyValueStore), and the few error pages it can answer with, from the one
 * error table. Kept small: a CloudFront Function is at most 10 KB of code.
 */
import type { ResolvedConfig } from "../config/types";
import type { AuthConfig } from "../config/resolve";
import { ERRORS } from "../outcomes/errors";
import { escapeHtml } from "../viewer/html";
import { linksHtml } from "../viewer/page";
import { globSet } from "../viewer/path-match";
import type { GlobSet } from "../viewer/path-match";
import { CLAIM, EMAILS, EMAIL_DOMAINS, IP_RANGES, compileRules, groupsOnly, rulesFingerprint } from "../viewer/rules";
import { markerName, sessionCookieName } from "../viewer/cookie-names";
import type { CompiledRule } from "../viewer/rules";

/** The error codes the CloudFront Function answers with. */
export const FUNCTION_ERRORS = ["bad-request", "bad-host", "unknown-host", "uri-too-long", "unauthenticated", "forbidden", "cookies-blocked", "session-rejected", "cognito-unavailable"] as const;
export type FunctionErrorCode = (typeof FUNCTION_ERRORS)[number];

/** One site as the function sees it. */
export interface FunctionSiteConfig {
  /** Host names (`*` for any), as the Lambda@Edge functions match them (shared/viewer/sites.ts). */
  hosts: string[];
  clientId: string;
  /**
   * Globs sorted at build time (shared/viewer/path-match.ts), as are the rules' paths. `apiPaths`, `rules` and
   * `forwardIdentity` are baked only when some site uses them (`functionFeatures`): the code that reads them is
   * left out otherwise.
   */
  publicPaths: GlobSet;
  apiPaths?: GlobSet;
  rules?: CompiledRule[];
  /**
   * The fingerprint of the site's rules a session must have been sealed under (`rulesFingerprint`), baked when some
   * site has rules and this one does (a session of a site without rules carries none).
   */
  rulesFingerprint?: string;
  /** Our cookies' names (shared/viewer/cookie-names.ts): the session cookie and the two loop markers. */
  sessionCookie: string;
  signedInMarker: string;
  refreshedMarker: string;
  /** `cookie.domain`, for the Domain attribute of the cookie the function expires. */
  cookieDomain?: string;
  /** Absent when off (fewer bytes baked). */
  indexRewrite?: boolean;
  spaFallback?: boolean;
  forwardIdentity?: boolean;
  /**
   * Headers every generated response carries (the configured security headers), as [name, value] pairs: names are
   * the user's, so they are never object keys the build's property mangling could reach (scripts/build-function.ts).
   */
  securityHeaders: [string, string][];
}

/**
 * An error page's parts, HTML-escaped at build time: status, title, sentence, the links under it (`linksHtml`); and
 * the sentence as plain text (for the JSON answer) when escaping changed it. The function lays them out with
 * shared/viewer/page.ts's `errorPageHtml`, as Lambda@Edge does.
 */
export type FunctionErrorPage = [number, string, string, string] | [number, string, string, string, string];

export interface FunctionConfig {
  sites: FunctionSiteConfig[];
  /** The same for every site (the config pipeline requires it: one cache behaviour per path). */
  paths: Pick<ResolvedConfig["paths"], "signIn" | "refresh">;
  /**
   * The pages of the codes this config can produce (see `functionFeatures`): no 421 page when one site answers any
   * host, no 403 page without rules.
   */
  errors: Partial<Record<FunctionErrorCode, FunctionErrorPage>>;
}

/**
 * What the sites of a config use. The build turns each into a constant the minifier folds, so the code of a
 * feature no site uses is left out of the function (shared/function/check.ts).
 */
export interface FunctionFeatures {
  /** One site that answers any host (a config without `sites`): no site to pick by Host, never a 421. */
  anyHost: boolean;
  /** Some site forwards the identity headers. */
  forwardIdentity?: boolean;
  /** Some site has rules. */
  rules: boolean;
  /** Some site has apiPaths. */
  apiPaths: boolean;
  /** Some glob is neither exact nor `prefix*`, so the function needs `globMatch`. */
  generalGlobs: boolean;
  /** Some rule has an `emails` or `emailDomains` selector. */
  emailSelectors: boolean;
  /** Some rule has a `claim` selector. */
  claimSelectors: boolean;
  /** Some rule has an `ipRanges` selector. */
  ipSelectors: boolean;
  /** Some rule names `methods`. */
  ruleMethods: boolean;
  /** Every rule is of today's form, `{ path, groups }`: the function needs no more than a group test. */
  groupsOnly: boolean;
}

export function functionFeatures(all: Pick<AuthConfig, "sites">): FunctionFeatures {
  const any = (f: (c: ResolvedConfig) => boolean) => all.sites.some((s) => f(s.config));
  // Judged on the sets the function gets, so it can never be told "no general glob" and be given one.
  const sets = all.sites.flatMap((s) => [globSet(s.config.publicPaths), globSet(s.config.apiPaths), ...compileRules(s.config.rules)]);
  // Judged on the compiled rules the function gets, as the globs are.
  const rules = all.sites.flatMap((s) => compileRules(s.config.rules));
  const kinds = new Set(rules.flatMap((r) => [...(r.include ?? []), ...(r.require ?? []), ...(r.exclude ?? [])].map((x) => x.kind)));
  return {
    anyHost: all.sites.length === 1 && all.sites[0]!.hosts.indexOf("*") !== -1,
    forwardIdentity: any((c) => c.forwardIdentity),
    rules: any((c) => c.rules.length > 0),
    apiPaths: any((c) => c.apiPaths.length > 0),
    generalGlobs: sets.some((set) => set.general !== undefined),
    emailSelectors: kinds.has(EMAILS) || kinds.has(EMAIL_DOMAINS),
    claimSelectors: kinds.has(CLAIM),
    ipSelectors: kinds.has(IP_RANGES),
    ruleMethods: rules.some((r) => r.methods !== undefined),
    groupsOnly: groupsOnly(rules),
  };
}

/** The links under an error page: back to the start, and for a 403 also to sign out (to switch account). */
function links(code: FunctionErrorCode, paths: ResolvedConfig["paths"]): [string, string][] {
  if (code === "forbidden") return [["/", "Home"], [paths.signOut, "Sign out or switch account"]];
  return code === "cognito-unavailable" || code === "cookies-blocked" || code === "session-rejected" ? [["/", "Try again"]] : [];
}

/** The function's config from the resolved config (build time): every site, and the error pages it can need. */
export function functionConfigFor(all: Pick<AuthConfig, "sites">): FunctionConfig {
  const features = functionFeatures(all);
  const paths = all.sites[0]!.config.paths;
  const errors: FunctionConfig["errors"] = {};
  for (const code of FUNCTION_ERRORS) {
    if ((code === "unknown-host" && features.anyHost) || (code === "forbidden" && !features.rules)) continue;
    const e = ERRORS[code];
    const nav = linksHtml(links(code, paths));
    const page: FunctionErrorPage = [e.status, escapeHtml(e.title), escapeHtml(e.sentence), nav];
    if (page[2] !== e.sentence) page.push(e.sentence);
    errors[code] = page;
  }
  return { sites: all.sites.map((s) => siteConfig(s.hosts, s.config, features)), paths: { signIn: paths.signIn, refresh: paths.refresh }, errors };
}

function siteConfig(hosts: string[], c: ResolvedConfig, features: FunctionFeatures): FunctionSiteConfig {
  return {
    hosts,
    clientId: c.clientId,
    publicPaths: globSet(c.publicPaths),
    ...(features.apiPaths ? { apiPaths: globSet(c.apiPaths) } : {}),
    ...(features.rules ? { rules: compileRules(c.rules) } : {}),
    ...(features.rules && c.rules.length ? { rulesFingerprint: rulesFingerprint(c.rules)! } : {}),
    sessionCookie: sessionCookieName(c.cookie, c.clientId),
    signedInMarker: markerName("signedin", c.cookie, c.clientId),
    refreshedMarker: markerName("refreshed", c.cookie, c.clientId),
    ...(c.cookie.domain ? { cookieDomain: c.cookie.domain } : {}),
    ...(c.indexRewrite ? { indexRewrite: true } : {}),
    ...(c.spaFallback ? { spaFallback: true } : {}),
    ...(features.forwardIdentity ? { forwardIdentity: c.forwardIdentity } : {}),
    securityHeaders: Object.entries(c.headers),
  };
}
