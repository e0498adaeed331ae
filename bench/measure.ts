/**
 * The bench's measurements, each a function of the setup (bench/setup.ts) and its counts, so that `npm run bench`
 * runs them with real counts and `npm test` with tiny ones (test/unit/bench/smoke.test.ts): a measurement that
 * breaks fails the tests, not only the next bench run. Each throws when the request it times does not get the
 * answer it is meant to time (a signed-out session cannot pass as a fast signed-in one).
 */
import { spawn } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildViewerRequestEvent } from "../scripts/cloudfront-function-runtime/event";
import { resolveConfig } from "../shared/config/resolve";
import { EDGE_FUNCTIONS } from "../shared/catalogue";
import { EDGE_LOGGING_CONTROLS, EDGE_PLATFORM_LINES_WRITTEN, EDGE_SYSTEM_LOG_LEVEL } from "../shared/config/edge-logging";
import type { LoggingControl, SystemLogLevel } from "../shared/config/edge-logging";
import { createLogger } from "../shared/log";
import { sessionCookieName } from "../shared/viewer/cookie-names";
import { rulesFingerprint } from "../shared/viewer/rules";
import { SESSION_KEY, idTokenHash, sealSession } from "../shared/viewer/session-cookie";
import { accessClaims, idClaims, sign } from "../test/helpers/tokens";
import { FOUR_POLICY_RULES, policySizeFigures } from "../scripts/policy-size";
import type { PolicySizeFigures } from "../scripts/policy-size";
import { PRICES, costPerMillion, invocationsFor, platformLogBytes } from "./cost";
import type { CostPerMillion, Invocations } from "./cost";
import { capturingStdout, functionMeasures, lambdaLogs } from "./hot-paths";
import type { FunctionMeasure, LogMeasure } from "./hot-paths";
import { ACCEPT, HOST, PAGE, USER_AGENT, edgeEvent, loadHandler } from "./setup";
import type { BenchSetup } from "./setup";

/** How many of each: `BENCH_COUNTS` for `npm run bench`, tiny ones for the smoke test. */
export interface BenchCounts {
  /** Signed-in check-auth requests timed, and warm-up before them. */
  signedIn: number;
  warm: number;
  /** Requests timed for each of the other check-auth cases, and their warm-up. */
  otherCases: number;
  otherWarm: number;
  /** Bare verifications timed, and warm-up. */
  bare: number;
  bareWarm: number;
  /** Fresh processes of each kind for the cold start (the median is reported). */
  coldRuns: number;
  /** parse-auth callbacks, the first `warmCallbacks` of them not timed. */
  callbacks: number;
  warmCallbacks: number;
  /** Signed-in requests whose log output is measured (a fresh check-auth instance: a new container). */
  logRequests: number;
  /** CloudFront Function runs in the emulator (each in a fresh sandbox, as the emulator runs them). */
  functionRuns: number;
}

export const BENCH_COUNTS: BenchCounts = {
  signedIn: 20_000,
  warm: 3000,
  otherCases: 5000,
  otherWarm: 500,
  bare: 5000,
  bareWarm: 500,
  coldRuns: 21,
  callbacks: 400,
  warmCallbacks: 50,
  logRequests: 10_000,
  functionRuns: 2000,
};

/** µs per call of an async function, after warm-up. */
export async function perCall(fn: () => Promise<unknown> | unknown, n: number, warm: number): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `fn` with stdout writes discarded (`process.stdout.write` and `console.log`; every log line is still produced). */
const quietly = <T>(fn: () => Promise<T>): Promise<T> => capturingStdout(() => undefined, fn);

/** µs of one bare `crypto.verify` RS256-2048 of the session's id token, in this process. */
export async function bareVerifyUs(s: BenchSetup, c: Pick<BenchCounts, "bare" | "bareWarm">): Promise<number> {
  const publicKey = createPublicKey({ key: s.key.jwk as never, format: "jwk" });
  const [h, p, sig] = s.idToken.split(".") as [string, string, string];
  const input = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(sig, "base64url");
  if (!verify("RSA-SHA256", input, publicKey, signature)) throw new Error("bare verification failed");
  return perCall(() => verify("RSA-SHA256", input, publicKey, signature), c.bare, c.bareWarm);
}

/** One check-auth case: µs per request, and as a ratio to the bare verification. */
export interface CaseRow {
  case: string;
  us: number;
  ratio: number;
}

/** The check-auth cases and the answer each must get (a redirect is a response: a `status`). */
const CASES = [
  { name: "signed-in", cookie: "signedIn", passes: true },
  { name: "no session (redirect to sign-in)", cookie: "filler", passes: false },
  { name: "expired (redirect to refresh)", cookie: "expired", passes: false },
  { name: "forged (rejected, new sign-in)", cookie: "forged", passes: false },
] as const;

/** Warm check-auth per case, in one instance of the built bundle. */
export async function checkAuthCases(s: BenchSetup, c: BenchCounts, bareUs: number): Promise<CaseRow[]> {
  const checkAuth = loadHandler(join(s.outdir, "check-auth", "index.js"));
  return quietly(async () => {
    const rows: CaseRow[] = [];
    for (const k of CASES) {
      const ev = () => checkAuth(edgeEvent(s.cookies[k.cookie]));
      const first = await ev();
      if ((first.status === undefined) !== k.passes) throw new Error(`check-auth case "${k.name}": got ${first.status === undefined ? "the request through" : `status ${String(first.status)}`}`);
      const us = k.passes ? await perCall(ev, c.signedIn, c.warm) : await perCall(ev, c.otherCases, c.otherWarm);
      rows.push({ case: k.name, us, ratio: us / bareUs });
    }
    return rows;
  });
}

/** A fresh Node process running `script`: its wall time, and the CPU time it reports on fd 3 as it exits. */
async function freshProcess(script: string, cpuReporter: string): Promise<{ wallMs: number; cpuMs: number }> {
  const t0 = process.hrtime.bigint();
  const cpuMs = await new Promise<number>((done, fail) => {
    const p = spawn(process.execPath, ["--require", cpuReporter, script], { stdio: ["ignore", "ignore", "inherit", "pipe"] });
    let out = "";
    p.stdio[3]!.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", (code) => (code === 0 ? done(Number(out) / 1000) : fail(new Error(`cold-start script ${script} exited ${code}`))));
  });
  return { wallMs: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs };
}

/** Cold start: fresh processes, run in pairs (one of each kind in turn). */
export interface ColdStart {
  /** Median wall time of a fresh Node process loading check-auth and answering its first signed-in request. */
  bundleMs: number;
  /** Median wall time of a fresh Node process that only verifies one token. */
  bareMs: number;
  /**
   * The overhead: the median of the pairs' differences. Each pair runs back to back (which kind first alternating),
   * so a busy machine slows both alike; the difference of the two medians (reported beside it) mixes pairs run at
   * different loads.
   */
  overheadMs: number;
  differenceOfMediansMs: number;
  /** The same in CPU time (user + system, as each process reports it): the work, without waiting for a core. */
  bundleCpuMs: number;
  bareCpuMs: number;
  overheadCpuMs: number;
  runs: number;
}

/** Cold start of check-auth against a process that only verifies one token; each exits 1 unless it passed. */
export async function coldStart(s: BenchSetup, runs: number): Promise<ColdStart> {
  // Preloaded by both kinds of process alike: stdout writes silenced (`process.stdout.write`, where the edge
  // functions write their lines, and `console.log`; making the stream costs both processes the same, and a Lambda
  // container has it anyway), and the process's CPU time (µs, user + system) written to fd 3 at exit.
  const reporter = join(s.work, "cpu-reporter.js");
  writeFileSync(
    reporter,
    `process.stdout.write=()=>true;console.log=()=>{};process.on("exit",()=>{const u=process.cpuUsage();require("fs").writeSync(3,String(u.user+u.system))});`,
  );
  const coldScript = join(s.work, "cold.js");
  writeFileSync(
    coldScript,
    `const h=require(${JSON.stringify(join(s.outdir, "check-auth", "index.js"))}).handler;h(${JSON.stringify(edgeEvent(s.cookies.signedIn))}).then(r=>{if(r.status!==undefined)process.exit(1)});`,
  );
  const bareScript = join(s.work, "bare.js");
  writeFileSync(
    bareScript,
    `const c=require("node:crypto");const k=c.createPublicKey({key:${JSON.stringify(s.key.jwk)},format:"jwk"});const t=${JSON.stringify(s.idToken)}.split(".");if(!c.verify("RSA-SHA256",Buffer.from(t[0]+"."+t[1]),k,Buffer.from(t[2],"base64url")))process.exit(1);`,
  );
  const cold: { wallMs: number; cpuMs: number }[] = [];
  const bare: { wallMs: number; cpuMs: number }[] = [];
  // Each pair back to back, which kind goes first alternating: whatever the second of two processes started in a
  // row gains or loses (a core still busy with the first, caches warm) falls on each kind in half of the pairs.
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      cold.push(await freshProcess(coldScript, reporter));
      bare.push(await freshProcess(bareScript, reporter));
    } else {
      bare.push(await freshProcess(bareScript, reporter));
      cold.push(await freshProcess(coldScript, reporter));
    }
  }
  const wall = (xs: typeof cold) => median(xs.map((x) => x.wallMs));
  const cpu = (xs: typeof cold) => median(xs.map((x) => x.cpuMs));
  return {
    bundleMs: wall(cold),
    bareMs: wall(bare),
    overheadMs: median(cold.map((c, i) => c.wallMs - bare[i]!.wallMs)),
    differenceOfMediansMs: wall(cold) - wall(bare),
    bundleCpuMs: cpu(cold),
    bareCpuMs: cpu(bare),
    overheadCpuMs: median(cold.map((c, i) => c.cpuMs - bare[i]!.cpuMs)),
    runs,
  };
}

/** Minified and gzip (level 9) bytes of each built Lambda@Edge bundle. */
export type Sizes = Record<string, { bytes: number; gzip: number }>;

export function bundleSizes(s: BenchSetup): Sizes {
  const sizes: Sizes = {};
  for (const { name } of EDGE_FUNCTIONS) {
    const code = readFileSync(join(s.outdir, name, "index.js"));
    sizes[name] = { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
  }
  return sizes;
}

/** parse-auth per callback, µs. */
export interface ParseAuth {
  perCallbackWallUs: number;
  bareTokenRoundTripUs: number;
  overheadUs: number;
  cpuUs: number;
}

/** Each run of callbacks uses codes of its own, so the stand-in knows to read its answers again. */
let parseAuthRuns = 0;

/**
 * parse-auth's own overhead: callbacks against the loopback token endpoint (another process) answering
 * precomputed tokens. Own overhead = wall time per callback minus the round trip of a bare POST to the same
 * endpoint; the CPU time this process spends per callback is reported beside it.
 */
export async function parseAuthOverhead(s: BenchSetup, c: Pick<BenchCounts, "callbacks" | "warmCallbacks">): Promise<ParseAuth> {
  if (c.callbacks <= c.warmCallbacks) throw new Error("callbacks must exceed warmCallbacks");
  const checkAuth = loadHandler(join(s.outdir, "check-auth", "index.js"));
  const parseAuth = loadHandler(join(s.outdir, "parse-auth", "index.js"));
  const run = ++parseAuthRuns;
  return quietly(async () => {
    const answers: Record<string, string> = {};
    const callbacks: { qs: string; cookie: string; code: string }[] = [];
    for (let i = 0; i < c.callbacks; i++) {
      const start = await checkAuth(edgeEvent(""));
      const headers = start.headers as Record<string, { value: string }[]>;
      const loc = new URL(headers.location![0]!.value);
      const cookie = headers["set-cookie"]![0]!.value.split(";")[0]!;
      const code = `code-${run}-${i}`;
      const u = { ...s.user, nonce: loc.searchParams.get("nonce")! };
      answers[code] = JSON.stringify({ id_token: sign(idClaims(s.iss, u), s.key), access_token: sign(accessClaims(s.iss, u), s.key), refresh_token: "r".repeat(1700), expires_in: 3600, token_type: "Bearer" });
      callbacks.push({ qs: `code=${code}&state=${loc.searchParams.get("state")}`, cookie, code });
    }
    writeFileSync(s.answersPath, JSON.stringify(answers));
    const callback = async (cb: (typeof callbacks)[number]) => {
      const r = await parseAuth(edgeEvent(cb.cookie, "/parseauth", cb.qs));
      if (r.status !== "302") throw new Error(`callback failed: ${String(r.status)}`);
    };
    for (const cb of callbacks.slice(0, c.warmCallbacks)) await callback(cb);
    const timed = callbacks.slice(c.warmCallbacks);
    const cpu0 = process.cpuUsage();
    const wall0 = process.hrtime.bigint();
    for (const cb of timed) await callback(cb);
    const perCallbackWallUs = Number(process.hrtime.bigint() - wall0) / 1000 / timed.length;
    const cpu = process.cpuUsage(cpu0);
    const endpointOnly = (code: string) =>
      new Promise<void>((done, fail) => {
        const body = new URLSearchParams({ grant_type: "authorization_code", code, client_id: s.iss.clientId, code_verifier: "v".repeat(43), redirect_uri: `https://${HOST}/parseauth` }).toString();
        const r = request(`http://127.0.0.1:${s.port}/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on("end", () => done());
        });
        r.on("error", fail);
        r.end(body);
      });
    const t0 = process.hrtime.bigint();
    for (const cb of timed) await endpointOnly(cb.code);
    const bareTokenRoundTripUs = Number(process.hrtime.bigint() - t0) / 1000 / timed.length;
    return { perCallbackWallUs, bareTokenRoundTripUs, overheadUs: perCallbackWallUs - bareTokenRoundTripUs, cpuUs: (cpu.user + cpu.system) / timed.length };
  });
}

/** One hot path's figures for a signed-in request. */
export interface HotPathResult {
  invocations: Invocations;
  logs: LogMeasure;
  cost: CostPerMillion;
}

/** Both hot paths, per signed-in request for PAGE. */
export interface HotPaths {
  page: string;
  prices: typeof PRICES;
  "lambda-edge": HotPathResult & {
    debugLineBytes: number;
    /** Lambda's advanced logging controls on Lambda@Edge, and which our templates apply (shared/config/edge-logging.ts). */
    loggingControls: readonly LoggingControl[];
    /** Whether Lambda writes its START/END/REPORT lines with those controls; when it does, they are in `cost`. */
    platformLinesWritten: boolean;
    /** The system log level the deploy sets (START/END/REPORT are INFO). */
    systemLogLevel: SystemLogLevel;
    /** Bytes of those lines an invocation (an estimate, bench/cost.ts), and what they cost per million as applied. */
    platformLogBytesEstimate: number;
    platformLogCostPerMillion: number;
    /** What they would cost if written (without the system log level filter). */
    platformLogCostPerMillionIfWritten: number;
    originResponseCostPerMillionMisses: number;
  };
  "cloudfront-function": HotPathResult & { function: FunctionMeasure; costWithoutKvsReads: number; kvsReads: number };
}

/**
 * A signed-in request on each hot path, from the bundles built for it. Which functions run comes from the routing
 * the local CloudFront uses over the function catalogue, with each build's resolved config; `signedInUs` is the
 * measured check-auth time the Lambda@Edge duration is billed from.
 */
export async function hotPaths(s: BenchSetup, c: Pick<BenchCounts, "logRequests" | "functionRuns">, signedInUs: number): Promise<HotPaths> {
  const resolved = (raw: Record<string, unknown>) => {
    const r = resolveConfig(raw, { nonceSigningSecret: "x".repeat(32), sessionSigningSecret: "x".repeat(43) });
    if (!r.ok) throw new Error(`bench config: ${r.errors.join("; ")}`);
    return r.config;
  };
  const edgeInv = invocationsFor(PAGE, resolved(s.rawConfig));
  const edgeLogs = await lambdaLogs(join(s.outdir, "check-auth", "index.js"), () => edgeEvent(s.cookies.signedIn), c.logRequests, (r) => {
    if (r.status !== undefined) throw new Error("benchmark session is not signed in");
  });
  // What a signed-in request still writes at debug (and wrote at info before decisions were counted): its line.
  let debugLineBytes = 0;
  createLogger("check-auth", "debug", (l) => (debugLineBytes = Buffer.byteLength(l) + 1)).decision("signed-in", { path: PAGE });
  // Lambda's own START/END/REPORT lines, per viewer invocation: billed only when the logging controls let them through.
  const platformBytes = platformLogBytes();
  const platformWritten = EDGE_PLATFORM_LINES_WRITTEN ? platformBytes * edgeInv.lambdaViewer.length : 0;

  const fnDir = join(s.fnOutdir, "check-auth-function");
  const kvsData = JSON.parse(readFileSync(join(fnDir, "kvs.json"), "utf8")) as { data: { key: string; value: string }[] };
  const sessionKey = kvsData.data.find((d) => d.key === SESSION_KEY)!.value;
  // As parse-auth seals it: with the fingerprint of the rules it was sealed under (`r`), or the function refreshes it.
  const fnRules = resolved(s.rawFnConfig).rules;
  const session = sealSession({ c: s.iss.clientId, s: s.user.username, u: s.user.username, g: s.user.groups, ...(fnRules.length ? { r: rulesFingerprint(fnRules)! } : {}), x: Math.floor(Date.now() / 1000) + 3600, h: idTokenHash(s.idToken) }, sessionKey);
  const fnEvent = buildViewerRequestEvent({
    method: "GET",
    path: PAGE,
    query: "",
    // What the browser sends on this hot path: the token cookies as before, and the session cookie.
    headers: [["Host", HOST], ["Accept", ACCEPT], ["User-Agent", USER_AGENT], ["Cookie", `${s.cookies.signedIn}; ${sessionCookieName({}, s.iss.clientId)}=${session}`]],
    ip: "203.0.113.1",
  });
  const fn = await functionMeasures(fnDir, fnEvent, c.functionRuns, perCall);
  const fnInv = invocationsFor(PAGE, resolved(s.rawFnConfig));
  const fnUsage = {
    lambdaInvocations: fnInv.lambdaViewer.length,
    lambdaDurationUs: 0,
    functionInvocations: fnInv.cloudfrontFunctions.length,
    kvsReads: fnInv.cloudfrontFunctions.length * fn.kvsReadsPerRequest,
    logBytes: fn.logs.bytesPerRequest,
  };
  const none = { lambdaInvocations: 0, lambdaDurationUs: 0, functionInvocations: 0, kvsReads: 0, logBytes: 0 };
  return {
    page: PAGE,
    prices: PRICES,
    "lambda-edge": {
      invocations: edgeInv,
      logs: edgeLogs,
      cost: costPerMillion({
        lambdaInvocations: edgeInv.lambdaViewer.length,
        lambdaDurationUs: signedInUs,
        functionInvocations: edgeInv.cloudfrontFunctions.length,
        kvsReads: 0,
        logBytes: edgeLogs.bytesPerRequest + platformWritten,
      }),
      debugLineBytes,
      loggingControls: EDGE_LOGGING_CONTROLS,
      platformLinesWritten: EDGE_PLATFORM_LINES_WRITTEN,
      systemLogLevel: EDGE_SYSTEM_LOG_LEVEL,
      platformLogBytesEstimate: platformBytes,
      platformLogCostPerMillion: costPerMillion({ ...none, logBytes: platformWritten }).logs,
      platformLogCostPerMillionIfWritten: costPerMillion({ ...none, logBytes: platformBytes }).logs,
      // The origin-response functions run on cache misses only; their duration is not measured: the 1 ms minimum.
      originResponseCostPerMillionMisses: costPerMillion({ ...none, lambdaInvocations: edgeInv.lambdaOriginResponse.length, lambdaDurationUs: 1 }).total,
    },
    "cloudfront-function": {
      invocations: fnInv,
      logs: fn.logs,
      cost: costPerMillion(fnUsage),
      costWithoutKvsReads: costPerMillion({ ...fnUsage, kvsReads: 0 }).total,
      kvsReads: fnUsage.kvsReads,
      function: fn,
    },
  };
}

/** What access policies cost the CloudFront Function (issue 21): scripts/policy-size.ts on the bench's config. */
export interface PolicySize extends PolicySizeFigures {
  /** How many rules were added for `bytesWithFourRules` (the bench's own rules are kept besides). */
  fourRules: number;
}

/**
 * The CloudFront Function's size with the bench's config plus four rules that together use every selector kind,
 * `forwardIdentity` on and `apiPaths` given, and how many such rules fit in 10 KB.
 */
export async function policySize(s: BenchSetup): Promise<PolicySize> {
  return { ...(await policySizeFigures(s.rawConfig)), fourRules: FOUR_POLICY_RULES.length };
}

/** A target, its figure and whether it is met. */
export interface Target {
  /** What the target says, in words. */
  label: string;
  met: boolean;
  /** The measured figure, in words. */
  result: string;
}

/** Everything `npm run bench` measures, as written to .build/bench/latest.json and docs/performance.md. */
export interface BenchResult {
  date: string;
  machine: { cpu: string; cores: number; memGiB: number; node: string; platform: string };
  counts: BenchCounts;
  bareVerifyUs: number;
  checkAuth: CaseRow[];
  coldStart: ColdStart;
  sizes: Sizes;
  parseAuth: ParseAuth;
  hotPaths: HotPaths;
  policySize: PolicySize;
  targets: Record<string, Target>;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The targets (from issue 7 and later), judged on the measured figures. */
export function targetsOf(r: Omit<BenchResult, "targets">): Record<string, Target> {
  const signedIn = r.checkAuth[0]!;
  const edge = r.hotPaths["lambda-edge"];
  const fnPath = r.hotPaths["cloudfront-function"];
  const checkAuthGzip = r.sizes["check-auth"]!.gzip;
  const larger = Object.entries(r.sizes).filter(([n, s]) => n !== "check-auth" && s.gzip >= checkAuthGzip).map(([n]) => n);
  const fnLambda = fnPath.invocations.lambdaViewer.length + fnPath.invocations.lambdaOriginResponse.length;
  return {
    signedInRatio: { label: "signed-in check-auth ≤ 0.5× one bare RS256 verification", met: signedIn.ratio <= 0.5, result: `${signedIn.ratio.toFixed(2)}×` },
    coldStartOverheadMs: { label: "cold start ≤ 10 ms over the bare-verify process", met: r.coldStart.overheadMs <= 10, result: `${r.coldStart.overheadMs.toFixed(1)} ms` },
    checkAuthGzipBytes: { label: "check-auth ≤ 8 KB gzip", met: checkAuthGzip <= 8192, result: kb(checkAuthGzip) },
    othersSmaller: { label: "every other edge function smaller than check-auth (gzip)", met: larger.length === 0, result: larger.length ? `larger or equal: ${larger.join(", ")}` : "all smaller" },
    lambdaEdgeLogBytesPerSignedInRequest: {
      label: "lambda-edge: 0 log lines of its own per signed-in request at the default level",
      met: edge.logs.perRequestLines === 0,
      result: `${edge.logs.perRequestLines} lines in ${edge.logs.requests.toLocaleString("en-US")} requests; ${edge.logs.bytesPerRequest.toFixed(2)} bytes a request amortised`,
    },
    functionLambdaInvocations: { label: "cloudfront-function: 0 Lambda invocations per signed-in request", met: fnLambda === 0, result: String(fnLambda) },
    functionLogBytesPerSignedInRequest: { label: "cloudfront-function: 0 log bytes per signed-in request", met: fnPath.logs.bytes === 0, result: `${fnPath.logs.bytes} bytes` },
    functionCostPerMillion: {
      label: "cloudfront-function: ≤ $0.11 per million signed-in requests",
      met: fnPath.cost.total <= 0.11,
      result: `$${fnPath.cost.total.toFixed(3)} ($${fnPath.costWithoutKvsReads.toFixed(3)} without the KeyValueStore read)`,
    },
    functionBytesWithPolicies: {
      label: "cloudfront-function with four policy rules (every selector kind), forwardIdentity and apiPaths within CloudFront's 10,240 B",
      met: r.policySize.bytesWithFourRules <= r.policySize.limit,
      result: `${r.policySize.bytesWithFourRules.toLocaleString("en-US")} B; ${r.policySize.rulesThatFit} such rules fit`,
    },
    functionBytes: { label: "cloudfront-function: ≤ 6 KB (6,144 B; the limit is 10,240 B)", met: fnPath.function.bytes <= 6144, result: `${fnPath.function.bytes.toLocaleString("en-US")} B` },
  };
}

/** Runs every measurement with counts `c` on a prepared setup. */
export async function runBench(s: BenchSetup, c: BenchCounts = BENCH_COUNTS): Promise<BenchResult> {
  const bare = await bareVerifyUs(s, c);
  const checkAuth = await checkAuthCases(s, c, bare);
  const cold = await coldStart(s, c.coldRuns);
  const sizes = bundleSizes(s);
  const parseAuth = await parseAuthOverhead(s, c);
  const paths = await hotPaths(s, c, checkAuth[0]!.us);
  const policy = await policySize(s);
  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` };
  const result = { date: new Date().toISOString(), machine, counts: c, bareVerifyUs: bare, checkAuth, coldStart: cold, sizes, parseAuth, hotPaths: paths, policySize: policy };
  return { ...result, targets: targetsOf(result) };
}
