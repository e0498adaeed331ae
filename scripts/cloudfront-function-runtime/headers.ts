/**
 * The edge-function rules on headers that both sides of the emulator need: which headers CloudFront never exposes to
 * a function (nor lets it add), and which are read-only in viewer request events.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html
 */

/** "Not exposed to edge functions, and functions can't add them." (A trailing `*` marks a prefix.) */
export const DISALLOWED_HEADERS = [
  "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "trailer",
  "upgrade", "x-accel-buffering", "x-accel-charset", "x-accel-limit-rate", "x-accel-redirect", "x-amz-cf-*",
  "x-amzn-auth", "x-amzn-cf-billing", "x-amzn-cf-id", "x-amzn-cf-xff", "x-amzn-errortype", "x-amzn-fle-profile",
  "x-amzn-header-count", "x-amzn-header-order", "x-amzn-lambda-integration-tag", "x-amzn-requestid", "x-cache",
  "x-edge-*", "x-forwarded-proto", "x-real-ip",
];

/** "Read-only headers in viewer request events": a function can read them but can't add or edit them. */
export const READ_ONLY_REQUEST_HEADERS = ["content-length", "host", "transfer-encoding", "via"];

/** Whether a lower-case header name is one CloudFront keeps from functions. */
export const isDisallowedHeader = (name: string) =>
  DISALLOWED_HEADERS.some((d) => (d.endsWith("*") ? name.startsWith(d.slice(0, -1)) : name === d));
