/**
 * sign-out (viewer request on `paths.signOut`): revoke the refresh token at Cognito (which also invalidates the
 * tokens issued with it), expire every cookie of ours, and end the Hosted UI session through `/logout`, which
 * sends the browser to `paths.afterSignOut` on this origin.
 */
import type { EdgeContext } from "./deps";
import { parseCookies } from "./cookies";
import type { EdgeRequest, Outcome } from "./request";
import { logoutUrl, revokeToken } from "./oauth";
import { siteOrigin } from "./redirect";
import { errorResponse, redirect } from "./responses";
import { expireAll, readSession } from "./session";

export async function signOut(req: EdgeRequest, ctx: EdgeContext): Promise<Outcome> {
  const { config } = ctx;
  const origin = siteOrigin(req);
  if (!origin) return { ...errorResponse(config, "bad-host"), reason: "error:bad-host" };
  const cookies = parseCookies(req.cookieHeader);
  const session = readSession(cookies, config.clientId);
  let reason = "signed-out";
  if (session.refreshToken) {
    const revoked = await revokeToken(config, ctx.http, session.refreshToken);
    if (!revoked) reason = "signed-out:revoke-failed";
  }
  const location = logoutUrl(config, `${origin}${config.paths.afterSignOut}`);
  return { ...redirect(config, location, expireAll(config, cookies, session.username)), reason };
}
