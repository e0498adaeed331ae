/**
 * The benchmark's cost model: which functions a request meets on each hot path (from the catalogue and the
 * routing), and the arithmetic of the price per million requests.
 */
import { describe, expect, it } from "vitest";
import { PRICES, costPerMillion, invocationsFor, platformLogBytes } from "../../../bench/cost";
import { makeIssuer, testConfig } from "../../helpers/tokens";

const iss = makeIssuer();
const edge = testConfig(iss);
const fn = testConfig(iss, { hotPath: "cloudfront-function" });
const fnMerged = testConfig(iss, { hotPath: "cloudfront-function", mergeOriginCsp: true });

describe("invocationsFor", () => {
  it.each([
    ["lambda-edge, a page", edge, "/docs/a.html", { lambdaViewer: ["check-auth"], lambdaOriginResponse: ["http-headers"], cloudfrontFunctions: [] }],
    ["cloudfront-function, a page", fn, "/docs/a.html", { lambdaViewer: [], lambdaOriginResponse: [], cloudfrontFunctions: ["check-auth-function"] }],
    ["cloudfront-function with mergeOriginCsp", fnMerged, "/docs/a.html", { lambdaViewer: [], lambdaOriginResponse: ["http-headers"], cloudfrontFunctions: ["check-auth-function"] }],
    ["lambda-edge, the callback", edge, "/parseauth", { lambdaViewer: ["parse-auth"], lambdaOriginResponse: ["http-headers"], cloudfrontFunctions: [] }],
    ["cloudfront-function, the callback", fn, "/parseauth", { lambdaViewer: ["parse-auth"], lambdaOriginResponse: [], cloudfrontFunctions: [] }],
    ["cloudfront-function, sign-in", fn, "/signin", { lambdaViewer: ["sign-in"], lambdaOriginResponse: [], cloudfrontFunctions: [] }],
  ])("%s", (_, config, uri, expected) => {
    expect(invocationsFor(uri, config)).toEqual(expected);
  });
});

describe("costPerMillion", () => {
  const none = { lambdaInvocations: 0, lambdaDurationUs: 0, functionInvocations: 0, kvsReads: 0, logBytes: 0 };

  it.each([
    // Billed per 1 ms, rounded up, at least 1 ms.
    [7.4, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [20_500, 21],
  ])("a Lambda@Edge run of %f µs is billed %i ms", (us, ms) => {
    const c = costPerMillion({ ...none, lambdaInvocations: 1, lambdaDurationUs: us });
    expect(c.billedMs).toBe(ms);
    expect(c.lambdaRequests).toBeCloseTo(0.6, 10);
    // 1M × ms/1000 s × 128/1024 GB × $0.00005001 per GB-second.
    expect(c.lambdaDuration).toBeCloseTo(ms * 0.00625125, 10);
  });

  it("a CloudFront Function with one KeyValueStore read: $0.10 + $0.03 per million, nothing else", () => {
    const c = costPerMillion({ ...none, functionInvocations: 1, kvsReads: 1 });
    expect(c).toMatchObject({ lambdaRequests: 0, lambdaDuration: 0, billedMs: 0, logs: 0 });
    expect(c.functions).toBeCloseTo(0.1, 10);
    expect(c.kvsReads).toBeCloseTo(0.03, 10);
    expect(c.total).toBeCloseTo(0.13, 10);
  });

  it("log bytes are priced per GB ingested (10^9 bytes)", () => {
    expect(costPerMillion({ ...none, logBytes: 1000 }).logs).toBeCloseTo(PRICES.logsPerGbIngested, 10);
    expect(costPerMillion({ ...none, logBytes: 0 }).logs).toBe(0);
  });

  it("Lambda's own lines are estimated from AWS's documented shape (a few hundred bytes)", () => {
    expect(platformLogBytes()).toBeGreaterThan(200);
    expect(platformLogBytes()).toBeLessThan(320);
  });
});
