/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * The names of the cookies the edge reads and writes. The session store (shared/edge/session-store.ts) owns
 * what they hold and when they are written; the CloudFront Function reads the same names from here.
 *
 * - Amplify JS's names for the tokens: `CognitoIdentityServiceProvider.<clientId>.LastAuthUser` and
 *   `CognitoIdentityServiceProvider.<clientId>.<username>.{idToken,accessToken,refreshToken}`.
 * - Our own: `__Host-edgeauth-<base>` for host-only cookies (a sibling subdomain cannot plant a `__Host-`
 *   cookie; host-only cookies of two sites never meet), `edgeauth-<site>-<base>` when `cookie.domain` is set (a
 *   `__Host-` cookie cannot carry a Domain), where `<site>` names the app client (`siteTag`): sites that share a
 *   cookie domain then never overwrite, clear or trip over each other's cookies (issue 17).
 * Names are read exactly as written (shared/edge/cookie-codec.ts decodes only Amplify's names), so ours use only
 * characters js-cookie's encoding leaves alone.
 */
import type { CookieSettings } from "../config/types";
import { crypto } from "./crypto";

export const AMPLIFY_PREFIX = "CognitoIdentityServiceProvider";
export type TokenKind = "idToken" | "accessToken" | "refreshToken";
export type MarkerKind = "signedin" | "refreshed";

type Domain = Pick<CookieSettings, "domain">;

/**
 * The app client as a cookie-name part: the client id itself when it is 1-64 of `A-Za-z0-9_-` (every Cognito app
 * client id), else 22 characters of base64url of its SHA-256 (an OpenID Connect client id may be a URL).
 */
export function siteTag(clientId: string): string {
  if (/^[\w-]{1,64}$/.test(clientId)) return clientId;
  // Hashed once per client id (a deployment has a few): the names are asked for on every request.
  let tag = hashedTags.get(clientId);
  if (tag === undefined) {
    tag = crypto().createHash("sha256").update(clientId).digest("base64url").slice(0, 22);
    if (hashedTags.size < 64) hashedTags.set(clientId, tag);
  }
  return tag;
}
const hashedTags = new Map<string, string>();

/** Our own cookies' names: `__Host-edgeauth-<base>`, or `edgeauth-<site>-<base>` with a Domain. */
export function ownCookieName(base: string, settings: Domain, clientId: string): string {
  return settings.domain ? `edgeauth-${siteTag(clientId)}-${base}` : `__Host-edgeauth-${base}`;
}
export const signInCookieName = (state: string, settings: Domain, clientId: string) => ownCookieName(`signin.${state}`, settings, clientId);
export const markerName = (kind: MarkerKind, settings: Domain, clientId: string) => ownCookieName(kind, settings, clientId);
/** The session cookie of the CloudFront Function hot path. */
export const sessionCookieName = (settings: Domain, clientId: string) => ownCookieName("session", settings, clientId);
/** The cookie that binds the token cookies to this browser's sign-in (shared/edge/session-binding.ts). */
export const bindingCookieName = (settings: Domain, clientId: string) => ownCookieName("binding", settings, clientId);
export const lastAuthUserName = (clientId: string) => `${AMPLIFY_PREFIX}.${clientId}.LastAuthUser`;
export function tokenCookieName(clientId: string, username: string, kind: TokenKind | "clockDrift" | "userData"): string {
  return `${AMPLIFY_PREFIX}.${clientId}.${username}.${kind}`;
}

/** True when a loop marker says a session valid until after `nowSeconds` was just handed to this browser. */
export function markerActive(value: string | undefined, nowSeconds: number): boolean {
  const exp = Number(value);
  // An unreadable marker still means a session was just set: fail towards stopping the loop.
  return value !== undefined && (!isFinite(exp) || exp > nowSeconds);
}
