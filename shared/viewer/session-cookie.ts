/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * The session cookie of the CloudFront Function hot path. parse-auth and refresh-auth verify the provider's tokens
 * (RS256, in Lambda@Edge) when they are obtained and seal what the edge needs from them into this cookie; the
 * CloudFront Function, which has HMAC but no RSA and no network, checks it on every request.
 *
 * Value: `<payload>.<mac>`, both base64url. The payload is JSON binding the app client (`c`), the user (`s` = sub,
 * `u` = username), the verified e-mail when there is one (`e`), the groups (`g`; `gt` when cut), what else the
 * rules read (`k`: claim values; `n`: an unverified e-mail, for exclusions) and a fingerprint of those rules (`r`),
 * the expiry (`x`,
 * seconds: never after the id token's `exp`, nor after `session.maxAge`) and a hash of the id token (`h`), so the
 * id token cookie can be forwarded as verified. The MAC is HMAC-SHA256 over a fixed prefix and the payload, under
 * a key of at least 32 random bytes, compared in constant time.
 */

/** What a session cookie says; short names keep the cookie small. */
export interface SessionClaims {
  /** App client id. */
  c: string;
  /** The user's `sub`. */
  s: string;
  /** The username (`usernameClaim`) to forward as `x-auth-user`; "" when it is an unverified e-mail or phone number. */
  u: string;
  /** The e-mail address, only when the id token says it is verified. */
  e?: string;
  /** Groups: every group (with identity forwarding), else the ones the rules name. */
  g: string[];
  /** The e-mail address when it is not verified, only when an `exclude` reads e-mails (so it cannot be dodged). */
  n?: string;
  /** For each claim the rules read, the user's values among those they compare with (shared/viewer/rules.ts). */
  k?: Record<string, string[]>;
  /**
   * The rules' fingerprint when sealed (shared/viewer/rules.ts `rulesFingerprint`), with rules only: the function
   * treats a session sealed under other rules as run out (refresh, else sign in).
   */
  r?: string;
  /** 1 when `g` was cut to fit the cookie. */
  gt?: 1;
  /** Expiry, seconds since the epoch. */
  x: number;
  /** base64url of the first 16 bytes of SHA-256 of the id token. */
  h: string;
}

export type SessionCheck = { ok: true; session: SessionClaims } | { ok: false; why: "malformed" | "bad-mac" | "expired" | "other-client" };

/** The key in the CloudFront Function's KeyValueStore that holds the session cookie's HMAC key. */
export const SESSION_KEY = "session-key";

/** Longest session cookie value we look at (a cookie holds at most ~4 KB). */
export const MAX_SESSION_VALUE = 4000;
/** Domain separation: this MAC is for session cookies and nothing else. */
const MAC_PREFIX = "edgeauth-session.v1.";

import { crypto } from "./crypto";

export function macOf(payload: string, key: string): string {
  return crypto().createHmac("sha256", key).update(MAC_PREFIX + payload).digest("base64url");
}

/** base64url of the first 16 bytes of SHA-256 of the id token (22 characters). */
export function idTokenHash(idToken: string): string {
  return crypto().createHash("sha256").update(idToken).digest("base64url").slice(0, 22);
}

/** Equal strings, compared in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The cookie value for a session. */
export function sealSession(claims: SessionClaims, key: string): string {
  const payload = Buffer.from(JSON.stringify(claims), "utf8").toString("base64url");
  return `${payload}.${macOf(payload, key)}`;
}

/**
 * The length of `sealSession(claims, key)` without sealing it: base64url (no padding) of the payload's UTF-8 bytes,
 * a dot and the 43 characters of the MAC. All ASCII, so also its bytes on the wire. Counting the JSON's UTF-16 code
 * units instead undercounts non-ASCII text up to threefold (issue 17: 100 groups with CJK names).
 */
export function sealedLength(claims: SessionClaims): number {
  const n = Buffer.byteLength(JSON.stringify(claims), "utf8");
  return Math.floor(n / 3) * 4 + [0, 2, 3][n % 3]! + 1 + 43;
}

/** base64url text (`\w` is `[A-Za-z0-9_]`). */
const B64URL = /^[\w-]+$/;

type Refusal = Extract<SessionCheck, { ok: false }>;
// One answer object for every malformed cookie: callers read it, never change it.
const MALFORMED: Refusal = { ok: false, why: "malformed" };

// Build-time switch of the CloudFront Function (shared/function/config.ts): false when no site has rules, so the
// fingerprint test is left out. Undefined elsewhere: on.
declare const __HAS_RULES__: boolean | undefined;

/**
 * Checks a session cookie: shape, MAC (constant time), app client, expiry, and that it was sealed under the rules
 * of now (`rules`: their fingerprint, shared/viewer/rules.ts `rulesFingerprint`; undefined for a site without
 * rules): a session sealed under other rules has run out, as an expired one. Never throws.
 */
export function openSession(value: string | undefined, key: string, clientId: string, nowSeconds: number, rules: string | undefined): SessionCheck {
  if (typeof value !== "string" || value.length > MAX_SESSION_VALUE || key.length < 32) return MALFORMED;
  const dot = value.indexOf(".");
  const payload = value.slice(0, dot);
  const mac = value.slice(dot + 1);
  if (dot < 1 || !B64URL.test(payload) || !B64URL.test(mac)) return MALFORMED;
  if (!constantTimeEqual(mac, macOf(payload, key))) return { ok: false, why: "bad-mac" };
  let s: SessionClaims;
  try {
    s = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as SessionClaims;
  } catch (e) {
    return MALFORMED;
  }
  // c, s and u strings (one test for the three: shorter in the function's 10 KB), x a number, g a list of strings.
  if (!s || typeof s !== "object" || !isArrayOfStrings([s.c, s.s, s.u]) || typeof s.x !== "number" || !isArrayOfStrings(s.g)) return MALFORMED;
  if (s.c !== clientId) return { ok: false, why: "other-client" };
  if (!(s.x > nowSeconds && ((typeof __HAS_RULES__ !== "undefined" && !__HAS_RULES__) || s.r === rules))) return { ok: false, why: "expired" };
  return { ok: true, session: s };
}

function isArrayOfStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}
