/**
 * Cookie headers of a signed-in browser, written under Amplify's names the way the edge functions write them, with
 * the binding cookie parse-auth writes next to them (shared/edge/session-binding.ts).
 */
import { encodeCookieName } from "../../shared/edge/cookie-codec";
import { bindingCookieName, lastAuthUserName, tokenCookieName } from "../../shared/edge/session-store";
import { bindingValue } from "../../shared/edge/session-binding";
import type { CookieSettings } from "../../shared/config/types";
import { TEST_NONCE_SECRET } from "./tokens";

export interface SessionSpec {
  username: string;
  idToken?: string;
  accessToken?: string;
  refreshToken?: string;
  /**
   * The key of the binding cookie (the config's `nonceSigningSecret`; default: testConfig's), or `false` for none.
   * The binding is over the id token's `iss` and `sub`, so it is written only with an id token.
   */
  bindingKey?: string | false;
  /** `cookie.domain` of the config (the binding cookie's name depends on it). */
  cookie?: Pick<CookieSettings, "domain">;
}

/** The binding cookie's value for an id token (its `iss` and `sub`, read without verifying). */
export function bindingFor(clientId: string, idToken: string, key: string = TEST_NONCE_SECRET): string {
  let claims: { iss?: unknown; sub?: unknown } = {};
  try {
    claims = JSON.parse(Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8")) as typeof claims;
  } catch {
    // Not a JWT (a test of garbage tokens): a binding of nobody.
  }
  return bindingValue({ iss: String(claims.iss), sub: String(claims.sub), clientId }, key);
}

export function sessionCookieHeader(clientId: string, s: SessionSpec, extra: Record<string, string> = {}): string {
  const pairs: [string, string][] = [[lastAuthUserName(clientId), s.username]];
  if (s.idToken) pairs.push([tokenCookieName(clientId, s.username, "idToken"), s.idToken]);
  if (s.accessToken) pairs.push([tokenCookieName(clientId, s.username, "accessToken"), s.accessToken]);
  if (s.refreshToken) pairs.push([tokenCookieName(clientId, s.username, "refreshToken"), s.refreshToken]);
  if (s.idToken && s.bindingKey !== false) pairs.push([bindingCookieName(s.cookie ?? {}, clientId), bindingFor(clientId, s.idToken, s.bindingKey)]);
  for (const [k, v] of Object.entries(extra)) pairs.push([k, v]);
  return pairs.map(([k, v]) => `${encodeCookieName(k)}=${encodeURIComponent(v)}`).join("; ");
}
