/**
 * `npm run bench`: builds the bundles with a benchmark config and measures, in one run:
 *  1. warm check-auth for a signed-in request (~4 KB cookie header) as a ratio to one bare RS256 verification
 *     of the same token in the same process;
 *  2. the same for an unauthenticated request, an expired token and a forged token;
 *  3. cold start: a fresh Node process loading check-auth and answering its first signed-in request, minus a
 *     fresh Node process that only verifies one token (median of 11 runs each);
 *  4. bundle sizes, minified and gzip;
 *  5. parse-auth's own overhead per callback, excluding the token endpoint (a loopback stand-in);
 *  6. a signed-in request on each hot path, from bundles built for it (a second build with
 *     `hotPath: "cloudfront-function"`): the Lambda invocations the routing gives it (function catalogue), the log
 *     bytes the built function writes at the default log level, its cost per million at AWS's published prices
 *     (bench/cost.ts), and for the CloudFront Function its size against the 10 KB limit and its time in the local
 *     emulator (an indicator only: the real runtime is not Node).
 * Prints the tables and writes them as JSON to .build/bench/latest.json (untracked: docs/performance.md is the record).
 */
import { spawn, spawnSync } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { buildViewerRequestEvent } from "../local/cloudfront-function/event";
import { resolveConfig } from "../shared/config/resolve";
import { EDGE_FUNCTIONS } from "../shared/functions";
import { createLogger } from "../shared/log";
import { sessionCookieName } from "../shared/viewer/cookie-names";
import { SESSION_KEY, idTokenHash, sealSession } from "../shared/viewer/session-cookie";
import { accessClaims, idClaims, makeIssuer, makeKey, sign } from "../test/helpers/tokens";
import { PRICES, costPerMillion, invocationsFor, platformLogBytes } from "./cost";
import type { CostPerMillion, Invocations } from "./cost";
import { functionMeasures, lambdaLogs } from "./hot-paths";
import type { FunctionMeasure, LogMeasure } from "./hot-paths";

const root = resolve(__dirname, "..");
const HOST = "www.example.com";
const WARM = 3000;
const N = 20_000;
const COLD_RUNS = 11;
const CALLBACKS = 400;
/** Signed-in requests whose log output is measured, per hot path (a fresh check-auth instance: a new container). */
const LOG_REQUESTS = 10_000;
/** CloudFront Function runs in the emulator (each in a fresh sandbox, as the emulator runs them). */
const FUNCTION_RUNS = 2000;
/** The signed-in page the hot-path figures are for. */
const PAGE = "/reports/2026/q3.html";

/** The token endpoint stand-in: answers each code with tokens precomputed in the file named by ANSWERS. */
const TOKEN_ENDPOINT = `
const http = require("node:http"), fs = require("node:fs");
let answers;
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    answers ??= JSON.parse(fs.readFileSync(process.env.ANSWERS, "utf8"));
    const code = new URLSearchParams(body).get("code") || "";
    res.writeHead(200, { "content-type": "application/json" }).end(answers[code] || "{}");
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

type Handler = (event: unknown) => Promise<Record<string, unknown>>;

const ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8";
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36";

function event(cookie: string, uri = PAGE, accept = ACCEPT) {
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: "d1.cloudfront.net", distributionId: "E1", eventType: "viewer-request", requestId: "r" },
          request: {
            clientIp: "203.0.113.1",
            method: "GET",
            uri,
            querystring: "",
            headers: {
              host: [{ key: "Host", value: HOST }],
              accept: [{ key: "Accept", value: accept }],
              "user-agent": [{ key: "User-Agent", value: USER_AGENT }],
              ...(cookie ? { cookie: [{ key: "Cookie", value: cookie }] } : {}),
            },
          },
        },
      },
    ],
  };
}

/** µs per call of an async function, after warm-up. */
async function perCall(fn: () => Promise<unknown> | unknown, n = N, warm = WARM): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `npm run build` with the config in `configPath` into `outdir`. */
function build(configPath: string, outdir: string) {
  const b = spawnSync("npm", ["run", "-s", "build"], { cwd: root, env: { ...process.env, AUTH_CONFIG: configPath, AUTH_OUTDIR: outdir }, encoding: "utf8" });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}${b.stdout}`);
}

/** One hot path's figures for a signed-in request. */
interface HotPathResult {
  invocations: Invocations;
  logs: LogMeasure;
  cost: CostPerMillion;
}

async function wallMs(args: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  await new Promise<void>((done, fail) => {
    const p = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
    p.on("exit", (code) => (code === 0 ? done() : fail(new Error(`exit ${code}`))));
  });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "edge-auth-bench-"));
  const key = makeKey("bench-key");
  // The token endpoint stand-in runs in its own process, so its work is not counted as parse-auth's.
  const answersPath = join(work, "answers.json");
  const stand = spawn(process.execPath, ["-e", TOKEN_ENDPOINT], { env: { ...process.env, ANSWERS: answersPath }, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((done) => stand.stdout!.once("data", (d: Buffer) => done(Number(String(d).trim()))));
  const iss = makeIssuer({ key, region: "us-east-1", userPoolId: "us-east-1_Bench1", clientId: "benchclient0123456789abcd" });
  const configPath = join(work, "auth.config.json");
  // No logLevel: the default (info), which the log figures are for.
  const rawConfig = {
    region: iss.region,
    userPoolId: iss.userPoolId,
    clientId: iss.clientId,
    domain: `http://127.0.0.1:${port}`,
    issuer: iss.issuer,
    jwks: { keys: [key.jwk] },
    publicPaths: ["/public/*", "/favicon.ico"],
    rules: [{ path: "/admin/*", groups: ["admins"] }],
  };
  writeFileSync(configPath, JSON.stringify(rawConfig));
  const outdir = join(work, "dist");
  build(configPath, outdir);
  // The same site with the CloudFront Function hot path, for its figures.
  const fnConfigPath = join(work, "auth.config.function.json");
  const rawFnConfig = { ...rawConfig, hotPath: "cloudfront-function" };
  writeFileSync(fnConfigPath, JSON.stringify(rawFnConfig));
  const fnOutdir = join(work, "dist-function");
  build(fnConfigPath, fnOutdir);

  // Logs go nowhere during the measurement, but every log line is still produced (JSON.stringify included).
  const realLog = console.log;
  console.log = () => undefined;

  const user = { username: "7d1e7c3a-1c2b-4f2e-9a55-0c3b1c1e9f00", email: "reader@example.com", groups: ["readers"] };
  const idToken = sign(idClaims(iss, user), key);
  const accessToken = sign(accessClaims(iss, user), key);
  const prefix = `CognitoIdentityServiceProvider.${iss.clientId}`;
  const filler = `_ga=GA1.1.1234567890.1700000000; _gid=GA1.1.987654321.1700000000; theme=dark; consent=${"x".repeat(600)}`;
  const sessionCookie = (id: string, access: string) =>
    `${filler}; ${prefix}.LastAuthUser=${user.username}; ${prefix}.${user.username}.idToken=${id}; ${prefix}.${user.username}.accessToken=${access}; ${prefix}.${user.username}.refreshToken=${"r".repeat(1700)}`;
  const signedIn = sessionCookie(idToken, accessToken);
  const old = { ...user, iat: Math.floor(Date.now() / 1000) - 7200 };
  const expired = sessionCookie(sign(idClaims(iss, old), key), sign(accessClaims(iss, old), key));
  const forged = sessionCookie(sign(idClaims(iss, user), makeKey("bench-key")), accessToken);

  const checkAuth = (require(join(outdir, "check-auth", "index.js")) as { handler: Handler }).handler;
  const sanity = await checkAuth(event(signedIn));
  if (sanity.status !== undefined) throw new Error("benchmark session is not signed in");

  const publicKey = createPublicKey({ key: key.jwk as never, format: "jwk" });
  const [h, p, s] = idToken.split(".") as [string, string, string];
  const input = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, "base64url");
  const bare = await perCall(() => verify("RSA-SHA256", input, publicKey, sig), 5000, 500);
  const rows: { case: string; us: number; ratio: number }[] = [];
  for (const [name, cookie] of [
    ["signed-in", signedIn],
    ["no session (redirect to sign-in)", filler],
    ["expired (redirect to refresh)", expired],
    ["forged (rejected, new sign-in)", forged],
  ] as const) {
    const ev = () => checkAuth(event(cookie));
    const us = await perCall(ev, name === "signed-in" ? N : 5000, name === "signed-in" ? WARM : 500);
    rows.push({ case: name, us, ratio: us / bare });
  }
  console.log = realLog;

  // Cold start.
  const coldScript = join(work, "cold.js");
  writeFileSync(
    coldScript,
    `const h=require(${JSON.stringify(join(outdir, "check-auth", "index.js"))}).handler;console.log=()=>{};h(${JSON.stringify(event(signedIn))}).then(r=>{if(r.status!==undefined)process.exit(1)});`,
  );
  const bareScript = join(work, "bare.js");
  writeFileSync(
    bareScript,
    `const c=require("node:crypto");const k=c.createPublicKey({key:${JSON.stringify(key.jwk)},format:"jwk"});const t=${JSON.stringify(idToken)}.split(".");if(!c.verify("RSA-SHA256",Buffer.from(t[0]+"."+t[1]),k,Buffer.from(t[2],"base64url")))process.exit(1);`,
  );
  const cold: number[] = [];
  const bareCold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    cold.push(await wallMs([coldScript]));
    bareCold.push(await wallMs([bareScript]));
  }

  // Bundle sizes.
  const sizes: Record<string, { bytes: number; gzip: number }> = {};
  for (const { name } of EDGE_FUNCTIONS) {
    const code = readFileSync(join(outdir, name, "index.js"));
    sizes[name] = { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
  }

  // parse-auth overhead: callbacks against the loopback token endpoint (another process) answering
  // precomputed tokens. Own overhead = wall time per callback minus the round trip of a bare POST to the same
  // endpoint; the CPU time this process spends per callback is shown beside it.
  console.log = () => undefined;
  const answers: Record<string, string> = {};
  const parseAuth = (require(join(outdir, "parse-auth", "index.js")) as { handler: Handler }).handler;
  const callbacks: { qs: string; cookie: string; code: string }[] = [];
  for (let i = 0; i < CALLBACKS; i++) {
    const start = await checkAuth(event(""));
    const loc = new URL((start.headers as Record<string, { value: string }[]>).location![0]!.value);
    const cookie = (start.headers as Record<string, { value: string }[]>)["set-cookie"]![0]!.value.split(";")[0]!;
    const nonce = loc.searchParams.get("nonce")!;
    const code = `code-${i}`;
    const u = { ...user, nonce };
    answers[code] = JSON.stringify({ id_token: sign(idClaims(iss, u), key), access_token: sign(accessClaims(iss, u), key), refresh_token: "r".repeat(1700), expires_in: 3600, token_type: "Bearer" });
    callbacks.push({ qs: `code=${code}&state=${loc.searchParams.get("state")}`, cookie, code });
  }
  writeFileSync(answersPath, JSON.stringify(answers));
  const callbackEvent = (c: (typeof callbacks)[number]) => {
    const ev = event(c.cookie);
    ev.Records[0]!.cf.request.uri = "/parseauth";
    ev.Records[0]!.cf.request.querystring = c.qs;
    return ev;
  };
  const WARM_CALLBACKS = 50;
  for (const c of callbacks.slice(0, WARM_CALLBACKS)) await parseAuth(callbackEvent(c));
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  for (const c of callbacks.slice(WARM_CALLBACKS)) {
    const r = await parseAuth(callbackEvent(c));
    if (r.status !== "302") throw new Error(`callback failed: ${r.status}`);
  }
  const measured = CALLBACKS - WARM_CALLBACKS;
  const parseWallUs = Number(process.hrtime.bigint() - wall0) / 1000 / measured;
  const cpu = process.cpuUsage(cpu0);
  const parseCpuUs = (cpu.user + cpu.system) / measured;
  const http = await import("node:http");
  const endpointOnly = async (code: string) =>
    new Promise<void>((done) => {
      const body = new URLSearchParams({ grant_type: "authorization_code", code, client_id: iss.clientId, code_verifier: "v".repeat(43), redirect_uri: `https://${HOST}/parseauth` }).toString();
      const r = http.request(`http://127.0.0.1:${port}/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => done());
      });
      r.end(body);
    });
  const t0 = process.hrtime.bigint();
  for (const c of callbacks.slice(WARM_CALLBACKS)) await endpointOnly(c.code);
  const endpointUs = Number(process.hrtime.bigint() - t0) / 1000 / measured;
  console.log = realLog;
  stand.kill();

  // Hot paths: a signed-in request on each, from the bundles built for it. Which functions run comes from the
  // routing the local CloudFront uses over the function catalogue, with each build's resolved config.
  const resolved = (raw: Record<string, unknown>) => {
    const r = resolveConfig(raw, { nonceSigningSecret: "x".repeat(32), sessionSigningSecret: "x".repeat(43) });
    if (!r.ok) throw new Error(`bench config: ${r.errors.join("; ")}`);
    return r.config;
  };
  const edgeInv = invocationsFor(PAGE, resolved(rawConfig));
  const edgeLogs = await lambdaLogs(join(outdir, "check-auth", "index.js"), () => event(signedIn), LOG_REQUESTS, (r) => {
    if (r.status !== undefined) throw new Error("benchmark session is not signed in");
  });
  // What a signed-in request still writes at debug (and wrote at info before decisions were counted): its line.
  let debugLineBytes = 0;
  createLogger("check-auth", "debug", (l) => (debugLineBytes = Buffer.byteLength(l) + 1)).decision("signed-in", { path: PAGE });
  const lambdaEdge: HotPathResult = {
    invocations: edgeInv,
    logs: edgeLogs,
    cost: costPerMillion({
      lambdaInvocations: edgeInv.lambdaViewer.length,
      lambdaDurationUs: rows[0]!.us,
      functionInvocations: edgeInv.cloudfrontFunctions.length,
      kvsReads: 0,
      logBytes: edgeLogs.bytesPerRequest,
    }),
  };

  const fnDir = join(fnOutdir, "check-auth-function");
  const kvsData = JSON.parse(readFileSync(join(fnDir, "kvs.json"), "utf8")) as { data: { key: string; value: string }[] };
  const sessionKey = kvsData.data.find((d) => d.key === SESSION_KEY)!.value;
  const session = sealSession({ c: iss.clientId, s: user.username, u: user.username, g: user.groups, x: Math.floor(Date.now() / 1000) + 3600, h: idTokenHash(idToken) }, sessionKey);
  const fnEvent = buildViewerRequestEvent({
    method: "GET",
    path: PAGE,
    query: "",
    // What the browser sends on this hot path: the token cookies as before, and the session cookie.
    headers: [["Host", HOST], ["Accept", ACCEPT], ["User-Agent", USER_AGENT], ["Cookie", `${signedIn}; ${sessionCookieName({})}=${session}`]],
    ip: "203.0.113.1",
  });
  const fn: FunctionMeasure = await functionMeasures(fnDir, fnEvent, FUNCTION_RUNS, perCall);
  const fnInv = invocationsFor(PAGE, resolved(rawFnConfig));
  const fnUsage = {
    lambdaInvocations: fnInv.lambdaViewer.length,
    lambdaDurationUs: 0,
    functionInvocations: fnInv.cloudfrontFunctions.length,
    kvsReads: fnInv.cloudfrontFunctions.length * fn.kvsReadsPerRequest,
    logBytes: fn.logs.bytesPerRequest,
  };
  const cloudfrontFunction: HotPathResult & { function: FunctionMeasure; costWithoutKvsReads: number } = {
    invocations: fnInv,
    logs: fn.logs,
    cost: costPerMillion(fnUsage),
    costWithoutKvsReads: costPerMillion({ ...fnUsage, kvsReads: 0 }).total,
    function: fn,
  };
  // The origin-response functions run on cache misses only; their duration is not measured: the 1 ms minimum.
  const originResponseCost = costPerMillion({ lambdaInvocations: edgeInv.lambdaOriginResponse.length, lambdaDurationUs: 1, functionInvocations: 0, kvsReads: 0, logBytes: 0 }).total;
  const platformBytes = platformLogBytes();
  const platformCost = costPerMillion({ lambdaInvocations: 0, lambdaDurationUs: 0, functionInvocations: 0, kvsReads: 0, logBytes: platformBytes }).logs;

  const machine = { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` };
  const result = {
    date: new Date().toISOString(),
    machine,
    bareVerifyUs: bare,
    checkAuth: rows,
    coldStart: { bundleMs: median(cold), bareMs: median(bareCold), overheadMs: median(cold) - median(bareCold), runs: COLD_RUNS },
    sizes,
    parseAuth: { perCallbackWallUs: parseWallUs, bareTokenRoundTripUs: endpointUs, overheadUs: parseWallUs - endpointUs, cpuUs: parseCpuUs },
    hotPaths: {
      page: PAGE,
      prices: PRICES,
      "lambda-edge": { ...lambdaEdge, debugLineBytes, platformLogBytesEstimate: platformBytes, platformLogCostPerMillion: platformCost, originResponseCostPerMillionMisses: originResponseCost },
      "cloudfront-function": cloudfrontFunction,
    },
    targets: {
      signedInRatio: { target: 0.5, met: rows[0]!.ratio <= 0.5 },
      coldStartOverheadMs: { target: 10, met: median(cold) - median(bareCold) <= 10 },
      checkAuthGzipBytes: { target: 8192, met: sizes["check-auth"]!.gzip <= 8192 },
      othersSmaller: { met: Object.entries(sizes).every(([n, s]) => n === "check-auth" || s.gzip < sizes["check-auth"]!.gzip) },
      // A log line per signed-in request is what the target forbids; the aggregated records are reported beside it.
      lambdaEdgeLogBytesPerSignedInRequest: { target: 0, perRequestLines: edgeLogs.perRequestLines, amortisedBytes: edgeLogs.bytesPerRequest, met: edgeLogs.perRequestLines === 0 },
      functionLambdaInvocations: { target: 0, met: fnInv.lambdaViewer.length + fnInv.lambdaOriginResponse.length === 0 },
      functionLogBytesPerSignedInRequest: { target: 0, met: fn.logs.bytes === 0 },
      functionCostPerMillion: { target: 0.11, total: cloudfrontFunction.cost.total, withoutKvsReads: cloudfrontFunction.costWithoutKvsReads, met: cloudfrontFunction.cost.total <= 0.11 },
      functionBytes: { target: 6144, limit: 10_240, bytes: fn.bytes, met: fn.bytes <= 6144 },
    },
  };
  const outDir = join(root, ".build", "bench");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "latest.json"), `${JSON.stringify(result, null, 2)}\n`);

  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(`\nMachine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  console.log(`Bare RS256-2048 crypto.verify: ${f(bare)} µs\n`);
  console.log("| check-auth case | µs/request | × bare verify |");
  console.log("|---|---:|---:|");
  for (const r of rows) console.log(`| ${r.case} | ${f(r.us)} | ${f(r.ratio, 2)} |`);
  console.log(`\n| cold start (median of ${COLD_RUNS}) | ms |`);
  console.log("|---|---:|");
  console.log(`| node + check-auth + first signed-in request | ${f(result.coldStart.bundleMs)} |`);
  console.log(`| node + one bare verify | ${f(result.coldStart.bareMs)} |`);
  console.log(`| **overhead** | **${f(result.coldStart.overheadMs)}** |`);
  console.log("\n| bundle | minified KB | gzip KB |");
  console.log("|---|---:|---:|");
  for (const [n, s] of Object.entries(sizes)) console.log(`| ${n} | ${f(s.bytes / 1024)} | ${f(s.gzip / 1024)} |`);
  console.log(`\n| parse-auth per callback (token endpoint: another process on loopback) | µs |`);
  console.log("|---|---:|");
  console.log(`| wall time per callback, token endpoint round trip included | ${f(parseWallUs)} |`);
  console.log(`| a bare POST to the same endpoint (the token endpoint's time) | ${f(endpointUs)} |`);
  console.log(`| **own overhead (the difference)** | **${f(parseWallUs - endpointUs)}** |`);
  console.log(`| CPU time of this process per callback (HTTP client included) | ${f(parseCpuUs)} |`);
  const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toPrecision(2) : n.toFixed(3)}`;
  const names = (xs: string[]) => (xs.length ? ` (${xs.join(", ")})` : "");
  const n = (x: number) => x.toLocaleString("en-US");
  const logRow = (l: LogMeasure) =>
    l.records
      ? `${f(l.bytesPerRequest, 2)} (no line of its own in ${n(l.requests)} requests; ${l.records} aggregated records of ${l.recordBytes} B counted ${n(l.counted)})`
      : `${f(l.bytesPerRequest, 2)} (${l.perRequestLines} lines in ${n(l.requests)} requests)`;
  console.log(`\nHot paths: a signed-in request for ${PAGE}, default log level (info). Prices: ${PRICES.region}, checked ${PRICES.checked} (bench/cost.ts).`);
  console.log("\n| lambda-edge (default) | per signed-in request |");
  console.log("|---|---:|");
  console.log(`| Lambda invocations, viewer request | ${edgeInv.lambdaViewer.length}${names(edgeInv.lambdaViewer)} |`);
  console.log(`| Lambda invocations, origin response (cache misses only) | ${edgeInv.lambdaOriginResponse.length}${names(edgeInv.lambdaOriginResponse)} |`);
  console.log(`| CloudFront Function invocations | ${edgeInv.cloudfrontFunctions.length} |`);
  console.log(`| log bytes, built check-auth, ${n(LOG_REQUESTS)} requests | ${logRow(edgeLogs)} |`);
  console.log(`| log bytes at debug (one decision line each) | ${debugLineBytes} |`);
  console.log(`| check-auth time (warm, this machine) → billed | ${f(rows[0]!.us)} µs → ${lambdaEdge.cost.billedMs} ms |`);
  console.log(`| Lambda@Edge requests ($${PRICES.lambdaEdgePerMillionRequests}/1M) | ${usd(lambdaEdge.cost.lambdaRequests)} per 1M |`);
  console.log(`| Lambda@Edge duration (${lambdaEdge.cost.billedMs} ms × ${PRICES.lambdaEdgeMemoryMb} MB at $${PRICES.lambdaEdgePerGbSecond}/GB-s) | ${usd(lambdaEdge.cost.lambdaDuration)} per 1M |`);
  console.log(`| CloudWatch Logs ingestion of our lines ($${PRICES.logsPerGbIngested}/GB) | ${usd(lambdaEdge.cost.logs)} per 1M |`);
  console.log(`| **cost per million signed-in requests** | **${usd(lambdaEdge.cost.total)}** |`);
  console.log(`| not included: Lambda's own START/END/REPORT lines (~${platformBytes} B an invocation, estimate) | ${usd(platformCost)} per 1M |`);
  if (edgeInv.lambdaOriginResponse.length)
    console.log(`| not included: ${edgeInv.lambdaOriginResponse.join(", ")} on each cache miss (origin response, 1 ms billed) | ${usd(originResponseCost)} per 1M misses |`);
  console.log("\n| cloudfront-function | per signed-in request |");
  console.log("|---|---:|");
  console.log(`| Lambda invocations, viewer request | ${fnInv.lambdaViewer.length}${names(fnInv.lambdaViewer)} |`);
  console.log(`| Lambda invocations, origin response (cache misses only) | ${fnInv.lambdaOriginResponse.length}${names(fnInv.lambdaOriginResponse)} |`);
  console.log(`| CloudFront Function invocations | ${fnInv.cloudfrontFunctions.length}${names(fnInv.cloudfrontFunctions)} |`);
  console.log(`| KeyValueStore reads | ${fnUsage.kvsReads} |`);
  console.log(`| log bytes, built function in the emulator, ${n(FUNCTION_RUNS)} requests | ${logRow(fn.logs)} |`);
  console.log(`| function size (limit 10,240 B; target ≤ 6,144 B) | ${n(fn.bytes)} B (${f(fn.bytes / 1024)} KB) |`);
  console.log(`| time per request in the emulator, handler only, warm (indicator only: the real runtime is not Node) | ${f(fn.handlerUs)} µs |`);
  console.log(`| the same for a function that only returns the request | ${f(fn.emptyHandlerUs)} µs |`);
  console.log(`| time per request through the emulator's run (a fresh sandbox each; the empty function: ${f(fn.emptyFunctionUs)} µs) | ${f(fn.emulatorUs)} µs |`);
  console.log(`| CloudFront Functions ($${PRICES.functionPerMillionInvocations}/1M) | ${usd(cloudfrontFunction.cost.functions)} per 1M |`);
  console.log(`| KeyValueStore reads ($${PRICES.kvsPerMillionReads}/1M, secondary source) | ${usd(cloudfrontFunction.cost.kvsReads)} per 1M |`);
  console.log(`| **cost per million signed-in requests** | **${usd(cloudfrontFunction.cost.total)}** (${usd(cloudfrontFunction.costWithoutKvsReads)} without the KeyValueStore read) |`);
  console.log(`\nTargets: ${Object.entries(result.targets).map(([k, v]) => `${k} ${v.met ? "met" : "NOT met"}`).join(", ")}`);
  console.log(`Results written to .build/bench/latest.json`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
