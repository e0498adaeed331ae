/**
 * Cookies with the site's attributes, and values too big for one cookie: written as chunks `<name>.0`, `<name>.1`,
 * ... within the browser's limit, and joined back when read. Knows nothing of which cookies are ours (that is the
 * session store's, shared/edge/session-store.ts).
 */
import type { CookieSettings } from "../config/types";
import { encodeCookieName, serializeCookie } from "./cookie-codec";

/**
 * Browsers keep a cookie only while name + value stay within 4096 bytes; tokens bigger than this are split into
 * chunks `<name>.0`, `<name>.1`, ... (issue: big tokens with many groups).
 */
export const CHUNK_SIZE = 3800;
/** Reads a possibly chunked cookie value: `<name>` itself, or `<name>.0`, `<name>.1`, ... joined. */
export function readChunked(cookies: ReadonlyMap<string, string>, name: string): string | undefined {
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
  set(name: string, value: string, opts: { maxAge: number; httpOnly: boolean; existing?: ReadonlyMap<string, string> }): string[];
  /** `Set-Cookie` value that deletes the cookie. */
  expire(name: string): string;
  /** Our own short-lived cookies (sign-in state, markers): always HttpOnly and `Lax`, since they must come back
   *  with the redirect from the Hosted UI even when the token cookies are `Strict`. */
  own(name: string, value: string, maxAge: number): string;
}

/** Bytes of a cookie value as the codec sends it (percent-encoded UTF-8; a lone surrogate as its 9-byte U+FFFD). */
function encodedValueLength(value: string): number {
  let n = 0;
  for (const c of value) n += encodedCharLength(c);
  return n;
}
function encodedCharLength(c: string): number {
  try {
    return encodeURIComponent(c).length;
  } catch {
    return 9;
  }
}

/**
 * A value cut into pieces whose encoded form is at most `size` bytes each, between characters (never inside a
 * character's UTF-8 bytes or a surrogate pair), so every chunk is whole text and within the browser's limit.
 */
export function splitEncoded(value: string, size: number): string[] {
  const out: string[] = [];
  let piece = "";
  let bytes = 0;
  for (const c of value) {
    const n = encodedCharLength(c);
    if (bytes + n > size && piece) {
      out.push(piece);
      piece = "";
      bytes = 0;
    }
    piece += c;
    bytes += n;
  }
  if (piece) out.push(piece);
  return out;
}

/** Writes cookies with the site's attributes: `Secure; Path=/; SameSite=<setting>`, optional `Domain`. */
export function cookieWriter(settings: CookieSettings): CookieWriter {
  const domain = settings.domain ? { domain: settings.domain } : {};
  const write = (name: string, value: string, maxAge: number, httpOnly: boolean) =>
    serializeCookie(name, value, { maxAge, httpOnly, sameSite: settings.sameSite, ...domain });
  const expire = (name: string) => write(name, "", 0, true);
  return {
    expire,
    own: (name, value, maxAge) => serializeCookie(name, value, { maxAge, httpOnly: true, sameSite: "Lax", ...domain }),
    set(name, value, { maxAge, httpOnly, existing }) {
      const encodedLength = encodeCookieName(name).length + encodedValueLength(value);
      if (encodedLength <= CHUNK_SIZE) {
        const out = [write(name, value, maxAge, httpOnly)];
        for (let i = 0; existing?.has(`${name}.${i}`); i++) out.push(expire(`${name}.${i}`));
        return out;
      }
      const out: string[] = [];
      let i = 0;
      for (const part of splitEncoded(value, CHUNK_SIZE - encodeCookieName(name).length - 8)) out.push(write(`${name}.${i++}`, part, maxAge, httpOnly));
      if (existing?.has(name)) out.push(expire(name));
      for (; existing?.has(`${name}.${i}`); i++) out.push(expire(`${name}.${i}`));
      return out;
    },
  };
}
