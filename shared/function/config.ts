/**
 * What the build bakes into the CloudFront Function: the part of the edge config its check needs, nothing secret
 * (the session key lives in the function's KeyValueStore), and the few error pages it can answer with, from the one
 * error table. Kept small: a CloudFront Function is at most 10 KB of code.
 */
import type { ResolvedConfig } from "../config/types";
import type { AuthConfig } from "../config/resolve";
import { ERRORS } from "../edge/errors";
import { globSet } from "../viewer/path-match";
import type { GlobSet } from "../viewer/path-match";
import { compileRules } from "../viewer/rules";
import type { CompiledRule } from "../viewer/rules";

/** The error codes the CloudFront Function answers with. */
export const FUNCTION_ERRORS = ["bad-request", "bad-host", "unknown-host", "uri-too-long", "unauthenticated", "forbidden", "cookies-blocked", "session-rejected", "cognito-unavailable"] as const;
export type FunctionErrorCode = (typeof FUNCTION_ERRORS)[number];

/** One site as the function sees it. */
export interface FunctionSiteConfig {
  /** Host names (`*` for any), as the Lambda@Edge functions match them (shared/viewer/sites.ts). */
  hosts: string[];
  clientId: string;
  paths: Pick<ResolvedConfig["paths"], "signIn" | "refresh" | "signOut">;
  /** Globs sorted at build time (shared/viewer/path-match.ts), as are the rules' paths. */
  publicPaths: GlobSet;
  apiPaths: GlobSet;
  rules: CompiledRule[];
  cookieDomain?: string;
  indexRewrite: boolean;
  spaFallback: boolean;
  forwardIdentity: boolean;
  /**
   * Headers every generated response carries (the configured security headers), as [name, value] pairs: names are
   * the user's, so they are never object keys the build's property mangling could reach (scripts/build-function.ts).
   */
  securityHeaders: [string, string][];
}

export interface FunctionConfig {
  sites: FunctionSiteConfig[];
  /**
   * [status, title, sentence] per error code, for the codes this config can produce (see `functionFeatures`):
   * no 421 page when one site answers any host, no 403 page without rules.
   */
  errors: Partial<Record<FunctionErrorCode, [number, string, string]>>;
}

/**
 * What the sites of a config use. The build turns each into a constant the minifier folds, so the code of a
 * feature no site uses is left out of the function (shared/function/check.ts).
 */
export interface FunctionFeatures {
  /** One site that answers any host (a config without `sites`): no site to pick by Host, never a 421. */
  anyHost: boolean;
  /** Some site forwards the identity headers. */
  forwardIdentity: boolean;
  /** Some site has rules. */
  rules: boolean;
  /** Some site has apiPaths. */
  apiPaths: boolean;
  /** Some glob is neither exact nor `prefix*`, so the function needs `globMatch`. */
  generalGlobs: boolean;
}

export function functionFeatures(all: Pick<AuthConfig, "sites">): FunctionFeatures {
  const any = (f: (c: ResolvedConfig) => boolean) => all.sites.some((s) => f(s.config));
  // Judged on the sets the function gets, so it can never be told "no general glob" and be given one.
  const sets = all.sites.map((s) => siteConfig(s.hosts, s.config)).flatMap((s) => [s.publicPaths, s.apiPaths, ...s.rules.map((r) => r.paths)]);
  return {
    anyHost: all.sites.length === 1 && all.sites[0]!.hosts.indexOf("*") !== -1,
    forwardIdentity: any((c) => c.forwardIdentity),
    rules: any((c) => c.rules.length > 0),
    apiPaths: any((c) => c.apiPaths.length > 0),
    generalGlobs: sets.some((set) => set.general.length > 0),
  };
}

/** The function's config from the resolved config (build time): every site, and the error pages it can need. */
export function functionConfigFor(all: Pick<AuthConfig, "sites">): FunctionConfig {
  const features = functionFeatures(all);
  const errors: FunctionConfig["errors"] = {};
  for (const code of FUNCTION_ERRORS) {
    if ((code === "unknown-host" && features.anyHost) || (code === "forbidden" && !features.rules)) continue;
    errors[code] = [ERRORS[code].status, ERRORS[code].title, ERRORS[code].reason];
  }
  return { sites: all.sites.map((s) => siteConfig(s.hosts, s.config)), errors };
}

function siteConfig(hosts: string[], c: ResolvedConfig): FunctionSiteConfig {
  return {
    hosts,
    clientId: c.clientId,
    paths: { signIn: c.paths.signIn, refresh: c.paths.refresh, signOut: c.paths.signOut },
    publicPaths: globSet(c.publicPaths),
    apiPaths: globSet(c.apiPaths),
    rules: compileRules(c.rules),
    ...(c.cookie.domain ? { cookieDomain: c.cookie.domain } : {}),
    indexRewrite: c.indexRewrite,
    spaFallback: c.spaFallback,
    forwardIdentity: c.forwardIdentity,
    securityHeaders: Object.entries(c.headers),
  };
}
