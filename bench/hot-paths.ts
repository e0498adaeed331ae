/**
 * The benchmark's measurements of a signed-in request on each hot path, from the built bundles: the log bytes the
 * built check-auth writes at the configured level, and the built CloudFront Function's size, logs and time in the
 * local emulator (scripts/cloudfront-function-runtime), which is Node, not CloudFront's runtime.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { defineRawQueryString, rawQueryStringOf } from "../scripts/cloudfront-function-runtime/event";
import { toKvsStore } from "../scripts/cloudfront-function-runtime/kvs";
import { loadCloudFrontFunction } from "../scripts/cloudfront-function-runtime/runtime";
import type { KvsData } from "../scripts/cloudfront-function-runtime/runtime";
import { createSandbox } from "../scripts/cloudfront-function-runtime/sandbox";
import { checkSource } from "../scripts/cloudfront-function-runtime/syntax";
import type { CffViewerRequestEvent } from "../scripts/cloudfront-function-runtime/types";

/** What a function wrote over a run of requests. */
export interface LogMeasure {
  requests: number;
  /** Bytes written (each line and its newline). */
  bytes: number;
  bytesPerRequest: number;
  /** Lines about one request (`"msg":"decision"`). */
  perRequestLines: number;
  /** Aggregated decision records (`"msg":"decisions"`), and the decisions they count. */
  records: number;
  counted: number;
  /** Bytes of one aggregated record, when there was one. */
  recordBytes?: number;
}

function measureLines(lines: string[], requests: number): LogMeasure {
  let bytes = 0;
  let perRequestLines = 0;
  let records = 0;
  let counted = 0;
  let recordBytes: number | undefined;
  for (const line of lines) {
    bytes += Buffer.byteLength(line) + 1;
    let rec: { msg?: unknown; Decisions?: unknown } = {};
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      // not one of ours: counted in bytes only
    }
    if (rec.msg === "decision") perRequestLines++;
    if (rec.msg === "decisions") {
      records++;
      counted += Number(rec.Decisions);
      recordBytes = Buffer.byteLength(line) + 1;
    }
  }
  return { requests, bytes, bytesPerRequest: bytes / requests, perRequestLines, records, counted, ...(recordBytes !== undefined ? { recordBytes } : {}) };
}

type Handler = (event: unknown) => Promise<Record<string, unknown>>;

/**
 * Runs `fn` with what the process writes to stdout handed to `line` instead: `process.stdout.write`, where the
 * Lambda@Edge functions write their lines (shared/log.ts `stdoutSink`), and `console.log` (the triggers' sink, and
 * any stray line), each call split into its lines. The bench's timing loops pass a `line` that drops them: every
 * line is still produced, JSON.stringify included.
 */
export async function capturingStdout<T>(line: (l: string) => void, fn: () => Promise<T>): Promise<T> {
  const realWrite = process.stdout.write;
  const realLog = console.log;
  let partial = "";
  const take = (text: string) => {
    const parts = (partial + text).split("\n");
    partial = parts.pop()!;
    for (const p of parts) line(p);
  };
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    take(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  console.log = (...args: unknown[]) => take(`${args.map(String).join(" ")}\n`);
  try {
    return await fn();
  } finally {
    process.stdout.write = realWrite;
    console.log = realLog;
    if (partial) line(partial);
  }
}

/**
 * Runs `n` requests through a fresh instance of the built Lambda@Edge bundle in `file` (its own logger state, as a
 * new container has) and measures what it writes to stdout (`capturingStdout`), where Lambda takes its logs from.
 * `check` throws when a result is not the one expected (so a broken session cannot pass as a quiet one).
 */
export async function lambdaLogs(file: string, event: () => unknown, n: number, check: (r: Record<string, unknown>) => void): Promise<LogMeasure> {
  delete require.cache[require.resolve(file)];
  const handler = (require(file) as { handler: Handler }).handler;
  const lines: string[] = [];
  await capturingStdout(
    (l) => lines.push(l),
    async () => {
      for (let i = 0; i < n; i++) check(await handler(event()));
    },
  );
  return measureLines(lines, n);
}

/** The built CloudFront Function in the emulator: size, logs over `n` requests, and time per request. */
export interface FunctionMeasure {
  /** Code size in UTF-8 bytes (what CloudFront's 10 KB limit counts). */
  bytes: number;
  logs: LogMeasure;
  /** µs per request of the handler alone, warm, in one of the emulator's sandboxes (event parsing included). */
  handlerUs: number;
  /** The same for a function that only returns the request. */
  emptyHandlerUs: number;
  /** µs per request through the emulator's `run`: a fresh sandbox per request, as the emulator runs it. */
  emulatorUs: number;
  /** The same for a function that only returns the request: the emulator's own overhead. */
  emptyFunctionUs: number;
  /** KeyValueStore reads per signed-in request, as the emulator counted them. */
  kvsReadsPerRequest: number;
}

/**
 * µs per request of `code`'s handler run `n` times (after `n / 10` to warm up) in one sandbox of the emulator, so
 * that what is timed is the function and not the making of a sandbox. Each request gets its own parsed event, as
 * the runtime hands each invocation its own. Throws unless every run lets the request through.
 */
function handlerLoopUs(code: string, kvs: KvsData | undefined, event: CffViewerRequestEvent, n: number): number {
  const imp = checkSource(code).cloudfrontImport;
  // As the emulator loads it: the import line blanked, its binding made by the sandbox.
  const body = imp ? code.slice(0, imp.start) + " ".repeat(imp.end - imp.start) + code.slice(imp.end) : code;
  const { context } = createSandbox({ now: Date.now(), ...(kvs ? { kvs: toKvsStore(kvs) } : {}), ...(imp ? { cloudfrontLocal: imp.local } : {}) });
  new vm.Script(`"use strict";${body}`).runInContext(context);
  const loop = (k: number) =>
    new vm.Script(
      `(function () { var ev = ${JSON.stringify(JSON.stringify(event))}, passed = { n: 0 };
        // Each parsed copy gets back what JSON drops: request.rawQueryString(), as the emulator gives it.
        for (var i = 0; i < ${k}; i++) { var e = JSON.parse(ev); ${defineRawQueryString("e", rawQueryStringOf(event))}
          Promise.resolve(handler(e)).then(function (r) { if (r && r.uri) passed.n++; }); }
        return passed; })()`,
    );
  const warm = loop(Math.ceil(n / 10));
  const timed = loop(n);
  warm.runInContext(context);
  const t0 = process.hrtime.bigint();
  // Microtasks drain before the evaluation returns (the sandbox's microtaskMode), so every handler has finished.
  const passed = timed.runInContext(context) as { n: number };
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  if (passed.n !== n) throw new Error(`the function let ${passed.n} of ${n} requests through`);
  return us;
}

/**
 * Measures the CloudFront Function built into `dir` (`index.js`, `kvs.json`) on `event`, which must be let through
 * (a signed-in request). `perCall` is the benchmark's timer.
 */
export async function functionMeasures(
  dir: string,
  event: CffViewerRequestEvent,
  n: number,
  perCall: (fn: () => Promise<unknown>, n: number, warm: number) => Promise<number>,
): Promise<FunctionMeasure> {
  const code = readFileSync(join(dir, "index.js"), "utf8");
  const kvs = JSON.parse(readFileSync(join(dir, "kvs.json"), "utf8")) as KvsData;
  // The emulator's 50 ms wall-clock budget only catches runaway code; a busy machine must not fail a measurement.
  const budgetMs = 2000;
  const fn = loadCloudFrontFunction(code, { kvs, budgetMs });
  const lines: string[] = [];
  let reads = 0;
  for (let i = 0; i < n; i++) {
    const r = await fn.run(event);
    if (r.kind !== "request") throw new Error("benchmark session is not signed in for the CloudFront Function");
    lines.push(...r.logs);
    reads += r.kvsReads;
  }
  const emptyCode = "function handler(event) { return event.request; }\n";
  const handlerUs = handlerLoopUs(code, kvs, event, n * 10);
  const emptyHandlerUs = handlerLoopUs(emptyCode, undefined, event, n * 10);
  const emulatorUs = await perCall(() => fn.run(event), n, Math.min(200, n));
  const empty = loadCloudFrontFunction(emptyCode, { budgetMs });
  const emptyFunctionUs = await perCall(() => empty.run(event), n, Math.min(200, n));
  // Counted by the emulator on the signed-in runs above (a page of the function's own reads its stylesheet too).
  const kvsReadsPerRequest = reads / n;
  return { bytes: fn.size, logs: measureLines(lines, n), handlerUs, emptyHandlerUs, emulatorUs, emptyFunctionUs, kvsReadsPerRequest };
}
