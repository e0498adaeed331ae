/**
 * The response headers policy of the local distribution, as both deploy paths attach it: with the
 * cloudfront-function hot path, every cache behaviour carries the policy that shared/config/response-headers.ts
 * `policyHeaders` builds from the config's resolved `headers` (with `mergeOriginCsp` too: the origin-response
 * http-headers Lambda then merges our CSP into the origin's, and the policy keeps that merged one). Each header
 * follows the policy's own "Origin override" flag: ours replaces the response's (every header but one, so a
 * misconfigured object cannot weaken them), and Content-Security-Policy (`Override: false`) is sent only when the
 * response has none, so a site's own CSP is kept, as on CloudFront.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/adding-response-headers.html
 */
import type { ResolvedConfig } from "../shared/config/types";
import { SECURITY_HEADER_NAMES, policyHeaders } from "../shared/config/response-headers";
import type { SecurityHeadersConfig } from "../shared/config/response-headers";

/** A header the policy sends: its value, and whether it replaces the response's own (`Override`). */
export interface PolicyHeader {
  value: string;
  override: boolean;
}

/** The headers a response headers policy sets: lower-case name → value and override flag. */
export type ResponseHeadersPolicy = Readonly<Record<string, PolicyHeader>>;

/** Response headers as the local CloudFront writes them: lower-case name → every value (one per line). */
export type ResponseHeaders = Record<string, string[]>;

/**
 * The policy the distribution has for a config: the resolved `headers` with the policy's override flags, with the
 * cloudfront-function hot path; undefined with lambda-edge (http-headers adds them to origin responses, and
 * generated responses carry them already) or when no header is configured.
 */
export function responseHeadersPolicyFor(config: Pick<ResolvedConfig, "hotPath" | "headers">): ResponseHeadersPolicy | undefined {
  if (config.hotPath !== "cloudfront-function") return undefined;
  const built = policyHeaders(config.headers);
  // The build refuses a config whose headers a policy cannot express; nothing to emulate then.
  if (!built.ok || Object.keys(built.config).length === 0) return undefined;
  const override = new Map<string, boolean>();
  const security = built.config.SecurityHeadersConfig ?? {};
  for (const [part, name] of Object.entries(SECURITY_HEADER_NAMES)) {
    const entry = security[part as keyof SecurityHeadersConfig];
    if (entry) override.set(name, entry.Override);
  }
  for (const item of built.config.CustomHeadersConfig?.Items ?? []) override.set(item.Header.toLowerCase(), item.Override);
  const out: Record<string, PolicyHeader> = {};
  for (const [name, value] of Object.entries(config.headers)) out[name.toLowerCase()] = { value, override: override.get(name.toLowerCase()) ?? true };
  return out;
}

/** `headers` with the policy applied: a header it overrides set to its one value; one it does not, only when absent. */
export function applyResponseHeadersPolicy(headers: ResponseHeaders, policy: ResponseHeadersPolicy | undefined): ResponseHeaders {
  if (!policy) return headers;
  const out: ResponseHeaders = { ...headers };
  for (const [name, h] of Object.entries(policy)) if (h.override || !out[name]?.length) out[name] = [h.value];
  return out;
}
