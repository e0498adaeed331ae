/**
 * The response headers policy of the local distribution. With the cloudfront-function hot path the security headers
 * come from a CloudFront response headers policy on the cache behaviours (the config's resolved `headers`), not from
 * the origin-response http-headers Lambda, which runs only when `mergeOriginCsp` asks for it
 * (`deployedEdgeFunctions`). The policy's headers are set with "Origin override" on: they replace a header of the
 * same name in any response of the behaviour — the origin's and the ones functions generate — so a
 * misconfigured object cannot weaken them. Unlike http-headers it never merges an origin's
 * Content-Security-Policy: a policy can only keep or replace a header.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/adding-response-headers.html
 */
import type { ResolvedConfig } from "../shared/config/types";
import { deployedEdgeFunctions } from "../shared/catalogue";

/** The headers a response headers policy sets: lower-case name → value. */
export type ResponseHeadersPolicy = Readonly<Record<string, string>>;

/** Response headers as the local CloudFront writes them: lower-case name → every value (one per line). */
export type ResponseHeaders = Record<string, string[]>;

/**
 * The policy the distribution has for a config: the resolved `headers` with the cloudfront-function hot path when
 * http-headers is not deployed; undefined otherwise (the lambda-edge hot path, or `mergeOriginCsp: true`, where
 * http-headers adds them to origin responses and generated responses carry them already).
 */
export function responseHeadersPolicyFor(config: Pick<ResolvedConfig, "hotPath" | "mergeOriginCsp" | "headers">): ResponseHeadersPolicy | undefined {
  if (config.hotPath !== "cloudfront-function") return undefined;
  if (deployedEdgeFunctions(config).some((f) => f.name === "http-headers")) return undefined;
  return { ...config.headers };
}

/** `headers` with the policy applied: each of its headers set to the policy's one value, whatever was there. */
export function applyResponseHeadersPolicy(headers: ResponseHeaders, policy: ResponseHeadersPolicy | undefined): ResponseHeaders {
  if (!policy) return headers;
  const out: ResponseHeaders = { ...headers };
  for (const [name, value] of Object.entries(policy)) out[name.toLowerCase()] = [value];
  return out;
}
