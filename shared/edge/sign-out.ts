/**
 * sign-out (viewer request on `paths.signOut`): revoke the refresh token at Cognito (which also invalidates the
 * tokens issued with it), expire every cookie of ours, and end the Hosted UI session through `/logout`, which
 * sends the browser to `paths.afterSignOut` on this origin.
 */
import type { EdgeContext } from "./deps";
import { logoutUrl, revokeToken } from "./oauth";
import { siteOrigin } from "./redirect";
import type { EdgeRequest, Outcome } from "./request";
import { errorResponse, redirect } from "./responses";
import { expireAll, openSessionStore } from "./session-store";

export async function signOut(req: EdgeRequest, ctx: EdgeContext): Promise<Outcome> {
  const { config } = ctx;
  const origin = siteOrigin(req);
  if (!origin) return { ...errorResponse(config, "bad-host"), reason: "error:bad-host" };
  const store = openSessionStore(req.cookieHeader, config);
  const revoked = store.session.refreshToken ? await revokeToken(config, ctx.http, store.session.refreshToken) : true;
  const location = logoutUrl(config, `${origin}${config.paths.afterSignOut}`);
  return { ...redirect(config, location, expireAll(store)), reason: revoked ? "signed-out" : "signed-out:revoke-failed" };
}
