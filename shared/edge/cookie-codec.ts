/**
 * Cookie syntax, nothing about which cookies are ours (that is shared/edge/session-store.ts): parsing a `Cookie`
 * header and serialising one `Set-Cookie` value, with the `cookie` package.
 *
 * Names are written the way js-cookie (Amplify's CookieStorage) writes them, so usernames with `@`, `+` or other
 * characters round-trip. On the way in, only Amplify's token cookie names (`CognitoIdentityServiceProvider.…`) are
 * percent-decoded the way js-cookie reads them; every other name is kept exactly as sent, so
 * `%5F%5FHost-edgeauth-…` (which a sibling subdomain may set) is never read as our `__Host-edgeauth-…` cookie: the
 * `__Host-` prefix is enforced on the name as sent, byte for byte (issue 17).
 */
import { parseCookie, stringifySetCookie } from "cookie";
import type { SameSite } from "../config/types";
import { AMPLIFY_PREFIX } from "../viewer/cookie-names";

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

/** The name a cookie is read under: js-cookie's decoding for Amplify's names, every other name as sent. */
export function readName(name: string): string {
  if (!name.includes("%")) return name;
  let decoded: string;
  try {
    decoded = name.replace(/(%[\dA-F]{2})+/gi, decodeURIComponent);
  } catch {
    return name;
  }
  return decoded.startsWith(`${AMPLIFY_PREFIX}.`) ? decoded : name;
}

/** A Cookie header, parsed: the first value of each name, and the names that came more than once. */
export interface ParsedCookies {
  /** Name (as read, see `readName`) → value (decoded by the `cookie` package). The first of repeated names. */
  cookies: Map<string, string>;
  /** Names (as read) sent more than once: a host-only cookie and a planted parent-domain one, for example. */
  repeated: Set<string>;
}

/** Parses a Cookie header, keeping track of repeated names (the `cookie` package keeps only the first). */
export function parseCookieHeader(header: string): ParsedCookies {
  const cookies = new Map<string, string>();
  const repeated = new Set<string>();
  if (!header) return { cookies, repeated };
  let parsed: Record<string, string | undefined>;
  try {
    parsed = parseCookie(header);
  } catch {
    return { cookies, repeated };
  }
  for (const name in parsed) {
    const value = parsed[name];
    if (value === undefined) continue;
    const read = readName(name);
    if (!cookies.has(read)) cookies.set(read, value);
  }
  // Repeats, counted over the names as sent (split at ";", name before the first "="): the `cookie` package folds a
  // repeated name into one, and two names may read as one (an Amplify name sent encoded and not).
  const seen = new Set<string>();
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const read = readName(pair.slice(0, eq).trim());
    if (seen.has(read)) repeated.add(read);
    else seen.add(read);
  }
  return { cookies, repeated };
}

export interface CookieAttributes {
  /** Seconds; floored, never negative (0 deletes the cookie). */
  maxAge: number;
  httpOnly: boolean;
  sameSite: SameSite;
  /** Absent: a host-only cookie. */
  domain?: string;
}

/** One `Set-Cookie` value: always `Secure` and `Path=/`. */
export function serializeCookie(name: string, value: string, a: CookieAttributes): string {
  return stringifySetCookie({
    name: encodeCookieName(name),
    value,
    path: "/",
    secure: true,
    sameSite: a.sameSite.toLowerCase() as "lax" | "strict" | "none",
    httpOnly: a.httpOnly,
    maxAge: Math.max(0, Math.floor(a.maxAge)),
    ...(a.domain ? { domain: a.domain } : {}),
  });
}
