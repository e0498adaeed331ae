/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * Is this a page navigation, or an API / background request? A `fetch` cannot follow a redirect to the Hosted
 * UI, so such requests get 401 instead of a 302 to sign-in.
 */
import type { PlainRequest } from "./request";

/** What these questions read of a request (the CloudFront Function builds just this much). */
export type ViewerRequest = Pick<PlainRequest, "method" | "header">;

export function isApiRequest(req: ViewerRequest, matchesApiPath: boolean): boolean {
  const mode = req.header("sec-fetch-mode");
  const accept = req.header("accept");
  return matchesApiPath || (mode !== undefined && mode !== "navigate") || (!!accept && !/text\/html|\*\/\*/i.test(accept));
}

/** A CORS preflight: never redirected, it carries no credentials. */
export function isPreflight(req: ViewerRequest): boolean {
  return req.method === "OPTIONS" && req.header("access-control-request-method") !== undefined;
}
