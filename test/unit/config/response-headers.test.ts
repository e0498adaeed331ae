import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../../shared/config/resolve";
import { canonicalHeaderName, policyHeaders } from "../../../shared/config/response-headers";
import { DEFAULT_SECURITY_HEADERS } from "../../../shared/config/types";
import { cases } from "../../helpers/cases";

const BASE = { region: "eu-west-1", userPoolId: "eu-west-1_AbCdEf123", clientId: "abcdef1234567890", domain: "auth.example.com" } as const;

function config(headers: Record<string, string>) {
  const r = policyHeaders(headers);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.field}: ${p.why}`).join("; "));
  return r.config;
}

describe("policyHeaders", () => {
  it("maps the default headers to security headers: ours win, except the origin's own CSP", () => {
    expect(config(DEFAULT_SECURITY_HEADERS)).toEqual({
      SecurityHeadersConfig: {
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: false, Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: "DENY", Override: true },
        ContentSecurityPolicy: { ContentSecurityPolicy: "frame-ancestors 'none'", Override: false },
        ReferrerPolicy: { ReferrerPolicy: "strict-origin-when-cross-origin", Override: true },
      },
    });
  });

  it.each([
    ["strict-transport-security", "max-age=300", { StrictTransportSecurity: { AccessControlMaxAgeSec: 300, IncludeSubdomains: false, Preload: false, Override: true } }],
    ["strict-transport-security", 'Preload; MAX-AGE="31536000"; includeSubDomains', { StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Preload: true, Override: true } }],
    ["x-content-type-options", "NoSniff", { ContentTypeOptions: { Override: true } }],
    ["x-frame-options", "sameorigin", { FrameOptions: { FrameOption: "SAMEORIGIN", Override: true } }],
    ["referrer-policy", "No-Referrer", { ReferrerPolicy: { ReferrerPolicy: "no-referrer", Override: true } }],
    ["content-security-policy", "default-src 'self'", { ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'", Override: false } }],
    ["x-xss-protection", "0", { XSSProtection: { Protection: false, Override: true } }],
    ["x-xss-protection", "1; mode=block", { XSSProtection: { Protection: true, ModeBlock: true, Override: true } }],
    ["x-xss-protection", "1; report=https://example.com/r", { XSSProtection: { Protection: true, ReportUri: "https://example.com/r", Override: true } }],
  ])("%s: %s", (name, value, security) => {
    expect(config({ [name]: value })).toEqual({ SecurityHeadersConfig: security });
  });

  it("sends any other header as a custom header that wins over the origin's", () => {
    expect(config({ "permissions-policy": "camera=()", "cross-origin-opener-policy": "same-origin" })).toEqual({
      CustomHeadersConfig: {
        Items: [
          { Header: "Permissions-Policy", Value: "camera=()", Override: true },
          { Header: "Cross-Origin-Opener-Policy", Value: "same-origin", Override: true },
        ],
      },
    });
  });

  it("is empty when every header was turned off", () => {
    expect(config({})).toEqual({});
  });

  it.each([
    ["strict-transport-security", "includeSubDomains"],
    ["strict-transport-security", "max-age=soon"],
    ["strict-transport-security", "max-age=1; max-age=2"],
    ["strict-transport-security", "max-age=1; report-uri=x"],
    ["x-content-type-options", "sniff"],
    ["x-frame-options", "ALLOW-FROM https://example.com"],
    ["referrer-policy", "no-referrer, strict-origin-when-cross-origin"],
    ["x-xss-protection", "1; mode=block; report=https://example.com/r"],
    ["x-xss-protection", "0; mode=block"],
    ["x-xss-protection", "yes"],
  ])("refuses %s: %s, naming the field", (name, value) => {
    const r = policyHeaders({ ...DEFAULT_SECURITY_HEADERS, [name]: value });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => p.field)).toEqual([`headers.${name}`]);
  });

  cases("canonicalHeaderName(%s) = %s", canonicalHeaderName, [
    ["x-frame-options", "X-Frame-Options"],
    ["content-security-policy", "Content-Security-Policy"],
    ["x-auth-USER", "X-Auth-User"],
  ]);
});

describe("resolveConfig: headers a response headers policy cannot send", () => {
  const raw = { ...BASE, headers: { "X-Frame-Options": "ALLOW-FROM https://example.com" } };

  it("are refused with hotPath cloudfront-function, naming the field", () => {
    const r = resolveConfig({ ...raw, hotPath: "cloudfront-function" });
    expect(r.ok ? [] : r.errors).toEqual([expect.stringMatching(/^headers\.x-frame-options: must be "DENY" or "SAMEORIGIN"/)]);
  });

  it("are accepted with hotPath lambda-edge (http-headers sends any value)", () => {
    expect(resolveConfig(raw).ok).toBe(true);
  });
});
