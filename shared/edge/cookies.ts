/**
 * Cookie names, parsing and serialising. Tokens live under Amplify JS's names, so a page using Amplify sees the
 * session: `CognitoIdentityServiceProvider.<clientId>.LastAuthUser` and
 * `CognitoIdentityServiceProvider.<clientId>.<username>.{idToken,accessToken,refreshToken}`.
 *
 * Names are written the way js-cookie (Amplify's CookieStorage) writes them, so usernames with `@`, `+` or other
 * characters round-trip; on the way in, names are percent-decoded the way js-cookie reads them.
 */
import { parseCookie, stringifySetCookie } from "cookie";
import type { SetCookie } from "cookie";
import type { CookieSettings } from "../config/edge";

export const AMPLIFY_PREFIX = "CognitoIdentityServiceProvider";
/** Our own cookies (sign-in state, loop markers) share this prefix, so sign-out can find all of them. */
export const OWN_PREFIX = "edgeauth-";
export const SIGNIN_PREFIX = `${OWN_PREFIX}signin.`;
/**
 * Set by parse-auth on success, its value the new id token's `exp`: a request without a usable session while
 * that token should still be valid means the browser did not keep (or send) the cookies; another sign-in would
 * loop.
 */
export const SIGNED_IN_MARKER = `${OWN_PREFIX}signedin`;
/** Set by refresh-auth on success, its value the new id token's `exp`: stops a refresh loop the same way. */
export const REFRESHED_MARKER = `${OWN_PREFIX}refreshed`;
/** Markers live only for the redirect that follows the sign-in or refresh. */
export const MARKER_TTL_SECONDS = 15;

/** True when a loop marker says a session valid until after `nowSeconds` was just handed to this browser. */
export function markerActive(cookies: Map<string, string>, name: string, nowSeconds: number): boolean {
  const value = cookies.get(name);
  if (value === undefined) return false;
  const exp = Number(value);
  // An unreadable marker still means a session was just set: fail towards stopping the loop.
  return !Number.isFinite(exp) || exp > nowSeconds;
}

export type TokenKind = "idToken" | "accessToken" | "refreshToken";

/**
 * Browsers keep a cookie only while name + value stay within 4096 bytes; tokens bigger than this are split into
 * chunks `<name>.0`, `<name>.1`, ... (issue: big tokens with many groups).
 */
export const CHUNK_SIZE = 3800;
/** A cookie header beyond this no longer fits CloudFront's limits on viewer request headers (about 20 KB). */
export const MAX_SESSION_COOKIE_BYTES = 14_000;

/** js-cookie's name encoding (`encodeURIComponent`, then a few characters put back). */
export function encodeCookieName(name: string): string {
  return name
    .replace(/[^\x21-\x7e]|[%;,=\s"\\@:/?[\]{}<>]/gu, (c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return "%EF%BF%BD"; // a lone surrogate: no valid encoding
      }
    })
    .replace(/[()]/g, escape);
}

function decodeName(name: string): string {
  if (!name.includes("%")) return name;
  try {
    return name.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent);
  } catch {
    return name;
  }
}

/** Parses a Cookie header into a map of decoded name to decoded value. The first of repeated names wins. */
export function parseCookies(header: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  let parsed: Record<string, string | undefined>;
  try {
    parsed = parseCookie(header);
  } catch {
    return out;
  }
  for (const name in parsed) {
    const value = parsed[name];
    if (value === undefined) continue;
    const decoded = decodeName(name);
    if (!out.has(decoded)) out.set(decoded, value);
  }
  return out;
}

export function lastAuthUserName(clientId: string): string {
  return `${AMPLIFY_PREFIX}.${clientId}.LastAuthUser`;
}

export function tokenCookieName(clientId: string, username: string, kind: TokenKind | "clockDrift" | "userData"): string {
  return `${AMPLIFY_PREFIX}.${clientId}.${username}.${kind}`;
}

/** Reads a possibly chunked cookie value: `<name>` itself, or `<name>.0`, `<name>.1`, ... joined. */
export function readChunked(cookies: Map<string, string>, name: string): string | undefined {
  const whole = cookies.get(name);
  if (whole !== undefined) return whole;
  let value = "";
  for (let i = 0; ; i++) {
    const part = cookies.get(`${name}.${i}`);
    if (part === undefined) return i === 0 ? undefined : value;
    value += part;
  }
}

export interface CookieWriter {
  /** `Set-Cookie` values for one cookie (several when a big value is chunked). Removes stale chunks/whole cookie. */
  set(name: string, value: string, opts: { maxAge: number; httpOnly: boolean; existing?: Map<string, string> }): string[];
  /** `Set-Cookie` value that deletes the cookie. */
  expire(name: string): string;
}

/** Writes cookies with the site's attributes: `Secure; Path=/; SameSite=<setting>`, optional `Domain`. */
export function cookieWriter(settings: CookieSettings): CookieWriter {
  const sameSite = settings.sameSite.toLowerCase() as "lax" | "strict" | "none";
  const write = (name: string, value: string, maxAge: number, httpOnly: boolean) =>
    stringifySetCookie({
      name: encodeCookieName(name),
      value,
      path: "/",
      secure: true,
      sameSite,
      httpOnly,
      maxAge: Math.max(0, Math.floor(maxAge)),
      ...(settings.domain ? { domain: settings.domain } : {}),
    });
  const expire = (name: string) => write(name, "", 0, true);
  return {
    expire,
    set(name, value, { maxAge, httpOnly, existing }) {
      const encodedLength = encodeCookieName(name).length + encodeURIComponent(value).length;
      if (encodedLength <= CHUNK_SIZE) {
        const out = [write(name, value, maxAge, httpOnly)];
        for (let i = 0; existing?.has(`${name}.${i}`); i++) out.push(expire(`${name}.${i}`));
        return out;
      }
      const out: string[] = [];
      const size = CHUNK_SIZE - encodeCookieName(name).length - 8;
      let i = 0;
      for (let at = 0; at < value.length; at += size, i++) out.push(write(`${name}.${i}`, value.slice(at, at + size), maxAge, httpOnly));
      if (existing?.has(name)) out.push(expire(name));
      for (; existing?.has(`${name}.${i}`); i++) out.push(expire(`${name}.${i}`));
      return out;
    },
  };
}

/** Cookie options for the short-lived sign-in cookies: always Lax, they must come back from the Hosted UI. */
export function signInCookie(settings: CookieSettings, name: string, value: string, maxAge: number): string {
  const cookie: SetCookie = { name: encodeCookieName(name), value, path: "/", secure: true, httpOnly: true, sameSite: "lax", maxAge };
  if (settings.domain) cookie.domain = settings.domain;
  return stringifySetCookie(cookie);
}

/** The `state` part of a sign-in cookie's name (base64url of 16 random bytes). */
export const STATE_RE = /^[A-Za-z0-9_-]{16,64}$/;
/** At most this many cookies are expired in one response: each costs header bytes, and Lambda@Edge caps a
 *  generated response at 40 KB. Anything beyond expires by its own Max-Age. */
export const MAX_EXPIRED_PER_RESPONSE = 40;

const AMPLIFY_TOKEN_NAME = /^.{1,256}\.(idToken|accessToken|refreshToken|clockDrift|userData)(\.\d{1,2})?$/s;

/** True for the names we write: this client's Amplify cookies, our sign-in cookies and loop markers. */
export function isOwnCookieName(name: string, clientId: string): boolean {
  if (name === SIGNED_IN_MARKER || name === REFRESHED_MARKER) return true;
  if (name.startsWith(SIGNIN_PREFIX)) return STATE_RE.test(name.slice(SIGNIN_PREFIX.length));
  const amplify = `${AMPLIFY_PREFIX}.${clientId}.`;
  if (!name.startsWith(amplify)) return false;
  const rest = name.slice(amplify.length);
  return rest === "LastAuthUser" || AMPLIFY_TOKEN_NAME.test(rest);
}

/** Names of the cookies of ours in the request (at most MAX_EXPIRED_PER_RESPONSE). */
export function ownCookieNames(cookies: Map<string, string>, clientId: string): string[] {
  const out: string[] = [];
  for (const n of cookies.keys()) {
    if (out.length >= MAX_EXPIRED_PER_RESPONSE) break;
    if (isOwnCookieName(n, clientId)) out.push(n);
  }
  return out;
}
