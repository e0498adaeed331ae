import { describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_HEADERS } from "../../../shared/config/types";
import { mergeCsp, securityHeaders } from "../../../shared/edge/security-headers";
import { cases } from "../../helpers/cases";

describe("mergeCsp", () => {
  cases("origin %j + ours %j → %j", mergeCsp, [
    ["default-src 'self'", "frame-ancestors 'none'", "default-src 'self'; frame-ancestors 'none'"],
    ["default-src 'self';", "frame-ancestors 'none'", "default-src 'self'; frame-ancestors 'none'"],
    ["frame-ancestors https://a.example; script-src 'self'", "frame-ancestors 'none'", "frame-ancestors https://a.example; script-src 'self'"],
    ["FRAME-ANCESTORS 'self'", "frame-ancestors 'none'", "FRAME-ANCESTORS 'self'"],
    ["script-src 'self'", "frame-ancestors 'none'; upgrade-insecure-requests", "script-src 'self'; frame-ancestors 'none'; upgrade-insecure-requests"],
    ["", "frame-ancestors 'none'", "frame-ancestors 'none'"],
  ]);
});

describe("securityHeaders", () => {
  it("sets the configured headers, overriding the origin's, but merges the origin's CSP", () => {
    const origin: Record<string, string> = { "x-frame-options": "ALLOWALL", "content-security-policy": "script-src 'self'" };
    const out = securityHeaders({ headers: { ...DEFAULT_SECURITY_HEADERS } }, (n) => origin[n]);
    expect(out["x-frame-options"]).toBe("DENY");
    expect(out["content-security-policy"]).toBe("script-src 'self'; frame-ancestors 'none'");
    expect(out["strict-transport-security"]).toMatch(/^max-age=\d+/);
  });

  it("without an origin CSP uses ours as it is", () => {
    expect(securityHeaders({ headers: { ...DEFAULT_SECURITY_HEADERS } })["content-security-policy"]).toBe("frame-ancestors 'none'");
  });
});
