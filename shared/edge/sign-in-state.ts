/**
 * Sign-in state: the OAuth `state`, the OIDC `nonce`, the PKCE verifier and the return path, sealed with an
 * HMAC into the value of one cookie per sign-in (the session store names it after the state).
 *
 * One cookie per sign-in means sign-ins started in parallel (two tabs, a page and its favicon) do not overwrite
 * each other. The cookie binds `state` to this browser (CSRF, RFC 6749 §10.12); PKCE S256 (RFC 7636) protects the
 * code exchange; the nonce is checked in the id token (OIDC Core §3.1.2.1). The MAC also covers the site (app
 * client and origin, `signInSite`), so a sign-in cookie sealed for one site never finishes a callback on another,
 * even when the sites share a cookie domain and a signing secret (issue 17).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { UnsealFailure } from "../outcomes/failures";

/** How long a started sign-in stays valid: time enough to type a password. */
export const SIGNIN_TTL_SECONDS = 15 * 60;
/** A `state` we issue: base64url of 16 random bytes (22 characters); anything in this range is judged further. */
export const STATE_RE = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignInState {
  /** The OAuth `state` parameter; also the cookie's name suffix. */
  state: string;
  nonce: string;
  /** PKCE code verifier (43 characters of base64url). */
  verifier: string;
  /** Same-origin path + query to return to after sign-in. */
  returnPath: string;
  /** Expiry, seconds since the epoch. */
  expires: number;
}

export type RandomSource = (bytes: number) => Buffer;

const b64url = (buf: Buffer) => buf.toString("base64url");

/** Starts a sign-in: fresh random state, nonce and verifier. */
export function newSignIn(returnPath: string, nowSeconds: number, random: RandomSource = randomBytes): SignInState {
  return {
    state: b64url(random(16)),
    nonce: b64url(random(16)),
    verifier: b64url(random(32)),
    returnPath,
    expires: nowSeconds + SIGNIN_TTL_SECONDS,
  };
}

/** PKCE S256 challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** The site a sign-in belongs to: its app client and origin (`https://host`), as the MAC covers them. */
export function signInSite(clientId: string, origin: string): string {
  return JSON.stringify([clientId, origin]);
}

function mac(secret: string, site: string, state: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(`${site}\n${state}.${payload}`).digest();
}

/** The cookie value: base64url(JSON) + "." + base64url(HMAC(site + "\n" + state + "." + payload)). */
export function sealSignIn(s: SignInState, secret: string, site: string): string {
  const payload = b64url(Buffer.from(JSON.stringify({ n: s.nonce, v: s.verifier, r: s.returnPath, e: s.expires })));
  return `${payload}.${b64url(mac(secret, site, s.state, payload))}`;
}

/** A sealed sign-in holds a return path of up to MAX_RETURN_PATH (2,048) characters in base64: about 2.9 KB. */
const MAX_SEALED_LENGTH = 3600;

export type UnsealResult = { ok: true; signIn: SignInState } | { ok: false; why: UnsealFailure };

/** Checks a sign-in cookie's HMAC (constant time; for this `site`) and expiry, and returns its contents. */
export function unsealSignIn(state: string, value: string, secret: string, nowSeconds: number, site: string): UnsealResult {
  if (!STATE_RE.test(state) || value.length > MAX_SEALED_LENGTH) return { ok: false, why: "malformed" };
  const dot = value.indexOf(".");
  if (dot < 1) return { ok: false, why: "malformed" };
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), "base64url");
  const expected = mac(secret, site, state, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: "bad-mac" };
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, why: "malformed" };
  }
  if (typeof data !== "object" || data === null) return { ok: false, why: "malformed" };
  const d = data as { n?: unknown; v?: unknown; r?: unknown; e?: unknown };
  if (typeof d.n !== "string" || typeof d.v !== "string" || typeof d.r !== "string" || typeof d.e !== "number")
    return { ok: false, why: "malformed" };
  if (d.e <= nowSeconds) return { ok: false, why: "expired" };
  return { ok: true, signIn: { state, nonce: d.n, verifier: d.v, returnPath: d.r, expires: d.e } };
}

/** The expiry of a sealed value without checking it (only to pick the oldest pending sign-ins); 0 if unreadable. */
export function peekExpiry(value: string): number {
  try {
    const e = (JSON.parse(Buffer.from(value.slice(0, value.indexOf(".")), "base64url").toString("utf8")) as { e?: unknown }).e;
    return typeof e === "number" ? e : 0;
  } catch {
    return 0;
  }
}
