/**
 * http-headers (origin response): the configured security headers on every response from the origin. Ours
 * win over the origin's, so a misconfigured bucket object cannot weaken them.
 */
import type { ResolvedConfig } from "./config";

/** Headers to set on an origin response (lower-case names). */
export function securityHeaders(config: Pick<ResolvedConfig, "headers">): Record<string, string> {
  return config.headers;
}
