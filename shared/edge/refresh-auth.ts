/**
 * refresh-auth (viewer request on `paths.refresh`): new id and access tokens from the refresh token, then back
 * to the return path (same origin only, never one of our own endpoints). A refused refresh token, or an answer for
 * another user (username, or `sub` and `iss` of the session's id token), or a session without its binding cookie
 * (refused before the token endpoint is called), clears the token cookies and the next request signs in again; an unreachable Cognito gives a 503 page with a link to try again.
 */
import type { EdgeContext } from "./deps";
import { AuthError } from "../outcomes/errors";
import { refreshTokens } from "./oauth";
import { isApiRequest } from "../viewer/navigation";
import { safeReturnPath, siteOrigin } from "../viewer/redirect";
import type { EdgeRequest, Outcome } from "./request";
import { errorResponse, redirect } from "./responses";
import { bindingCookieName, expireMarkers, expireTokens, isBoundSession, openSessionStore, usernameOf, withRepeatedCleared } from "./session-store";
import { expireSession } from "./session-cookie-writer";
import { issueSession } from "./issue-session";
import { startSignIn } from "./sign-in";
import { verifyIssuedTokens } from "./tokens/token-pair";
import type { Claims } from "./tokens/verifier";
import { decomposeUnverifiedJwt } from "aws-jwt-verify/jwt";

/** Who a session is: the subject and its issuer (OpenID Connect Core §2: the pair is the only stable identifier). */
export interface SessionUser {
  sub: unknown;
  iss: unknown;
}

/**
 * The user of the session being refreshed, from its id token still in the request (expired or not), read without
 * verifying it: the answer is only ever used to refuse a refresh, never to grant one. Undefined without one.
 */
export function sessionUser(idToken: string | undefined): SessionUser | undefined {
  if (!idToken) return undefined;
  try {
    const claims = decomposeUnverifiedJwt(idToken).payload;
    return { sub: claims.sub, iss: claims.iss };
  } catch {
    // Not a JWT at all: nothing to compare with (the username check still applies).
    return undefined;
  }
}

/** True when the refreshed id token is of the session's user: the same `sub` of the same `iss` (or no session user known). */
export function sameUser(before: SessionUser | undefined, refreshed: Claims): boolean {
  return before === undefined || (before.sub === refreshed.sub && before.iss === refreshed.iss);
}

export async function refreshAuth(req: EdgeRequest, ctx: EdgeContext): Promise<Outcome> {
  const { config } = ctx;
  const origin = siteOrigin(req);
  if (!origin) return { ...errorResponse(config, "bad-host"), reason: "error:bad-host" };
  const params = new URLSearchParams(req.querystring.length > 8192 ? "" : req.querystring);
  const returns = params.getAll("return");
  const back = `${origin}${safeReturnPath(returns.length === 1 ? returns[0] : undefined, config.paths)}`;
  const status = req.method !== "GET" && req.method !== "HEAD" ? 307 : 302;
  const store = openSessionStore(req.cookieHeader, config);
  const { session } = store;
  if (!session.refreshToken || !session.username) return { ...redirect(config, back, withRepeatedCleared(store, []), status), reason: "no-refresh-token" };

  try {
    // Without a binding cookie (absent, or sent twice and so judged absent) no refresh can be this browser's:
    // refused before a grant is spent at the provider, with the same outcome as an unbound answer below.
    if (!store.cookies.has(bindingCookieName(config.cookie, config.clientId))) throw new AuthError("token-invalid", "session not bound to this browser");
    const tokens = await refreshTokens(config, ctx.http, session.refreshToken);
    const { id, access } = await verifyIssuedTokens(ctx, tokens);
    const username = usernameOf(id, access, config);
    if (username !== session.username) throw new AuthError("token-invalid", "refreshed tokens of another user");
    // A username can be chosen by its user (preferred_username, an e-mail address): the refreshed session must be
    // the same subject of the same issuer as the one it continues.
    if (!sameUser(sessionUser(session.idToken), id)) throw new AuthError("token-invalid", "refreshed tokens of another subject");
    // A refresh token a sibling subdomain planted is not this browser's session (shared/edge/session-binding.ts).
    if (!isBoundSession(store, id, config.nonceSigningSecret)) throw new AuthError("token-invalid", "session not bound to this browser");
    const set = issueSession(store, config, { username, id, access, tokens, nowSeconds: Math.floor(ctx.now() / 1000) }, "refreshed");
    return { ...redirect(config, back, withRepeatedCleared(store, set), status), reason: "refreshed" };
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    if (err.code === "cognito-unavailable") {
      ctx.log.log("warn", "refresh failed", { code: err.code, detail: err.detail });
      return { ...errorResponse(config, "cognito-unavailable", { retry: back.slice(origin.length) }), reason: "cognito-unavailable" };
    }
    // Refused (revoked, expired, another browser's) or unusable: the tokens go (and an earlier sign-in's loop
    // marker, which must not stop the sign-in), and the sign-in starts here rather than on the next request. A
    // refresh token we cannot expire (a sibling subdomain planted it under its own Domain or Path: issue 17) would
    // otherwise send every request back here, a redirect loop. A fetch cannot follow a sign-in: 401 JSON.
    const clear = [...expireTokens(store, ["idToken", "accessToken", "refreshToken"]), ...expireMarkers(store), ...expireSession(store)];
    const reason = `refresh-refused:${err.code}` as const;
    if (isApiRequest(req, false)) return { ...errorResponse(config, "unauthenticated", { api: true, cookies: withRepeatedCleared(store, clear) }), reason };
    return { ...startSignIn(ctx, store, origin, back.slice(origin.length), clear), reason };
  }
}
