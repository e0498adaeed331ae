/**
 * docs/performance.md, written from one bench result: every figure in it comes from the run it names, so the
 * guide cannot drift from what the bench measures. `npm run bench` writes it; nothing else should.
 */
import type { LogMeasure } from "./hot-paths";
import type { BenchResult } from "./measure";

const f = (n: number, d = 1) => n.toFixed(d);
const n = (x: number) => x.toLocaleString("en-US");
const usd = (x: number) => `$${x < 0.01 && x > 0 ? x.toPrecision(2) : x.toFixed(3)}`;
const names = (xs: string[]) => (xs.length ? ` (${xs.join(", ")})` : "");

function logRow(l: LogMeasure): string {
  return l.records
    ? `${f(l.bytesPerRequest, 2)} (no line of its own in ${n(l.requests)} requests; ${l.records} aggregated records of ${l.recordBytes} B counted ${n(l.counted)})`
    : `${f(l.bytesPerRequest, 2)} (${l.perRequestLines} lines in ${n(l.requests)} requests)`;
}

/** The tables of one run, in Markdown (what `npm run bench` prints, too). */
export function renderTables(r: BenchResult): string {
  const out: string[] = [];
  const line = (s = "") => out.push(s);
  const edge = r.hotPaths["lambda-edge"];
  const fnPath = r.hotPaths["cloudfront-function"];
  const fn = fnPath.function;
  const p = r.hotPaths.prices;
  const signedInUs = r.checkAuth[0]!.us;

  line(`Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memGiB} GiB, Node ${r.machine.node} (${r.machine.platform}); run of ${r.date.slice(0, 10)}.`);
  line(`Bare RS256-2048 \`crypto.verify\`: ${f(r.bareVerifyUs)} µs.`);
  line();
  line(`| check-auth case (warm, ${n(r.counts.signedIn)} signed-in requests) | µs/request | × bare verify |`);
  line("|---|---:|---:|");
  for (const c of r.checkAuth) line(`| ${c.case} | ${f(c.us)} | ${f(c.ratio, 2)} |`);
  line();
  line(`| cold start (${r.coldStart.runs} pairs of fresh processes, medians) | wall ms | CPU ms |`);
  line("|---|---:|---:|");
  line(`| node + check-auth + first signed-in request | ${f(r.coldStart.bundleMs)} | ${f(r.coldStart.bundleCpuMs)} |`);
  line(`| node + one bare verify | ${f(r.coldStart.bareMs)} | ${f(r.coldStart.bareCpuMs)} |`);
  line(`| **overhead** (median of the pairs' differences) | **${f(r.coldStart.overheadMs)}** | ${f(r.coldStart.overheadCpuMs)} |`);
  line(`| the difference of the two medians | ${f(r.coldStart.differenceOfMediansMs)} | |`);
  line();
  line("| bundle | minified KB | gzip KB |");
  line("|---|---:|---:|");
  for (const [name, s] of Object.entries(r.sizes)) line(`| ${name} | ${f(s.bytes / 1024)} | ${f(s.gzip / 1024)} |`);
  line();
  line("| parse-auth per callback (token endpoint: another process on loopback) | µs |");
  line("|---|---:|");
  line(`| wall time per callback, token endpoint round trip included | ${f(r.parseAuth.perCallbackWallUs)} |`);
  line(`| a bare POST to the same endpoint (the token endpoint's time) | ${f(r.parseAuth.bareTokenRoundTripUs)} |`);
  line(`| **own overhead (the difference)** | **${f(r.parseAuth.overheadUs)}** |`);
  line(`| CPU time of this process per callback (HTTP client included) | ${f(r.parseAuth.cpuUs)} |`);
  line();
  line(`Hot paths: a signed-in request for \`${r.hotPaths.page}\`, default log level (info). Prices: ${p.region}, checked ${p.checked} (bench/cost.ts).`);
  line();
  line("| lambda-edge (default) | per signed-in request |");
  line("|---|---:|");
  line(`| Lambda invocations, viewer request | ${edge.invocations.lambdaViewer.length}${names(edge.invocations.lambdaViewer)} |`);
  line(`| Lambda invocations, origin response (cache misses only) | ${edge.invocations.lambdaOriginResponse.length}${names(edge.invocations.lambdaOriginResponse)} |`);
  line(`| CloudFront Function invocations | ${edge.invocations.cloudfrontFunctions.length} |`);
  line(`| log bytes, built check-auth, ${n(edge.logs.requests)} requests | ${logRow(edge.logs)} |`);
  line(`| log bytes at debug (one decision line each) | ${edge.debugLineBytes} |`);
  line(`| check-auth time (warm, this machine) → billed | ${f(signedInUs)} µs → ${edge.cost.billedMs} ms |`);
  line(`| Lambda@Edge requests ($${p.lambdaEdgePerMillionRequests}/1M) | ${usd(edge.cost.lambdaRequests)} per 1M |`);
  line(`| Lambda@Edge duration (${edge.cost.billedMs} ms × ${p.lambdaEdgeMemoryMb} MB at $${p.lambdaEdgePerGbSecond}/GB-s) | ${usd(edge.cost.lambdaDuration)} per 1M |`);
  line(`| CloudWatch Logs ingestion of our lines ($${p.logsPerGbIngested}/GB) | ${usd(edge.cost.logs)} per 1M |`);
  line(`| **cost per million signed-in requests** | **${usd(edge.cost.total)}** |`);
  line(
    edge.platformLinesWritten
      ? `| CloudWatch Logs ingestion of Lambda's own START/END/REPORT lines (~${edge.platformLogBytesEstimate} B an invocation, estimate; in the cost) | ${usd(edge.platformLogCostPerMillion)} per 1M |`
      : `| Lambda's own START/END/REPORT lines: not written (system log level ${edge.systemLogLevel}); written, ~${edge.platformLogBytesEstimate} B an invocation (estimate) would cost ${usd(edge.platformLogCostPerMillionIfWritten)} per 1M | ${usd(edge.platformLogCostPerMillion)} per 1M |`,
  );
  if (edge.invocations.lambdaOriginResponse.length)
    line(`| not included: ${edge.invocations.lambdaOriginResponse.join(", ")} on each cache miss (origin response, 1 ms billed) | ${usd(edge.originResponseCostPerMillionMisses)} per 1M misses |`);
  line();
  line(`Lambda's advanced logging controls on the Lambda@Edge functions (shared/config/edge-logging.ts):`);
  line();
  line("| control | honoured by Lambda@Edge | applied | why |");
  line("|---|---|---|---|");
  for (const c of edge.loggingControls) line(`| \`${c.key}\` | ${c.honouredByLambdaEdge ? "yes" : "no"} | ${c.applied ? "yes" : "no"} | ${c.why} |`);
  line();
  line("| cloudfront-function | per signed-in request |");
  line("|---|---:|");
  line(`| Lambda invocations, viewer request | ${fnPath.invocations.lambdaViewer.length}${names(fnPath.invocations.lambdaViewer)} |`);
  line(`| Lambda invocations, origin response (cache misses only) | ${fnPath.invocations.lambdaOriginResponse.length}${names(fnPath.invocations.lambdaOriginResponse)} |`);
  line(`| CloudFront Function invocations | ${fnPath.invocations.cloudfrontFunctions.length}${names(fnPath.invocations.cloudfrontFunctions)} |`);
  line(`| KeyValueStore reads | ${fnPath.kvsReads} |`);
  line(`| log bytes, built function in the emulator, ${n(fnPath.logs.requests)} requests | ${logRow(fnPath.logs)} |`);
  line(`| function size (limit 10,240 B; target ≤ 6,144 B) | ${n(fn.bytes)} B (${f(fn.bytes / 1024)} KB) |`);
  line(`| function size with ${r.policySize.fourRules} more rules using every selector kind, forwardIdentity and apiPaths on (scripts/policy-size.ts) | ${n(r.policySize.bytesWithFourRules)} B (${f(r.policySize.bytesWithFourRules / 1024)} KB) |`);
  line(`| such rules that fit in ${n(r.policySize.limit)} B on top of the bench's own | ${r.policySize.rulesThatFit} |`);
  line(`| time per request in the emulator, handler only, warm (indicator only: the real runtime is not Node) | ${f(fn.handlerUs)} µs |`);
  line(`| the same for a function that only returns the request | ${f(fn.emptyHandlerUs)} µs |`);
  line(`| time per request through the emulator's run (a fresh sandbox each; the empty function: ${f(fn.emptyFunctionUs)} µs) | ${f(fn.emulatorUs)} µs |`);
  line(`| CloudFront Functions ($${p.functionPerMillionInvocations}/1M) | ${usd(fnPath.cost.functions)} per 1M |`);
  line(`| KeyValueStore reads ($${p.kvsPerMillionReads}/1M, secondary source) | ${usd(fnPath.cost.kvsReads)} per 1M |`);
  line(`| **cost per million signed-in requests** | **${usd(fnPath.cost.total)}** (${usd(fnPath.costWithoutKvsReads)} without the KeyValueStore read) |`);
  line();
  line("| target | result |");
  line("|---|---|");
  for (const t of Object.values(r.targets)) line(`| ${t.label} | ${t.met ? "**met**" : "**not met**"}: ${t.result} |`);
  return out.join("\n");
}

/** docs/performance.md: how the bench measures, then the tables of run `r`. */
export function renderPerformance(r: BenchResult): string {
  const c = r.counts;
  return `# Performance

<!-- Written by \`npm run bench\` (bench/report.ts) from its last run; edit the generator, not this file. -->

\`npm run bench\` builds the bundles with a benchmark config (a second build with \`hotPath: "cloudfront-function"\`)
and measures, in one run:

- check-auth's warm cost per request (${n(c.signedIn)} signed-in requests after ${n(c.warm)} of warm-up, a ~4 KB
  cookie header with Amplify cookies, decision logging at the default level) as a ratio to one bare
  \`crypto.verify\` RS256-2048 of the same token in the same process; the same for a request without a session, an
  expired token and a forged one;
- cold start: a fresh Node process loading check-auth and answering its first signed-in request, minus a fresh
  Node process that only verifies one token: ${c.coldRuns} pairs run back to back (which goes first alternating), the overhead being the median of
  the pairs' differences in wall time (the target's figure), with the CPU time each process reports beside it;
- bundle sizes, minified and gzip;
- parse-auth's own overhead per callback against a token endpoint in another process on loopback;
- a signed-in request on each hot path, from the bundles built for it: which functions run (the routing the local
  CloudFront uses over the function catalogue), the log bytes the built function writes, its cost per million at
  AWS's published prices (\`bench/cost.ts\`), and for the CloudFront Function its size against the 10 KB limit and
  its time in the local emulator (an indicator only: the real runtime is not Node);
- the CloudFront Function's size with the benchmark config plus four access-policy rules that together use every
  selector kind, with \`forwardIdentity\` and \`apiPaths\` on, and how many such rules fit in 10 KB
  (\`scripts/policy-size.ts\`).

It writes this page and \`.build/bench/latest.json\` (untracked). \`npm test\` runs every one of these measurements
with tiny counts (test/unit/bench/smoke.test.ts), so a measurement that breaks fails the tests. Times depend on the
machine and on what else runs on it; the counts, bytes, sizes and prices do not.

How the signed-in request stays cheap: config, keys and the compiled rules are prepared at build or on first use;
\`node:http\`/\`node:https\` are not loaded until a JWKS or token call needs them; a token that passed full
verification is remembered by its exact string until its \`exp\` (bounded, per container), so a signed-in request
costs a cookie parse and two map lookups, not two RSA verifications; expired and deterministically refused tokens
are remembered too.

Costs are per million signed-in requests served from CloudFront's cache, us-east-1, on demand, without free tiers.
Not in either total: CloudFront's own request fee (the same on both paths). Lambda's START/END/REPORT lines on the
\`lambda-edge\` path are in its total only when the logging controls the deploy applies (listed below, from
\`shared/config/edge-logging.ts\`) let Lambda write them. The sources of each price are written next to it
in \`bench/cost.ts\`; the KeyValueStore price is from secondary sources only.

## The last run

${renderTables(r)}
`;
}
