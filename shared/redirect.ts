/**
 * Where redirects may go. The site's public origin comes from the Host header (`https`, or `http` only when
 * `CloudFront-Forwarded-Proto: http` says so); return paths are same-origin paths only, whatever the state,
 * query or cookies say: no open redirects.
 */
import type { EdgeRequest } from "./edge";

/** host[:port], IPv4/DNS names or a bracketed IPv6 literal. */
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The public origin of the site (`https://<host>`), or undefined when the Host header is missing or malformed. */
export function siteOrigin(req: EdgeRequest): string | undefined {
  const host = req.header("host");
  if (!host || host.length > 255 || !HOST_RE.test(host)) return undefined;
  const proto = req.header("cloudfront-forwarded-proto") === "http" ? "http" : "https";
  return `${proto}://${host.toLowerCase()}`;
}

/** Longest return path we keep (path + query). Longer ones are cut back to the path, then to "/". */
export const MAX_RETURN_PATH = 2048;

/**
 * A path that, appended to our own origin, stays on it: starts with one "/", no "//" or "/\" at the start,
 * no control characters, spaces or backslashes anywhere (browsers treat "\" as "/").
 */
export function isSafeReturnPath(p: string): boolean {
  return (
    p.length > 0 &&
    p.length <= MAX_RETURN_PATH &&
    p.charCodeAt(0) === 47 /* / */ &&
    !/^\/[/\\]/.test(p) &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u0020\u007f\\]/.test(p) &&
    !/^\/%(2f|5c)/i.test(p)
  );
}

/** The path + query the viewer asked for, as a safe return path ("/" when it is not one). */
export function requestedPath(req: Pick<EdgeRequest, "uri" | "querystring">): string {
  const full = req.querystring ? `${req.uri}?${req.querystring}` : req.uri;
  if (isSafeReturnPath(full)) return full;
  return isSafeReturnPath(req.uri) ? req.uri : "/";
}

/** A return path from an untrusted place (query parameter, even a signed cookie): kept when safe, else "/". */
export function safeReturnPath(p: string | undefined): string {
  return p !== undefined && isSafeReturnPath(p) ? p : "/";
}
