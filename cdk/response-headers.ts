/**
 * The security headers of the config (`headers`, resolved: defaults, overrides, `false` drops) as a CloudFront
 * response headers policy, for the CloudFront Function hot path, where no origin-response function adds them.
 * CloudFront takes five of them only in their structured form (SecurityHeadersConfig); the rest are custom headers.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
 */
import { Duration } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { ConfigError } from "../shared/config/load";

const REFERRER_POLICIES = new Set<string>(Object.values(cloudfront.HeadersReferrerPolicy));
const FRAME_OPTIONS = new Set<string>(Object.values(cloudfront.HeadersFrameOption));

/** The policy's header settings for `headers` (lower-case name → value); throws naming `headers.<name>`. */
export function responseHeadersBehaviour(headers: Record<string, string>): Pick<cloudfront.ResponseHeadersPolicyProps, "securityHeadersBehavior" | "customHeadersBehavior"> {
  const security: { -readonly [K in keyof cloudfront.ResponseSecurityHeadersBehavior]: cloudfront.ResponseSecurityHeadersBehavior[K] } = {};
  const custom: cloudfront.ResponseCustomHeader[] = [];
  const fail = (name: string, why: string): never => {
    throw new ConfigError(`headers.${name}: ${why} (a CloudFront response headers policy sets it with the cloudfront-function hot path)`);
  };
  for (const [name, value] of Object.entries(headers)) {
    switch (name) {
      case "strict-transport-security": {
        const parts = value.split(";").map((p) => p.trim().toLowerCase()).filter(Boolean);
        const maxAge = /^max-age=(\d+)$/.exec(parts.find((p) => p.startsWith("max-age=")) ?? "");
        const unknown = parts.filter((p) => !p.startsWith("max-age=") && p !== "includesubdomains" && p !== "preload");
        if (!maxAge || unknown.length) fail(name, 'must be "max-age=<seconds>" with optional "includeSubDomains" and "preload"');
        security.strictTransportSecurity = {
          accessControlMaxAge: Duration.seconds(Number(maxAge![1])),
          includeSubdomains: parts.includes("includesubdomains"),
          preload: parts.includes("preload"),
          override: true,
        };
        break;
      }
      case "x-content-type-options":
        if (value.toLowerCase() !== "nosniff") fail(name, 'can only be "nosniff"');
        security.contentTypeOptions = { override: true };
        break;
      case "x-frame-options":
        if (!FRAME_OPTIONS.has(value.toUpperCase())) fail(name, 'must be "DENY" or "SAMEORIGIN"');
        security.frameOptions = { frameOption: value.toUpperCase() as cloudfront.HeadersFrameOption, override: true };
        break;
      case "referrer-policy":
        if (!REFERRER_POLICIES.has(value.toLowerCase())) fail(name, `must be one of ${[...REFERRER_POLICIES].join(", ")}`);
        security.referrerPolicy = { referrerPolicy: value.toLowerCase() as cloudfront.HeadersReferrerPolicy, override: true };
        break;
      case "content-security-policy":
        // A policy can keep the origin's CSP or replace it, not merge (the mergeOriginCsp switch runs http-headers for that).
        security.contentSecurityPolicy = { contentSecurityPolicy: value, override: true };
        break;
      case "x-xss-protection":
        fail(name, "is not supported here; drop it (set it to false): browsers no longer use it");
        break;
      default:
        custom.push({ header: name, value, override: true });
    }
  }
  return {
    ...(Object.keys(security).length ? { securityHeadersBehavior: security } : {}),
    ...(custom.length ? { customHeadersBehavior: { customHeaders: custom } } : {}),
  };
}
