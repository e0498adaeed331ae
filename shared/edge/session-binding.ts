/**
 * The binding cookie: ties the token cookies to the browser that signed in (issue 17, cookie tossing).
 *
 * The token cookies carry Amplify's names, which have no `__Host-` prefix, so a sibling subdomain can plant a
 * complete, genuinely signed token set of its own user. parse-auth and refresh-auth therefore also write
 * `__Host-edgeauth-binding` (a name a sibling cannot set) holding an HMAC over the session's issuer, app client and
 * `sub`; check-auth and refresh-auth accept tokens only when it matches them. It is over the user, not the tokens,
 * so Amplify's own refresh in the browser (new tokens, same `sub`) and SPA mode keep working.
 *
 * Key: `nonceSigningSecret`, the key that already seals the sign-in state and is shared by the Lambda@Edge
 * functions that start and finish sign-ins; the MAC has its own prefix, so it never doubles as a sign-in seal.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Domain separation: this MAC binds a session and is nothing else. */
const MAC_PREFIX = "edgeauth-binding.v1.";

/** Whose session: the id token's issuer and `sub`, and the app client. */
export interface BindingSubject {
  iss: string;
  sub: string;
  clientId: string;
}

/** The binding cookie's value: base64url of HMAC-SHA256 over the subject. */
export function bindingValue(s: BindingSubject, key: string): string {
  return createHmac("sha256", key).update(MAC_PREFIX + JSON.stringify([s.iss, s.clientId, s.sub])).digest("base64url");
}

/** Bindings already found good, so a signed-in request costs a map lookup and not an HMAC (bounded; cleared
 *  when full). Only matches are kept: a refused value is computed again each time. */
const MAX_REMEMBERED = 1000;
const rememberedByKey = new Map<string, Map<string, string>>();

/** True when `value` is the binding of this subject (constant-time comparison); false when absent or another. */
export function isBound(value: string | undefined, s: BindingSubject, key: string): boolean {
  if (value === undefined || value.length > 100) return false;
  const who = JSON.stringify([s.iss, s.clientId, s.sub]);
  let remembered = rememberedByKey.get(key);
  if (remembered?.get(value) === who) return true;
  const given = Buffer.from(value);
  const expected = Buffer.from(bindingValue(s, key));
  const ok = given.length === expected.length && timingSafeEqual(given, expected);
  if (ok) {
    if (!remembered) rememberedByKey.set(key, (remembered = new Map()));
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(value, who);
  }
  return ok;
}

/** The subject of verified id token claims, or undefined when `iss` or `sub` is not a non-empty string. */
export function subjectOf(id: Record<string, unknown>, clientId: string): BindingSubject | undefined {
  return typeof id.iss === "string" && typeof id.sub === "string" && id.iss && id.sub ? { iss: id.iss, sub: id.sub, clientId } : undefined;
}
