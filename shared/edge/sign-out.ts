/**
 * sign-out (viewer request on `paths.signOut`): revoke the refresh token at the provider, expire every cookie of
 * ours, and end the Hosted UI session through `/logout`, which sends the browser to `paths.afterSignOut` on this
 * origin.
 *
 * What that ends, exactly: the refresh token is revoked, so no new tokens can be had with it, and this browser's
 * cookies are gone. Copies of the id and access tokens taken before sign-out stay valid until they expire (the
 * edge verifies JWTs locally, with no call to the provider), so the token lifetimes are the bound.
 *
 * Only a sign-out the user asked for on this site happens: a request from another site (a link or an image on
 * someone else's page) gets a small page with a button instead, so nobody can be signed out by a third party.
 */
import type { EdgeContext } from "./deps";
import { logoutUrl, revokeToken } from "./oauth";
import { siteOrigin } from "../viewer/redirect";
import type { EdgeRequest, Outcome } from "./request";
import { confirmPage, errorResponse, redirect } from "./responses";
import { expireAll, openSessionStore, withRepeatedCleared } from "./session-store";

/**
 * True when the request comes from this site or from the user directly (typed, bookmarked): `Sec-Fetch-Site` is
 * `same-origin` or `none`. Browsers that send no `Sec-Fetch-Site` must show a same-origin `Origin` or `Referer`.
 * https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header
 */
export function isOwnSiteRequest(req: EdgeRequest, origin: string): boolean {
  const site = req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin" || site === "none";
  const from = req.header("origin");
  if (from !== undefined) return from === origin;
  const referer = req.header("referer");
  return referer !== undefined && (referer === origin || referer.startsWith(`${origin}/`));
}

export async function signOut(req: EdgeRequest, ctx: EdgeContext): Promise<Outcome> {
  const { config } = ctx;
  const origin = siteOrigin(req);
  if (!origin) return { ...errorResponse(config, "bad-host"), reason: "error:bad-host" };
  if (!isOwnSiteRequest(req, origin)) {
    const page = confirmPage(config, {
      title: "Sign out?",
      text: `Do you want to sign out of ${origin.replace(/^https?:\/\//, "")}?`,
      action: config.paths.signOut,
      button: "Sign out",
      cancel: { href: "/", text: "Stay signed in" },
    });
    return { ...page, reason: "sign-out:confirm" };
  }
  const store = openSessionStore(req.cookieHeader, config);
  const revoked = store.session.refreshToken ? await revokeToken(config, ctx.http, store.session.refreshToken) : true;
  const location = logoutUrl(config, `${origin}${config.paths.afterSignOut}`, store.session.idToken);
  return { ...redirect(config, location, withRepeatedCleared(store, expireAll(store))), reason: revoked ? "signed-out" : "signed-out:revoke-failed" };
}
