/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * Where redirects may go. The site's public origin comes from the Host header (`https`, or `http` only when
 * `CloudFront-Forwarded-Proto: http` says so); return paths are same-origin paths only, whatever the state,
 * query or cookies say: no open redirects.
 */
import type { EdgeRequest } from "../edge/request";

/** host[:port], IPv4/DNS names or a bracketed IPv6 literal. */
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The public origin of the site (`https://<host>`), or undefined when the Host header is missing or malformed. */
export function siteOrigin(req: Pick<EdgeRequest, "header">): string | undefined {
  const host = req.header("host");
  if (!host || host.length > 255 || !HOST_RE.test(host)) return undefined;
  const proto = req.header("cloudfront-forwarded-proto") === "http" ? "http" : "https";
  return `${proto}://${host.toLowerCase()}`;
}

/** Longest return path we keep (path + query). Longer ones are cut back to the path, then to "/". */
export const MAX_RETURN_PATH = 2048;

/**
 * A path that, appended to our own origin, stays on it and may stand in a Location header as it is: starts with
 * one "/", no "//" or "/\" (or their encodings) at the start, only printable ASCII, no backslash anywhere
 * (browsers treat "\" as "/").
 */
export function isSafeReturnPath(p: string): boolean {
  return (
    p.length > 0 &&
    p.length <= MAX_RETURN_PATH &&
    p.charCodeAt(0) === 47 /* / */ &&
    !/^\/[/\\]/.test(p) &&
    !/[^\x21-\x7e]|\\/.test(p) &&
    !/^\/%(2f|5c)/i.test(p)
  );
}

/**
 * Percent-encodes what may not stand raw in a Location header or an href: control characters, spaces, `"`,
 * `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}` and every non-ASCII character (as UTF-8; a lone surrogate becomes
 * U+FFFD). Already-encoded sequences are left as they are, so a browser-encoded URL comes back byte for byte.
 */
export function encodeUnsafe(p: string): string {
  // A surrogate pair is one character (encoded as its 4 UTF-8 bytes); a lone surrogate has no encoding.
  // eslint-disable-next-line no-control-regex
  return p.replace(/[\ud800-\udbff][\udc00-\udfff]|[\u0000-\u0020"<>\\^`{|}\u007f-\uffff]/g, (c) => {
    try {
      return encodeURIComponent(c);
    } catch (e) {
      return "%EF%BF%BD";
    }
  });
}

/** An untrusted path as a safe return path (encoded as above), or undefined when it would leave our origin. */
export function toReturnPath(p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  const encoded = encodeUnsafe(p);
  return isSafeReturnPath(encoded) ? encoded : undefined;
}

/** The path + query the viewer asked for, as a safe return path (the bare path, then "/", when too long). */
export function requestedPath(req: Pick<EdgeRequest, "uri" | "querystring">): string {
  return safeReturnPath(req.querystring ? `${req.uri}?${req.querystring}` : req.uri);
}

/**
 * A return path from an untrusted place (query parameter, even a signed cookie): kept when safe; the bare path
 * when only the query string makes it too long; else "/". The same answer whether check-auth works it out from
 * the request or sign-in / refresh-auth from the `?return=` the CloudFront Function hands them.
 */
export function safeReturnPath(p: string | undefined): string {
  if (p === undefined) return "/";
  const whole = toReturnPath(p);
  if (whole !== undefined) return whole;
  const q = p.indexOf("?");
  const path = q === -1 ? undefined : toReturnPath(p.slice(0, q));
  return path !== undefined ? path : "/";
}
