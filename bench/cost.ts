/**
 * What a signed-in request costs on each hot path: which functions run (from the function catalogue and the
 * routing decision the local CloudFront uses), and the price of that at AWS's published us-east-1 on-demand prices.
 * Pure: the benchmark measures the inputs (duration, log bytes) and passes them in.
 */
import type { HotPath, Paths } from "../shared/config/types";
import { deployedEdgeFunctions, viewerFunctionFor } from "../shared/catalogue";

/**
 * AWS's published prices, us-east-1, on demand, no free tier, checked on `PRICES.checked`. AWS's own pricing pages
 * (https://aws.amazon.com/cloudfront/pricing/, https://aws.amazon.com/cloudwatch/pricing/) draw their tables in the
 * browser; the figures were checked against pages that quote them, named beside each price.
 */
export const PRICES = {
  checked: "2026-12-02",
  region: "us-east-1",
  /**
   * Lambda@Edge: $0.60 per 1M requests and $0.00005001 per GB-second, duration billed per 1 ms (since 2021-04-01),
   * 128 MB for viewer triggers. https://awsnegotiations.com/cloudfront-functions-pricing.html,
   * https://aws.amazon.com/about-aws/whats-new/2021/03/cloudfront-lambda-at-edge-billing-granularity/
   */
  lambdaEdgePerMillionRequests: 0.6,
  lambdaEdgePerGbSecond: 0.00005001,
  lambdaEdgeMemoryMb: 128,
  /** CloudFront Functions: $0.10 per 1M invocations ("$0.0000001 per invocation"). https://cur.vantage.sh/aws/amazoncloudfront/ */
  functionPerMillionInvocations: 0.1,
  /**
   * CloudFront KeyValueStore: $0.03 per 1M reads from a function (2M a month in the always-free tier). Not in the
   * issue's price list; quoted from secondary sources only (a verification guide citing AWS's post of 2026-10-05),
   * so check https://aws.amazon.com/cloudfront/pricing/ before relying on it.
   */
  kvsPerMillionReads: 0.03,
  /**
   * CloudWatch Logs, standard class: $0.50 per GB ingested. https://c3x.dev/blog/cloudwatch-logs-cost-optimization
   * ("us-east-1, June 2026"), https://hykell.com/knowledge-base/aws-cloudwatch-logs-pricing
   */
  logsPerGbIngested: 0.5,
  /** Bytes in the GB of the log price: 10^9, the larger of the two readings of "GB" in cost. */
  bytesPerGb: 1e9,
} as const;

/** The functions CloudFront runs for one request, by kind. */
export interface Invocations {
  /** Lambda@Edge viewer-request functions: every request. */
  lambdaViewer: string[];
  /** Lambda@Edge origin-response functions: only when CloudFront fetches from the origin (a cache miss). */
  lambdaOriginResponse: string[];
  /** CloudFront Functions (viewer request): every request. */
  cloudfrontFunctions: string[];
}

/**
 * The functions a request for `uri` meets with `c`: the viewer function the routing picks (`viewerFunctionFor`),
 * when the config deploys it, and the deployed origin-response functions.
 */
export function invocationsFor(uri: string, c: { paths: Paths; hotPath: HotPath; mergeOriginCsp: boolean }): Invocations {
  const deployed = deployedEdgeFunctions(c);
  const viewer = viewerFunctionFor(uri, c.paths, c.hotPath);
  const runs = deployed.some((f) => f.name === viewer.name) ? [viewer] : [];
  return {
    lambdaViewer: runs.filter((f) => f.runtime === "lambda-edge").map((f) => f.name),
    lambdaOriginResponse: deployed.filter((f) => f.runtime === "lambda-edge" && f.trigger === "origin-response").map((f) => f.name),
    cloudfrontFunctions: runs.filter((f) => f.runtime === "cloudfront-function").map((f) => f.name),
  };
}

/** What one request does that is billed, besides CloudFront's own request fee (the same on both hot paths). */
export interface RequestUsage {
  /** Lambda@Edge invocations. */
  lambdaInvocations: number;
  /** Measured run time of each, µs; billed rounded up to whole ms (at least 1). */
  lambdaDurationUs: number;
  functionInvocations: number;
  kvsReads: number;
  /** Log bytes ingested per request (our lines only). */
  logBytes: number;
}

/** Dollars per million requests, by line item and in total. */
export interface CostPerMillion {
  lambdaRequests: number;
  lambdaDuration: number;
  functions: number;
  kvsReads: number;
  logs: number;
  total: number;
  /** Billed Lambda duration per invocation, ms. */
  billedMs: number;
}

/** Cost per million requests of `u` at `PRICES`. */
export function costPerMillion(u: RequestUsage, p: typeof PRICES = PRICES): CostPerMillion {
  const billedMs = u.lambdaInvocations ? Math.max(1, Math.ceil(u.lambdaDurationUs / 1000)) : 0;
  const lambdaRequests = u.lambdaInvocations * p.lambdaEdgePerMillionRequests;
  const lambdaDuration = u.lambdaInvocations * 1e6 * (billedMs / 1000) * (p.lambdaEdgeMemoryMb / 1024) * p.lambdaEdgePerGbSecond;
  const functions = u.functionInvocations * p.functionPerMillionInvocations;
  const kvsReads = u.kvsReads * p.kvsPerMillionReads;
  const logs = ((u.logBytes * 1e6) / p.bytesPerGb) * p.logsPerGbIngested;
  return { lambdaRequests, lambdaDuration, functions, kvsReads, logs, total: lambdaRequests + lambdaDuration + functions + kvsReads + logs, billedMs };
}

/**
 * Lambda's own lines per invocation (START, END, REPORT), in the shape AWS documents for Node.js functions
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html): not ours, not measured here, and written
 * unless the function's system log level filters them. An estimate of their bytes, for the record.
 */
export function platformLogBytes(): number {
  const id = "c793869b-ee49-115b-a5b6-4fd21e8dedac";
  const lines = [
    `START RequestId: ${id} Version: 12\n`,
    `END RequestId: ${id}\n`,
    `REPORT RequestId: ${id}\tDuration: 1.52 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t\n`,
  ];
  return lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
}
