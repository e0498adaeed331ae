/**
 * Cookie headers of a signed-in browser, written under Amplify's names the way the edge functions write them.
 */
import { encodeCookieName } from "../../shared/edge/cookie-codec";
import { lastAuthUserName, tokenCookieName } from "../../shared/edge/session-store";

export interface SessionSpec {
  username: string;
  idToken?: string;
  accessToken?: string;
  refreshToken?: string;
}

export function sessionCookieHeader(clientId: string, s: SessionSpec, extra: Record<string, string> = {}): string {
  const pairs: [string, string][] = [[lastAuthUserName(clientId), s.username]];
  if (s.idToken) pairs.push([tokenCookieName(clientId, s.username, "idToken"), s.idToken]);
  if (s.accessToken) pairs.push([tokenCookieName(clientId, s.username, "accessToken"), s.accessToken]);
  if (s.refreshToken) pairs.push([tokenCookieName(clientId, s.username, "refreshToken"), s.refreshToken]);
  for (const [k, v] of Object.entries(extra)) pairs.push([k, v]);
  return pairs.map(([k, v]) => `${encodeCookieName(k)}=${encodeURIComponent(v)}`).join("; ");
}
