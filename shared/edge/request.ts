/**
 * The plain shapes that handlers translate CloudFront events into and out of. Decisions in shared/edge work on
 * these, never on raw events.
 */
import type { Reason } from "./errors";

/** A viewer request, reduced to what the decisions need. */
export interface EdgeRequest {
  method: string;
  /** Path as CloudFront gives it (percent-encoded as the viewer sent it). */
  uri: string;
  /** Raw query string without `?`. */
  querystring: string;
  /** Looks up a request header by lower-case name; several values are joined with `, ` (cookies with `; `). */
  header(name: string): string | undefined;
  /** All `Cookie` header values joined with `; `. */
  cookieHeader: string;
  /** The viewer's IP address as CloudFront saw it (`clientIp`), for `ipRanges` selectors. */
  clientIp?: string;
}

/** Pass the request on to the origin, possibly changed. */
export interface Forward {
  kind: "forward";
  /** New URI (index document or SPA fallback rewrite). */
  uri?: string;
  /** Headers to set on the request to the origin (identity headers). */
  setHeaders?: Record<string, string>;
}

/** Answer the viewer directly. */
export interface Respond {
  kind: "respond";
  status: number;
  /** Single-valued headers, lower-case names. */
  headers: Record<string, string>;
  /** Full `Set-Cookie` values, one per cookie. */
  cookies: string[];
  body?: string;
}

export type Outcome = (Forward | Respond) & {
  /** Reason code for the decision log line (`signed-in`, `no-session`, `expired`, `rejected:<why>`, ...). */
  reason: Reason;
};
