/**
 * The local distribution's response headers policy: when it exists (the cloudfront-function hot path, as both deploy
 * paths attach it) and what it does to a response's headers (each header by the policy's own Override flag: ours
 * replace the response's, the site's own Content-Security-Policy is kept).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_HEADERS } from "../../../shared/config/types";
import type { HotPath } from "../../../shared/config/types";
import { policyHeaders } from "../../../shared/config/response-headers";
import { applyResponseHeadersPolicy, responseHeadersPolicyFor } from "../../../local/response-headers-policy";

const headers = { ...DEFAULT_SECURITY_HEADERS };

describe("responseHeadersPolicyFor", () => {
  it.each<[HotPath, boolean]>([
    ["cloudfront-function", true],
    ["lambda-edge", false],
  ])("hotPath %s: a policy? %s (with mergeOriginCsp too: the deploy attaches it either way)", (hotPath, hasPolicy) => {
    const policy = responseHeadersPolicyFor({ hotPath, headers });
    const expected = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, { value: v, override: k !== "content-security-policy" }]));
    expect(policy).toEqual(hasPolicy ? expected : undefined);
  });

  it("is the config's resolved headers: one turned off is not in it, one overridden has its value", () => {
    const { "x-frame-options": _dropped, ...rest } = headers;
    const policy = responseHeadersPolicyFor({ hotPath: "cloudfront-function", headers: { ...rest, "referrer-policy": "no-referrer" } });
    expect(policy).not.toHaveProperty("x-frame-options");
    expect(policy?.["referrer-policy"]).toEqual({ value: "no-referrer", override: true });
  });

  it("takes each header's Override flag from the policy both deploy paths attach (shared/config/response-headers.ts)", () => {
    const all = { ...headers, "x-custom": "1" };
    const policy = responseHeadersPolicyFor({ hotPath: "cloudfront-function", headers: all })!;
    const built = policyHeaders(all);
    if (!built.ok) throw new Error("headers must build");
    expect(policy["content-security-policy"]!.override).toBe(built.config.SecurityHeadersConfig!.ContentSecurityPolicy!.Override);
    expect(policy["content-security-policy"]!.override).toBe(false);
    expect(policy["x-custom"]).toEqual({ value: "1", override: built.config.CustomHeadersConfig!.Items[0]!.Override });
    for (const name of Object.keys(headers).filter((n) => n !== "content-security-policy")) expect(policy[name]!.override, name).toBe(true);
  });
});

describe("applyResponseHeadersPolicy", () => {
  const origin = {
    "content-type": ["text/html"],
    "x-frame-options": ["SAMEORIGIN"],
    "content-security-policy": ["default-src 'self'"],
    "set-cookie": ["a=1", "b=2"],
  };
  const policy = responseHeadersPolicyFor({ hotPath: "cloudfront-function", headers })!;

  it("replaces the response's own headers with ours, keeps the site's own CSP, keeps the rest", () => {
    const out = applyResponseHeadersPolicy(origin, policy);
    expect(out).toEqual({
      "content-type": ["text/html"],
      "set-cookie": ["a=1", "b=2"],
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      "content-security-policy": ["default-src 'self'"],
    });
    expect(origin["x-frame-options"]).toEqual(["SAMEORIGIN"]);
  });

  it("sends our CSP when the response has none", () => {
    const { "content-security-policy": _none, ...bare } = origin;
    expect(applyResponseHeadersPolicy(bare, policy)["content-security-policy"]).toEqual([headers["content-security-policy"]]);
  });

  it("leaves the headers alone without a policy", () => {
    expect(applyResponseHeadersPolicy(origin, undefined)).toBe(origin);
  });
});
