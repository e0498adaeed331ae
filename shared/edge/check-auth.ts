/**
 * check-auth (viewer request, default behaviour): is this request signed in?
 *
 * - public path (judged on the path asked for and on the object the origin will serve) or CORS preflight: on
 *   to the origin;
 * - valid tokens: on to the origin (403 when a rule's groups do not include the user's), no network call;
 * - expired tokens with a refresh token: redirect to the refresh path, keeping the URL;
 * - otherwise: 302 to the Hosted UI with a new sign-in (or 401 for API requests).
 *
 * Loops are cut: a request that comes straight back from a sign-in or refresh without a usable session gets a
 * page explaining it instead of another round trip.
 */
import type { ResolvedConfig } from "../config/types";
import type { EdgeContext } from "./deps";
import type { Reason, SignInReason } from "../outcomes/errors";
import { forwardedUsername, identityHeaders } from "../viewer/identity-headers";
import { isApiRequest, isPreflight } from "../viewer/navigation";
import { globSet, inEitherForm } from "../viewer/path-match";
import type { GlobSet } from "../viewer/path-match";
import { requestedPath, siteOrigin } from "../viewer/redirect";
import type { EdgeRequest, Outcome } from "./request";
import { errorResponse, redirect } from "./responses";
import { compileRules, isAllowed, policyFacts, policyNeeds } from "../viewer/rules";
import type { CompiledRule, PolicyNeeds } from "../viewer/rules";
import { isPublicRequest, judgedPaths } from "../viewer/viewer-check";
import { expireTokens, isBoundSession, justFinished, openSessionStore, usernameOf, withRepeatedCleared } from "./session-store";
import { startSignIn } from "./sign-in";
import { verifyTokenPair } from "./tokens/token-pair";

/** The config's globs and rules, compiled once per config (at the first request of a container). */
interface Compiled {
  publicPaths: GlobSet;
  apiPaths: GlobSet;
  rules: CompiledRule[];
  needs: PolicyNeeds;
}
const compiledConfigs = new WeakMap<ResolvedConfig, Compiled>();
function compiled(config: ResolvedConfig): Compiled {
  let c = compiledConfigs.get(config);
  if (!c) {
    c = {
      publicPaths: globSet(config.publicPaths),
      apiPaths: globSet(config.apiPaths),
      rules: compileRules(config.rules),
      needs: policyNeeds(config.rules),
    };
    compiledConfigs.set(config, c);
  }
  return c;
}

export async function checkAuth(req: EdgeRequest, ctx: EdgeContext): Promise<Outcome> {
  const { config } = ctx;
  const { publicPaths, apiPaths, rules, needs } = compiled(config);
  const origin = siteOrigin(req);
  if (!origin) return { ...errorResponse(config, "bad-host"), reason: "error:bad-host" };
  // The path asked for and, when it is rewritten, the object the origin will serve (shared/viewer/viewer-check.ts).
  const paths = judgedPaths(req.uri, config);
  const target = paths[1] ? paths[1].raw : undefined;
  const forward = (reason: Reason, setHeaders?: Record<string, string>): Outcome => ({
    kind: "forward",
    reason,
    ...(target ? { uri: target } : {}),
    ...(setHeaders ? { setHeaders } : {}),
  });

  if (isPublicRequest(publicPaths, paths)) return forward("public");
  if (isPreflight(req)) return forward("preflight");

  const store = openSessionStore(req.cookieHeader, config);
  const { session } = store;
  // Only the answers without a session depend on it: not worked out for signed-in requests.
  const api = () => isApiRequest(req, inEitherForm(apiPaths, paths[0]!));
  const nowMs = ctx.now();
  const nowSeconds = Math.floor(nowMs / 1000);

  const refresh = (reason: SignInReason): Outcome => {
    const clear = withRepeatedCleared(store, []);
    if (justFinished(store, "refreshed", nowSeconds)) return { ...errorResponse(config, "cookies-blocked", { api: api(), retry: "/", cookies: clear }), reason: "loop-stopped:refresh" };
    const location = `${origin}${config.paths.refresh}?${new URLSearchParams({ return: requestedPath(req, config.paths) })}`;
    const keepsMethod = req.method !== "GET" && req.method !== "HEAD";
    return { ...redirect(config, location, clear, keepsMethod ? 307 : 302), reason };
  };
  const signIn = (reason: SignInReason, expired: string[] = []): Outcome => {
    const clear = withRepeatedCleared(store, expired);
    if (api()) return { ...errorResponse(config, "unauthenticated", { api: true, cookies: clear }), reason };
    if (justFinished(store, "signedin", nowSeconds)) {
      // We just came back from a successful sign-in and still have no usable session: the browser did not keep
      // the cookies, or kept tokens we cannot verify. Another sign-in would loop.
      const code = session.idToken ? "session-rejected" : "cookies-blocked";
      return { ...errorResponse(config, code, { cookies: clear, retry: requestedPath(req, config.paths) }), reason: `loop-stopped:${reason}` };
    }
    // startSignIn expires the repeated cookies itself.
    return { ...startSignIn(ctx, store, origin, requestedPath(req, config.paths), expired), reason };
  };

  if (!session.idToken) return session.refreshToken ? refresh("expired") : signIn("no-session");
  // An access token that is not a JWT of this client (many OpenID Connect providers) is not the edge's to judge.
  const accessToken = config.provider.accessTokenJwt ? session.accessToken : undefined;
  const pair = await verifyTokenPair(ctx.verifier, { idToken: session.idToken, accessToken }, nowMs);
  switch (pair.status) {
    case "expired":
      return session.refreshToken ? refresh("expired") : signIn("expired");
    case "unavailable":
      // A token signed with a key we could not fetch may be perfectly good: keep the cookies, ask to try again.
      return { ...errorResponse(config, "cognito-unavailable", { api: api(), retry: requestedPath(req, config.paths) }), reason: "cognito-unavailable:jwks" };
    case "rejected":
      // Forged, tampered, or another client's: the refresh token that came with them is no more this session's
      // (a provider that did not bind it to its client would otherwise turn it into one), so it goes too.
      return signIn(`rejected:${pair.why}`, expireTokens(store, ["idToken", "accessToken", "refreshToken"]));
  }
  // Genuine tokens, but not this browser's sign-in (a sibling subdomain planted them, or they predate the binding):
  // not a session; they go, with the refresh token that came with them (shared/edge/session-binding.ts).
  if (!isBoundSession(store, pair.id, config.nonceSigningSecret)) return signIn("unbound", expireTokens(store, ["idToken", "accessToken", "refreshToken"]));

  const facts = policyFacts(pair.id, config.groupsClaim, needs);
  if (!isAllowed(rules, paths, req.method, facts, req.clientIp)) {
    const links = [
      { href: "/", text: "Home" },
      { href: config.paths.signOut, text: "Sign out or switch account" },
    ];
    // Who is signed in, as the CloudFront Function's session cookie holds it: not an unverified address or number.
    const user = forwardedUsername(pair.id, usernameOf(pair.id, pair.access, config), config.usernameClaim);
    return { ...errorResponse(config, "forbidden", { api: api(), links, ...(user ? { user } : {}) }), reason: "forbidden" };
  }
  return forward("signed-in", config.forwardIdentity ? identityHeaders(pair.id, usernameOf(pair.id, pair.access, config), facts.g, session.idToken, config.usernameClaim) : undefined);
}
