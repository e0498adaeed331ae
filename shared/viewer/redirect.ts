/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * Where redirects may go. The site's public origin comes from the Host header (`https`, or `http` only when
 * `CloudFront-Forwarded-Proto: http` says so); return paths are same-origin paths only, whatever the state,
 * query or cookies say: no open redirects.
 */
import type { Paths } from "../config/types";
import type { PlainRequest } from "./request";
import { normalizePath } from "./path-match";

/** host[:port], IPv4/DNS names or a bracketed IPv6 literal; ASCII letters in either case (`i`, without `u`: no other letter folds to one). */
const HOST_RE = /^(?:[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?)*\.?|\[[\da-f:.]+\])(?::\d{1,5})?$/i;

/** The public origin of the site (`https://<host>`), or undefined when the Host header is missing or malformed. */
export function siteOrigin(req: Pick<PlainRequest, "header">): string | undefined {
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

/** Our own endpoints: each request to one spends something (a code exchange, a refresh grant, a new sign-in). */
export type OwnPaths = Pick<Paths, "callback" | "refresh" | "signIn" | "signOut">;

/**
 * True when a return path leads to one of our own endpoints, judged loosely on purpose (a false "yes" only sends the
 * browser to "/"): the path without its query, as sent and percent-decoded with dot segments resolved, in any
 * letter case, with or without trailing slashes. One cross-site link to `/refreshauth?return=/refreshauth?return=…`
 * would otherwise spend a refresh grant per level, and `/signin` would nest a code exchange per level (issue 17).
 */
export function isOwnEndpoint(returnPath: string, own: OwnPaths): boolean {
  const end = returnPath.search(/[?#]/);
  const path = end === -1 ? returnPath : returnPath.slice(0, end);
  const ours = [own.callback, own.refresh, own.signIn, own.signOut].map(comparable);
  const forms = [path, normalizePath(path)];
  return forms.some((f) => f !== undefined && ours.indexOf(comparable(f)) !== -1);
}

/** A path as endpoints are compared: lower case, without `;parameters` or trailing slashes. */
function comparable(path: string): string {
  return path.toLowerCase().replace(/;[^/]*$/, "").replace(/\/+$/, "") || "/";
}

/**
 * An untrusted path as a safe return path (encoded as above), or undefined when it would leave our origin, or
 * lead to one of our own endpoints (`own`).
 */
export function toReturnPath(p: string | undefined, own?: OwnPaths): string | undefined {
  if (p === undefined) return undefined;
  const encoded = encodeUnsafe(p);
  return isSafeReturnPath(encoded) && !(own !== undefined && isOwnEndpoint(encoded, own)) ? encoded : undefined;
}

/**
 * The path + query the viewer asked for, as a safe return path (the bare path, then "/", when too long; "/" for one
 * of our own endpoints).
 */
export function requestedPath(req: Pick<PlainRequest, "uri" | "querystring">, own: OwnPaths): string {
  return safeReturnPath(req.querystring ? `${req.uri}?${req.querystring}` : req.uri, own);
}

/**
 * A return path from an untrusted place (query parameter, even a signed cookie): kept when safe; the bare path
 * when only the query string makes it too long; else "/"; "/" too when it leads to one of our own endpoints (`own`:
 * every caller that redirects after sign-in or refresh passes them). The same answer whether check-auth works it
 * out from the request or sign-in / refresh-auth from the `?return=` the CloudFront Function hands them.
 */
export function safeReturnPath(p: string | undefined, own: OwnPaths): string {
  if (p === undefined) return "/";
  const whole = toReturnPath(p, own);
  if (whole !== undefined) return whole;
  const q = p.indexOf("?");
  const path = q === -1 ? undefined : toReturnPath(p.slice(0, q), own);
  return path !== undefined ? path : "/";
}
