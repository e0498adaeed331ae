/**
 * Cookie syntax, nothing about which cookies are ours (that is shared/edge/session-store.ts): parsing a `Cookie`
 * header and serialising one `Set-Cookie` value, with the `cookie` package.
 *
 * Names are written the way js-cookie (Amplify's CookieStorage) writes them, so usernames with `@`, `+` or other
 * characters round-trip; on the way in, names are percent-decoded the way js-cookie reads them.
 */
import { parseCookie, stringifySetCookie } from "cookie";
import type { SameSite } from "../config/types";

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
