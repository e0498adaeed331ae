/**
 * The local distribution's response headers policy: when it exists (the cloudfront-function hot path without
 * http-headers) and what it does to a response's headers (replaces, never merges).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_HEADERS } from "../../../shared/config/types";
import type { HotPath } from "../../../shared/config/types";
import { applyResponseHeadersPolicy, responseHeadersPolicyFor } from "../../../local/response-headers-policy";

const headers = { ...DEFAULT_SECURITY_HEADERS };

describe("responseHeadersPolicyFor", () => {
  it.each<[HotPath, boolean, boolean]>([
    ["cloudfront-function", false, true],
    ["cloudfront-function", true, false],
    ["lambda-edge", false, false],
    ["lambda-edge", true, false],
  ])("hotPath %s, mergeOriginCsp %s: a policy? %s", (hotPath, mergeOriginCsp, hasPolicy) => {
    const policy = responseHeadersPolicyFor({ hotPath, mergeOriginCsp, headers });
    expect(policy).toEqual(hasPolicy ? headers : undefined);
  });

  it("is the config's resolved headers: one turned off is not in it, one overridden has its value", () => {
    const { "x-frame-options": _dropped, ...rest } = headers;
    const policy = responseHeadersPolicyFor({ hotPath: "cloudfront-function", mergeOriginCsp: false, headers: { ...rest, "referrer-policy": "no-referrer" } });
    expect(policy).not.toHaveProperty("x-frame-options");
    expect(policy?.["referrer-policy"]).toBe("no-referrer");
  });
});

describe("applyResponseHeadersPolicy", () => {
  const origin = {
    "content-type": ["text/html"],
    "x-frame-options": ["SAMEORIGIN"],
    "content-security-policy": ["default-src 'self'"],
    "set-cookie": ["a=1", "b=2"],
  };

  it("sets every header of the policy, replacing the response's own (CSP replaced, not merged), keeping the rest", () => {
    const out = applyResponseHeadersPolicy(origin, headers);
    expect(out).toEqual({
      "content-type": ["text/html"],
      "set-cookie": ["a=1", "b=2"],
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    });
    expect(origin["x-frame-options"]).toEqual(["SAMEORIGIN"]);
  });

  it("leaves the headers alone without a policy", () => {
    expect(applyResponseHeadersPolicy(origin, undefined)).toBe(origin);
  });
});
