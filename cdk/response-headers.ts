/**
 * The security headers of the config (`headers`, resolved) as the props of a CloudFront response headers policy, for
 * the CloudFront Function hot path, where no origin-response function adds them. The policy itself is
 * shared/config/response-headers.ts `policyHeaders`, the one the Serverless stack puts into its template
 * (scripts/sls-hot-path.ts): which header goes where, its values, and which value wins over the origin's (`Override`;
 * the site's own Content-Security-Policy is kept). This file only spells it in the CDK's words.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
 */
import { Duration } from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { ConfigError } from "../shared/config/load";
import { policyHeaders } from "../shared/config/response-headers";

type Behaviour = Pick<cloudfront.ResponseHeadersPolicyProps, "securityHeadersBehavior" | "customHeadersBehavior">;

/** The policy's header settings for `headers` (lower-case name → value); throws naming `headers.<name>`. */
export function responseHeadersBehaviour(headers: Record<string, string>): Behaviour {
  const r = policyHeaders(headers);
  if (!r.ok)
    throw new ConfigError(r.problems.map((p) => `${p.field}: ${p.why} (a CloudFront response headers policy sets it with the cloudfront-function hot path)`).join("\n  "));
  const s = r.config.SecurityHeadersConfig;
  const security: cloudfront.ResponseSecurityHeadersBehavior = {
    ...(s?.StrictTransportSecurity
      ? {
          strictTransportSecurity: {
            accessControlMaxAge: Duration.seconds(s.StrictTransportSecurity.AccessControlMaxAgeSec),
            includeSubdomains: s.StrictTransportSecurity.IncludeSubdomains,
            preload: s.StrictTransportSecurity.Preload,
            override: s.StrictTransportSecurity.Override,
          },
        }
      : {}),
    ...(s?.ContentTypeOptions ? { contentTypeOptions: { override: s.ContentTypeOptions.Override } } : {}),
    ...(s?.FrameOptions ? { frameOptions: { frameOption: s.FrameOptions.FrameOption as cloudfront.HeadersFrameOption, override: s.FrameOptions.Override } } : {}),
    ...(s?.ReferrerPolicy ? { referrerPolicy: { referrerPolicy: s.ReferrerPolicy.ReferrerPolicy as cloudfront.HeadersReferrerPolicy, override: s.ReferrerPolicy.Override } } : {}),
    ...(s?.ContentSecurityPolicy
      ? { contentSecurityPolicy: { contentSecurityPolicy: s.ContentSecurityPolicy.ContentSecurityPolicy, override: s.ContentSecurityPolicy.Override } }
      : {}),
    ...(s?.XSSProtection
      ? {
          xssProtection: {
            protection: s.XSSProtection.Protection,
            ...(s.XSSProtection.ModeBlock !== undefined ? { modeBlock: s.XSSProtection.ModeBlock } : {}),
            ...(s.XSSProtection.ReportUri !== undefined ? { reportUri: s.XSSProtection.ReportUri } : {}),
            override: s.XSSProtection.Override,
          },
        }
      : {}),
  };
  const custom = r.config.CustomHeadersConfig?.Items ?? [];
  return {
    ...(Object.keys(security).length ? { securityHeadersBehavior: security } : {}),
    ...(custom.length ? { customHeadersBehavior: { customHeaders: custom.map((h) => ({ header: h.Header, value: h.Value, override: h.Override })) } } : {}),
  };
}
