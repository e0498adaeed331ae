/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * The names of the cookies the edge reads and writes. The session store (shared/edge/session-store.ts) owns
 * what they hold and when they are written; the CloudFront Function reads the same names from here.
 *
 * - Amplify JS's names for the tokens: `CognitoIdentityServiceProvider.<clientId>.LastAuthUser` and
 *   `CognitoIdentityServiceProvider.<clientId>.<username>.{idToken,accessToken,refreshToken}`.
 * - Our own: `__Host-edgeauth-<base>` for host-only cookies (a sibling subdomain cannot plant a `__Host-`
 *   cookie), `edgeauth-<base>` when `cookie.domain` is set (a `__Host-` cookie cannot carry a Domain).
 */
import type { CookieSettings } from "../config/types";

export const AMPLIFY_PREFIX = "CognitoIdentityServiceProvider";
export type TokenKind = "idToken" | "accessToken" | "refreshToken";
export type MarkerKind = "signedin" | "refreshed";

type Domain = Pick<CookieSettings, "domain">;

/** Our own cookies' names: `__Host-edgeauth-<base>`, or `edgeauth-<base>` with a Domain. */
export function ownCookieName(base: string, settings: Domain): string {
  return `${settings.domain ? "" : "__Host-"}edgeauth-${base}`;
}
export const signInCookieName = (state: string, settings: Domain) => ownCookieName(`signin.${state}`, settings);
export const markerName = (kind: MarkerKind, settings: Domain) => ownCookieName(kind, settings);
/** The session cookie of the CloudFront Function hot path. */
export const sessionCookieName = (settings: Domain) => ownCookieName("session", settings);
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
