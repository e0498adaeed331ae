/**
 * Why the default behaviour's check let a request through to the origin, for the stack's log line: `public` (a
 * public path), `preflight` (a CORS preflight) or `signed-in` (a session the rules let in). Both checks decide
 * these the same way, but neither says so per request: check-auth counts these decisions instead of writing a line
 * at `info` (shared/log.ts, `QUIET_REASONS`), and the CloudFront Function logs nothing (its 10 KB hold no log
 * bytes). So the local CloudFront reads it off what it knows: the request and the site's config, judged with the
 * same predicates the checks use (public on the path asked for and on the object the origin will serve, then
 * preflight; anything else that passed was signed in). test/unit/local/forward-reason.test.ts holds this to
 * check-auth's own logged reason.
 */
import type { ResolvedConfig } from "../shared/config/types";
import type { QuietReason } from "../shared/log";
import { isPreflight } from "../shared/viewer/navigation";
import { globSet } from "../shared/viewer/path-match";
import { siteFor } from "../shared/viewer/sites";
import { isPublicRequest, judgedPaths } from "../shared/viewer/viewer-check";

/** A site of the distribution: its host names and the config its part of the functions was built with. */
export interface ForwardSite {
  hosts: readonly string[];
  config: Pick<ResolvedConfig, "publicPaths" | "indexRewrite" | "spaFallback">;
}

/** What the local CloudFront knows of a forwarded viewer request. */
export interface ForwardedRequest {
  method: string;
  /** The URI as the viewer sent it (before any rewrite). */
  uri: string;
  /** A header's value by lower-case name. */
  header(name: string): string | undefined;
}

/** The decision behind a forward by the default behaviour's check (check-auth or check-auth-function). */
export function forwardReason(sites: readonly ForwardSite[], req: ForwardedRequest): QuietReason {
  const site = siteFor(sites, req.header("host"));
  // Forwarded, so a site took it; without one, whatever passed it on was not about public paths.
  if (site) {
    if (isPublicRequest(globSet(site.config.publicPaths), judgedPaths(req.uri, site.config))) return "public";
  }
  if (isPreflight(req)) return "preflight";
  return "signed-in";
}
