/**
 * sign-in (viewer request on `paths.signIn`): start a sign-in for `?return=<path>` — fresh state, nonce and PKCE
 * verifier sealed into this browser's sign-in cookie — and send the browser to the Hosted UI. The CloudFront
 * Function hot path sends signed-out visitors here, since a CloudFront Function has no secure randomness; check-auth
 * starts sign-ins itself with the same `startSignIn`.
 */
import type { EdgeContext } from "./deps";
import { authorizeUrl } from "./oauth";
import { safeReturnPath, siteOrigin } from "../viewer/redirect";
import type { EdgeRequest, Outcome } from "./request";
import { errorResponse, redirect } from "./responses";
import { openSessionStore, startSignIn as signInCookies } from "./session-store";
import type { SessionStore } from "./session-store";
import { newSignIn, pkceChallenge } from "./sign-in-state";
import type { Respond } from "./request";

/** A new sign-in returning to `returnPath`: its own signed state cookie and a 302 to the Hosted UI. */
export function startSignIn(ctx: EdgeContext, store: SessionStore, origin: string, returnPath: string, clear: string[] = []): Respond {
  const { config } = ctx;
  const s = newSignIn(returnPath, Math.floor(ctx.now() / 1000), ctx.random);
  const location = authorizeUrl(config, {
    redirectUri: `${origin}${config.paths.callback}`,
    state: s.state,
    nonce: s.nonce,
    codeChallenge: pkceChallenge(s.verifier),
  });
  return redirect(config, location, [...clear, ...signInCookies(store, s, config.nonceSigningSecret)]);
}

export async function signIn(req: EdgeRequest, ctx: EdgeContext): Promise<Outcome> {
  const { config } = ctx;
  const origin = siteOrigin(req);
  if (!origin) return { ...errorResponse(config, "bad-host"), reason: "error:bad-host" };
  const returns = new URLSearchParams(req.querystring.length > 8192 ? "" : req.querystring).getAll("return");
  const back = safeReturnPath(returns.length === 1 ? returns[0] : undefined, config.paths);
  return { ...startSignIn(ctx, openSessionStore(req.cookieHeader, config), origin, back), reason: "sign-in" };
}
