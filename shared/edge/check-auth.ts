/**
 * check-auth (viewer request, default behaviour): is this request signed in?
 *
 * - public path or CORS preflight: on to the origin;
 * - valid tokens: on to the origin (403 when a rule's groups do not include the user's), no network call;
 * - expired tokens with a refresh token: redirect to the refresh path, keeping the URL;
 * - otherwise: 302 to the Hosted UI with a new sign-in (or 401 for API requests).
 *
 * Loops are cut: a request that comes straight back from a sign-in or refresh without a usable session gets a
 * page explaining it instead of another round trip.
 */
import type { EdgeContext } from "./deps";
import { REFRESHED_MARKER, SIGNED_IN_MARKER, cookieWriter, markerActive, parseCookies, signInCookie } from "./cookies";
import type { EdgeRequest, Outcome } from "./request";
import { authorizeUrl } from "./oauth";
import { globMatcher, pathForms } from "./path-match";
import { encodeUnsafe, requestedPath, siteOrigin } from "./redirect";
import { isApiRequest, isPreflight } from "./navigation";
import { errorResponse, redirect } from "./responses";
import { compileRules, groupsOf, isAllowed } from "./rules";
import type { CompiledRule } from "./rules";
import type { ResolvedConfig } from "../config/edge";
import { expireTokens, readSession } from "./session";
import type { SessionCookies } from "./session";
import { SIGNIN_TTL_SECONDS, newSignIn, pendingSignIns, pkceChallenge, sealSignIn, signInCookieName, signInsToDrop } from "./sign-in-state";
import { originUri } from "./index-rewrite";
import type { Claims } from "./tokens/verifier";

/** The config's globs and rules, compiled once per config (at the first request of a container). */
interface Compiled {
  isPublic: (path: string) => boolean;
  isApiPath: (path: string) => boolean;
  rules: CompiledRule[];
}
const compiledConfigs = new WeakMap<ResolvedConfig, Compiled>();
function compiled(config: ResolvedConfig): Compiled {
  let c = compiledConfigs.get(config);
  if (!c) {
    c = { isPublic: globMatcher(config.publicPaths), isApiPath: globMatcher(config.apiPaths), rules: compileRules(config.rules) };
    compiledConfigs.set(config, c);
  }
  return c;
}

export async function checkAuth(req: EdgeRequest, ctx: EdgeContext): Promise<Outcome> {
  const { config } = ctx;
  const { isPublic, isApiPath, rules } = compiled(config);
  const origin = siteOrigin(req);
  if (!origin) return { ...errorResponse(config, "bad-host"), reason: "error:bad-host" };
  const forms = pathForms(req.uri);
  const target = originUri(req.uri, config);
  const forward = (reason: string, setHeaders?: Record<string, string>): Outcome => ({
    kind: "forward",
    reason,
    ...(target ? { uri: target } : {}),
    ...(setHeaders ? { setHeaders } : {}),
  });

  if (isPublic(forms.raw) && forms.normalized !== undefined && isPublic(forms.normalized)) return forward("public");
  if (isPreflight(req)) return forward("preflight");

  const cookies = parseCookies(req.cookieHeader);
  const session = readSession(cookies, config.clientId);
  // Only the answers without a session depend on it: not worked out for signed-in requests.
  const api = () => isApiRequest(req, isApiPath(forms.raw) || (forms.normalized !== undefined && isApiPath(forms.normalized)));
  const nowMs = ctx.now();
  const nowSeconds = Math.floor(nowMs / 1000);

  const refresh = (reason: string): Outcome => {
    if (markerActive(cookies, REFRESHED_MARKER, nowSeconds)) return { ...errorResponse(config, "cookies-blocked", { api: api(), retry: "/" }), reason: "loop-stopped:refresh" };
    const location = `${origin}${config.paths.refresh}?${new URLSearchParams({ return: requestedPath(req) })}`;
    const keepsMethod = req.method !== "GET" && req.method !== "HEAD";
    return { ...redirect(config, location, [], keepsMethod ? 307 : 302), reason };
  };
  const signIn = (reason: string, clear: string[] = []): Outcome => {
    if (api()) return { ...errorResponse(config, "unauthenticated", { api: true, cookies: clear }), reason };
    if (markerActive(cookies, SIGNED_IN_MARKER, nowSeconds)) {
      // We just came back from a successful sign-in and still have no usable session: the browser did not keep
      // the cookies, or kept tokens we cannot verify. Another sign-in would loop.
      const code = session.idToken ? "session-rejected" : "cookies-blocked";
      return { ...errorResponse(config, code, { cookies: clear, retry: requestedPath(req) }), reason: `loop-stopped:${reason}` };
    }
    return { ...startSignIn(req, ctx, origin, cookies, clear), reason };
  };

  // A token signed with a key we could not fetch may be perfectly good: keep the cookies, ask to try again.
  const unavailable = (): Outcome => ({
    ...errorResponse(config, "cognito-unavailable", { api: api(), retry: requestedPath(req) }),
    reason: "cognito-unavailable:jwks",
  });

  if (!session.idToken) {
    if (session.refreshToken) return refresh("expired");
    return signIn("no-session");
  }

  const id = await ctx.verifier.verify(session.idToken, "id", nowMs);
  if (!id.ok && id.expired) return session.refreshToken ? refresh("expired") : signIn("expired");
  if (!id.ok && id.why === "jwks-unavailable") return unavailable();
  if (!id.ok) return signIn(`rejected:${id.why}`, clearTokens(ctx, cookies, session));

  let accessClaims: Claims | undefined;
  if (session.accessToken) {
    const access = await ctx.verifier.verify(session.accessToken, "access", nowMs);
    if (!access.ok && access.expired) return session.refreshToken ? refresh("expired") : signIn("expired");
    if (!access.ok && access.why === "jwks-unavailable") return unavailable();
    if (!access.ok) return signIn(`rejected:access-${access.why}`, clearTokens(ctx, cookies, session));
    if (access.claims.sub !== id.claims.sub) return signIn("rejected:token-mismatch", clearTokens(ctx, cookies, session));
    accessClaims = access.claims;
  }

  const groups = groupsOf(id.claims);
  // Rules also apply to the object the origin will serve: `/admin` is rewritten to `/admin/index.html`, which
  // `/admin/*` protects even though `/admin` itself does not match it.
  const allowed = isAllowed(rules, forms, groups) && (target === undefined || isAllowed(rules, pathForms(target), groups));
  if (!allowed) return { ...errorResponse(config, "forbidden", { api: api() }), reason: "forbidden" };
  return forward("signed-in", config.forwardIdentity ? identityHeaders(id.claims, accessClaims, groups, session.idToken) : undefined);
}

function clearTokens(ctx: EdgeContext, cookies: Map<string, string>, session: SessionCookies): string[] {
  return session.username ? expireTokens(ctx.config, cookies, session.username, ["idToken", "accessToken"]) : [];
}

/** A new sign-in: its own signed state cookie (dropping the oldest pending ones) and a 302 to the Hosted UI. */
function startSignIn(req: EdgeRequest, ctx: EdgeContext, origin: string, cookies: Map<string, string>, clear: string[]) {
  const { config } = ctx;
  const nowSeconds = Math.floor(ctx.now() / 1000);
  const s = newSignIn(requestedPath(req), nowSeconds, ctx.random);
  const w = cookieWriter(config.cookie);
  const setCookies = [
    ...clear,
    ...signInsToDrop(pendingSignIns(cookies)).map((state) => w.expire(signInCookieName(state))),
    signInCookie(config.cookie, signInCookieName(s.state), sealSignIn(s, config.nonceSigningSecret), SIGNIN_TTL_SECONDS),
  ];
  const location = authorizeUrl(config, {
    redirectUri: `${origin}${config.paths.callback}`,
    state: s.state,
    nonce: s.nonce,
    codeChallenge: pkceChallenge(s.verifier),
  });
  return redirect(config, location, setCookies);
}

/** Header values reach the origin as they are: only printable characters, bounded. */
function headerValue(v: unknown): string {
  return typeof v === "string" ? encodeUnsafe(v).slice(0, 4096) : "";
}

function identityHeaders(id: Claims, access: Claims | undefined, groups: string[], idToken: string): Record<string, string> {
  return {
    "x-auth-user": headerValue(id["cognito:username"] ?? access?.username),
    "x-auth-email": headerValue(id.email),
    "x-auth-groups": headerValue(groups.join(",")),
    "x-auth-id-token": idToken,
  };
}
