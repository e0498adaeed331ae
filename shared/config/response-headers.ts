/**
 * The resolved security `headers` as a CloudFront response headers policy (the cloudfront-function hot path,
 * where no Lambda runs on an origin response to add them). Build-time only: the config pipeline uses it to refuse
 * a value the policy cannot express (naming the field), and both deploy paths build the policy from it: the
 * Serverless edge stack (scripts/sls-hot-path.ts) and the CDK construct (cdk/response-headers.ts spells it in the
 * CDK's words; test/integration/cdk-construct.test.ts compares the two).
 *
 * The well-known security headers go into `SecurityHeadersConfig` (CloudFront checks their values itself, so a
 * value it would refuse fails here first); every other header is a custom header.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
 *
 * Which value wins over the origin's (`Override`), as http-headers does it:
 * - every header: ours (`Override: true`), so a misconfigured object cannot weaken them;
 * - Content-Security-Policy: the origin's (`Override: false`). A policy can only keep the origin's CSP or replace
 *   it, not merge the two as http-headers does, and replacing it would drop a site's own protections (script-src,
 *   ...). Ours is sent when the origin sends none. Framing stays refused either way: X-Frame-Options is ours, and a
 *   browser ignores it only where the site's own CSP says `frame-ancestors`. With `mergeOriginCsp: true`,
 *   http-headers merges ours into the origin's on the origin response, and the policy then keeps that merged one.
 */

/** `SecurityHeadersConfig` of AWS::CloudFront::ResponseHeadersPolicy (only the parts set). */
export interface SecurityHeadersConfig {
  StrictTransportSecurity?: { AccessControlMaxAgeSec: number; IncludeSubdomains: boolean; Preload: boolean; Override: boolean };
  ContentTypeOptions?: { Override: boolean };
  FrameOptions?: { FrameOption: "DENY" | "SAMEORIGIN"; Override: boolean };
  ReferrerPolicy?: { ReferrerPolicy: string; Override: boolean };
  ContentSecurityPolicy?: { ContentSecurityPolicy: string; Override: boolean };
  XSSProtection?: { Protection: boolean; ModeBlock?: boolean; ReportUri?: string; Override: boolean };
}

/** The headers part of a `ResponseHeadersPolicyConfig`. */
export interface PolicyHeaders {
  SecurityHeadersConfig?: SecurityHeadersConfig;
  CustomHeadersConfig?: { Items: { Header: string; Value: string; Override: boolean }[] };
}

/** A value a policy cannot express: the field (`headers.<name>`) and why. */
export interface PolicyHeadersProblem {
  field: string;
  why: string;
}

export type PolicyHeadersResult = { ok: true; config: PolicyHeaders } | { ok: false; problems: PolicyHeadersProblem[] };

/** Referrer-Policy values CloudFront accepts (one token; a comma-separated fallback list is not one of them). */
/** The header each part of `SecurityHeadersConfig` sends (`policyHeaders` puts each header into its part). */
export const SECURITY_HEADER_NAMES: Readonly<Record<keyof SecurityHeadersConfig, string>> = {
  StrictTransportSecurity: "strict-transport-security",
  ContentTypeOptions: "x-content-type-options",
  FrameOptions: "x-frame-options",
  ReferrerPolicy: "referrer-policy",
  ContentSecurityPolicy: "content-security-policy",
  XSSProtection: "x-xss-protection",
};

const REFERRER_POLICIES = new Set([
  "no-referrer",
  "no-referrer-when-downgrade",
  "origin",
  "origin-when-cross-origin",
  "same-origin",
  "strict-origin",
  "strict-origin-when-cross-origin",
  "unsafe-url",
]);

type Parsed<T> = T | string;

/** `max-age=<seconds>; includeSubDomains; preload` (RFC 6797 §6.1), directives in any case and order. */
function hsts(value: string): Parsed<NonNullable<SecurityHeadersConfig["StrictTransportSecurity"]>> {
  let maxAge: number | undefined;
  const flags = new Set<string>();
  for (const part of value.split(";").map((p) => p.trim()).filter(Boolean)) {
    const [rawName, ...rest] = part.split("=");
    const name = rawName!.trim().toLowerCase();
    if (name === "max-age" && maxAge === undefined) {
      const m = /^"?(\d{1,10})"?$/.exec(rest.join("=").trim());
      if (!m) return "max-age must be a whole number of seconds";
      maxAge = Number(m[1]);
    } else if ((name === "includesubdomains" || name === "preload") && rest.length === 0 && !flags.has(name)) {
      flags.add(name);
    } else {
      return `a response headers policy cannot send the directive "${part}" (it takes max-age, includeSubDomains and preload, each once)`;
    }
  }
  if (maxAge === undefined) return "must have max-age=<seconds>";
  return { AccessControlMaxAgeSec: maxAge, IncludeSubdomains: flags.has("includesubdomains"), Preload: flags.has("preload"), Override: true };
}

/** `0`, `1`, `1; mode=block` or `1; report=<uri>`. */
function xssProtection(value: string): Parsed<NonNullable<SecurityHeadersConfig["XSSProtection"]>> {
  const [first, ...rest] = value.split(";").map((p) => p.trim());
  if (first !== "0" && first !== "1") return 'must be "0", "1", "1; mode=block" or "1; report=<uri>"';
  const out: NonNullable<SecurityHeadersConfig["XSSProtection"]> = { Protection: first === "1", Override: true };
  for (const part of rest) {
    const m = /^(mode|report)=(.+)$/i.exec(part);
    if (!m || first === "0") return 'must be "0", "1", "1; mode=block" or "1; report=<uri>"';
    if (m[1]!.toLowerCase() === "mode" && m[2]!.toLowerCase() === "block" && out.ModeBlock === undefined) out.ModeBlock = true;
    else if (m[1]!.toLowerCase() === "report" && out.ReportUri === undefined) out.ReportUri = m[2]!;
    else return 'must be "0", "1", "1; mode=block" or "1; report=<uri>"';
  }
  if (out.ModeBlock && out.ReportUri) return "a response headers policy cannot send both mode=block and report=";
  return out;
}

/** `x-frame-options` → `X-Frame-Options`: how the name is sent (HTTP/1.1 viewers see it as written). */
export function canonicalHeaderName(name: string): string {
  return name
    .split("-")
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1).toLowerCase() : w))
    .join("-");
}

/**
 * The policy's headers for the resolved `headers` (lower-case names, as resolve.ts produces them), or every value
 * a policy cannot express, each naming its field (`headers.<name>`).
 */
export function policyHeaders(headers: Readonly<Record<string, string>>): PolicyHeadersResult {
  const problems: PolicyHeadersProblem[] = [];
  const refuse = (name: string, why: string) => problems.push({ field: `headers.${name}`, why });
  const security: SecurityHeadersConfig = {};
  const custom: { Header: string; Value: string; Override: boolean }[] = [];
  const check = <T>(name: string, r: Parsed<T>, set: (v: T) => void) => (typeof r === "string" ? refuse(name, r) : set(r));

  for (const [name, value] of Object.entries(headers)) {
    const v = value.trim();
    switch (name) {
      case SECURITY_HEADER_NAMES.StrictTransportSecurity:
        check(name, hsts(v), (x) => (security.StrictTransportSecurity = x));
        break;
      case SECURITY_HEADER_NAMES.ContentTypeOptions:
        if (v.toLowerCase() === "nosniff") security.ContentTypeOptions = { Override: true };
        else refuse(name, `must be "nosniff" (the only value a response headers policy sends)`);
        break;
      case SECURITY_HEADER_NAMES.FrameOptions: {
        const option = v.toUpperCase();
        if (option === "DENY" || option === "SAMEORIGIN") security.FrameOptions = { FrameOption: option, Override: true };
        else refuse(name, `must be "DENY" or "SAMEORIGIN" (use CSP frame-ancestors for anything else)`);
        break;
      }
      case SECURITY_HEADER_NAMES.ReferrerPolicy:
        if (REFERRER_POLICIES.has(v.toLowerCase())) security.ReferrerPolicy = { ReferrerPolicy: v.toLowerCase(), Override: true };
        else refuse(name, `must be one of ${[...REFERRER_POLICIES].join(", ")} (one value, no fallback list)`);
        break;
      case SECURITY_HEADER_NAMES.ContentSecurityPolicy:
        // Override false: see the module comment (the origin's own policy is kept, not replaced).
        security.ContentSecurityPolicy = { ContentSecurityPolicy: v, Override: false };
        break;
      case SECURITY_HEADER_NAMES.XSSProtection:
        check(name, xssProtection(v), (x) => (security.XSSProtection = x));
        break;
      default:
        custom.push({ Header: canonicalHeaderName(name), Value: value, Override: true });
    }
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    config: {
      ...(Object.keys(security).length ? { SecurityHeadersConfig: security } : {}),
      ...(custom.length ? { CustomHeadersConfig: { Items: custom } } : {}),
    },
  };
}
