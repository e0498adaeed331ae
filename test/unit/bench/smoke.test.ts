/**
 * A smoke run of every bench measurement (bench/measure.ts) with tiny counts, on both hot paths: the bench cannot
 * break silently between two runs of `npm run bench`. Numbers are checked for sanity, not speed (the machine is
 * shared); each measurement must refuse to time the wrong answer.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildViewerRequestEvent } from "../../../scripts/cloudfront-function-runtime/event";
import { functionMeasures, lambdaLogs } from "../../../bench/hot-paths";
import { bareVerifyUs, bundleSizes, checkAuthCases, coldStart, hotPaths, parseAuthOverhead, perCall, policySize, runBench, targetsOf } from "../../../bench/measure";
import type { BenchCounts, BenchResult } from "../../../bench/measure";
import { renderPerformance } from "../../../bench/report";
import { HOST, PAGE, edgeEvent, setUpBench } from "../../../bench/setup";
import type { BenchSetup } from "../../../bench/setup";
import { repoRoot } from "../../helpers/build";

const TINY: BenchCounts = {
  signedIn: 20,
  warm: 2,
  otherCases: 5,
  otherWarm: 1,
  bare: 10,
  bareWarm: 1,
  coldRuns: 1,
  callbacks: 4,
  warmCallbacks: 1,
  logRequests: 20,
  functionRuns: 5,
};

let s: BenchSetup;
beforeAll(async () => {
  s = await setUpBench();
}, 120_000);
afterAll(() => s?.close());

const positive = (x: number) => expect(Number.isFinite(x) && x > 0, `${x} is a positive number`).toBe(true);

describe("each bench measurement, tiny counts", () => {
  let bare = 0;
  let signedInUs = 0;

  it("bare verification", async () => {
    bare = await bareVerifyUs(s, TINY);
    positive(bare);
  });

  it("check-auth cases: every case timed, each getting the answer it is meant to time", async () => {
    const rows = await checkAuthCases(s, TINY, bare || 20);
    expect(rows.map((r) => r.case)).toEqual(["signed-in", "no session (redirect to sign-in)", "expired (redirect to refresh)", "forged (rejected, new sign-in)"]);
    for (const r of rows) {
      positive(r.us);
      positive(r.ratio);
    }
    signedInUs = rows[0]!.us;
  });

  it("cold start: fresh processes that pass their signed-in request", async () => {
    const c = await coldStart(s, 1);
    positive(c.bundleMs);
    positive(c.bareMs);
    expect(c.differenceOfMediansMs).toBeCloseTo(c.bundleMs - c.bareMs, 6);
    positive(c.bundleCpuMs);
    positive(c.bareCpuMs);
  }, 30_000);

  it("bundle sizes of every Lambda@Edge bundle", () => {
    const sizes = bundleSizes(s);
    expect(Object.keys(sizes)).toEqual(expect.arrayContaining(["check-auth", "parse-auth", "refresh-auth", "sign-in", "sign-out", "http-headers"]));
    for (const v of Object.values(sizes)) {
      positive(v.gzip);
      expect(v.gzip).toBeLessThan(v.bytes);
    }
  });

  it("parse-auth: callbacks through the stand-in token endpoint", async () => {
    const p = await parseAuthOverhead(s, TINY);
    positive(p.perCallbackWallUs);
    positive(p.bareTokenRoundTripUs);
    positive(p.cpuUs);
  });

  it("both hot paths: invocations, logs, costs, and the CloudFront Function in the emulator", async () => {
    const h = await hotPaths(s, TINY, signedInUs || 10);
    expect(h["lambda-edge"].invocations.lambdaViewer).toEqual(["check-auth"]);
    expect(h["lambda-edge"].logs.requests).toBe(TINY.logRequests);
    positive(h["lambda-edge"].cost.total);
    positive(h["lambda-edge"].debugLineBytes);
    const fn = h["cloudfront-function"];
    expect(fn.invocations.cloudfrontFunctions).toEqual(["check-auth-function"]);
    expect(fn.logs.requests).toBe(TINY.functionRuns);
    expect(fn.function.bytes).toBeGreaterThan(1000);
    expect(fn.function.bytes).toBeLessThanOrEqual(10_240);
    // A signed-in request reads the session key and nothing else (the page stylesheet only for a page of its own).
    expect(fn.function.kvsReadsPerRequest).toBe(1);
    expect(fn.kvsReads).toBe(1);
    for (const us of [fn.function.handlerUs, fn.function.emptyHandlerUs, fn.function.emulatorUs, fn.function.emptyFunctionUs]) positive(us);
    positive(fn.cost.total);
    // Lambda's own lines: priced only when the logging controls the deploy applies let Lambda write them.
    const edge = h["lambda-edge"];
    expect(edge.loggingControls.map((c) => c.key)).toEqual(expect.arrayContaining(["LogFormat", "SystemLogLevel", "ApplicationLogLevel"]));
    positive(edge.platformLogCostPerMillionIfWritten);
    expect(edge.platformLogCostPerMillion).toBe(edge.platformLinesWritten ? edge.platformLogCostPerMillionIfWritten : 0);
  });

  it("the log measurement sees the lines the edge writes: a forged session at info writes a decision line each", async () => {
    // check-auth writes with process.stdout.write (shared/log.ts stdoutSink): a capture that missed it would
    // measure 0 bytes, and "0 log lines per signed-in request" would pass for nothing.
    const forged = await lambdaLogs(join(s.outdir, "check-auth", "index.js"), () => edgeEvent(s.cookies.forged), 3, (r) => {
      if (r.status === undefined) throw new Error("a forged session was let through");
    });
    expect(forged.perRequestLines).toBe(3);
    positive(forged.bytes);
  });

  it("policy size: the function with four rules of every selector kind, and how many fit", async () => {
    const p = await policySize(s);
    expect(p.fourRules).toBe(4);
    expect(p.bytesWithFourRules).toBeGreaterThan(1000);
    expect(p.bytesWithFourRules).toBeLessThanOrEqual(p.limit);
    // The four fit, so the count of rules that fit is at least four.
    expect(p.rulesThatFit).toBeGreaterThanOrEqual(p.fourRules);
  }, 60_000);
});

describe("a measurement refuses to time the wrong answer", () => {
  it("check-auth: a signed-in case that is not signed in", async () => {
    const broken = { ...s, cookies: { ...s.cookies, signedIn: s.cookies.forged } };
    await expect(checkAuthCases(broken, TINY, 20)).rejects.toThrow(/signed-in/);
  });

  it("cold start: a first request that is not let through", async () => {
    const broken = { ...s, cookies: { ...s.cookies, signedIn: s.cookies.filler } };
    await expect(coldStart(broken, 1)).rejects.toThrow(/exited 1/);
  }, 30_000);

  it("the CloudFront Function: a request that is not let through", async () => {
    const ev = buildViewerRequestEvent({ method: "GET", path: PAGE, query: "", headers: [["Host", HOST]], ip: "203.0.113.1" });
    // Signed out: the function answers with a redirect, which the measurement must not time as a pass.
    await expect(functionMeasures(join(s.fnOutdir, "check-auth-function"), ev, 2, perCall)).rejects.toThrow(/not signed in/);
  });
});

describe("docs/performance.md", () => {
  it("is the bench's own rendering: the committed file names every target the bench judges", async () => {
    const result: BenchResult = await runBench(s, TINY);
    const rendered = renderPerformance(result);
    const committed = readFileSync(join(repoRoot, "docs", "performance.md"), "utf8");
    const headings = (md: string) => md.split("\n").filter((l) => /^\|[^-]/.test(l) && !/^\| [\d.]/.test(l)).map((l) => l.split("|")[1]!.trim().replace(/\d[\d,.]*/g, "#"));
    // Every table row label of a fresh rendering appears in the committed file (figures aside): a new measurement
    // or target without a new `npm run bench` fails here.
    const have = new Set(headings(committed));
    expect(headings(rendered).filter((h) => !have.has(h))).toEqual([]);
    expect(Object.keys(targetsOf(result))).toEqual(Object.keys(result.targets));
  }, 60_000);
});
