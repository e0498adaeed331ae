/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * The part of the viewer check both hot paths share, called by check-auth (shared/edge/check-auth.ts) and the
 * CloudFront Function (shared/function/check.ts): the paths a request is judged on (the path asked for and the
 * object the origin will serve, each raw and normalised: `judgedPaths`) and whether they need a session
 * (`isPublicRequest`). With them: apiPaths in either form (path-match.ts `inEitherForm`), rules on every judged path
 * (rules.ts `isAllowed`), CORS preflights (navigation.ts `isPreflight`). test/integration/differential.test.ts runs
 * both built hot paths over one table of requests.
 *
 * What stays in each runtime, and why:
 * - The order of the answers without a usable session (refresh when there is a refresh token; a loop marker stops a
 *   refresh or sign-in that did not stick, as cookies-blocked or session-rejected; API requests get 401 JSON;
 *   everything else signs in). The order is the same on both sides, but a shared function returning a tagged answer
 *   (with callbacks for the loop markers, which each side reads its own way) made the CloudFront Function about 70
 *   bytes bigger than the few ternaries it replaced, and the function is at its 10 KB limit; the differential table
 *   (test/integration/differential.test.ts) holds the two orders together instead.
 * - What counts as a session. check-auth verifies the provider's RS256 tokens (aws-jwt-verify, a JWKS, the binding
 *   cookie of this browser's sign-in: shared/edge/check-auth.ts); the function has no asymmetric crypto or network
 *   budget, so it checks the HMAC-signed session cookie parse-auth and refresh-auth seal (session-cookie.ts), and
 *   reads the refresh token's presence off the Amplify cookie names.
 * - Starting a sign-in. check-auth starts one itself (state, nonce and PKCE verifier from secure randomness, sealed
 *   in a cookie); the function has no secure random source, so it redirects to `paths.signIn`, where the
 *   sign-in Lambda@Edge function starts it.
 * - Event and response shapes. check-auth turns a plain request into an `Outcome` (shared/edge/request.ts) with a
 *   log reason; the function reads and writes CloudFront Functions' event objects, and has no log line.
 * - Config. The function bakes its config at build (globs pre-sorted, features the config does not use left out:
 *   shared/function/config.ts, scripts/build-function.ts); check-auth resolves its config at load and compiles its
 *   glob sets and rules once per config in a per-container cache. Hence glob sets are arguments here, not globs.
 * - Cookies. check-auth reads them through its session store (the Cookie header, decoded); the function reads
 *   CloudFront's parsed cookies as sent. Each clears the repeated ones its own way.
 */
import type { ResolvedConfig } from "../config/types";
import { originUri } from "./index-rewrite";
import { inGlobSet, pathForms } from "./path-match";
import type { GlobSet, PathForms } from "./path-match";

/**
 * The paths a request is judged on, each in both forms: first the path as asked for; then, when the origin will
 * serve another object (index-rewrite.ts `originUri`: `/docs/` is `/docs/index.html`, an SPA route `/index.html`),
 * that object's, so a public-looking path cannot serve a protected object. The second one's raw form is the URI
 * to forward to the origin.
 */
export function judgedPaths(uri: string, config: Partial<Pick<ResolvedConfig, "indexRewrite" | "spaFallback">>): PathForms[] {
  const target = originUri(uri, config);
  return target === undefined ? [pathForms(uri)] : [pathForms(uri), pathForms(target)];
}

/**
 * True when the request needs no session: every judged path is public in both forms (an undecodable path never is).
 * A CORS preflight needs none either; it is asked separately (navigation.ts `isPreflight`) as check-auth logs it
 * under its own reason. Rules: rules.ts `isAllowed`, on the same judged paths.
 */
export function isPublicRequest(publicPaths: GlobSet, paths: readonly PathForms[]): boolean {
  return paths.every((f) => inGlobSet(publicPaths, f.raw) && f.normalized !== undefined && inGlobSet(publicPaths, f.normalized));
}
