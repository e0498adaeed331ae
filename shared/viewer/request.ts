/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * The plain request the viewer decisions read. Both runtimes' adapters build it (or the part of it a decision
 * reads); `shared/edge/request.ts` names it `EdgeRequest`.
 */

/** A viewer request, reduced to what the decisions need. */
export interface PlainRequest {
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
