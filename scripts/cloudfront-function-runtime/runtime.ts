/**
 * A local stand-in for the CloudFront Functions runtime `cloudfront-js-2.0`: loads a function's code only if the
 * runtime would take it (size, documented syntax, modules, a top-level handler) and runs its handler for
 * viewer-request events in a fresh sandbox with only what the runtime documents, under a compute budget, checking the
 * result's shape. It lets `npm start` and the tests hold a CloudFront Function to the production rules.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
import vm from "node:vm";
import { CloudFrontFunctionError } from "./errors";
import { toKvsStore } from "./kvs";
import type { KvsData } from "./kvs";
import { checkResult } from "./result";
import { defineRawQueryString, rawQueryStringOf } from "./event";
import { createSandbox } from "./sandbox";
import { checkSource } from "./syntax";
import type { CheckedSource } from "./syntax";
import type { CffRunResult, CffViewerRequestEvent } from "./types";

export { CloudFrontFunctionError } from "./errors";
export type { CloudFrontFunctionErrorCode } from "./errors";
export type { KvsData } from "./kvs";

/** "Maximum function size: 10 KB" (not adjustable), counted in UTF-8 bytes of the code. */
export const MAX_FUNCTION_BYTES = 10 * 1024;

/**
 * Default compute budget per evaluation, in ms of CPU time. CloudFront's real limit is "compute utilization", a
 * share of a maximum run time AWS does not publish, so it cannot be emulated exactly; this budget catches runaway
 * and pathologically slow code. It counts CPU time, as CloudFront does, so a stall of a loaded test machine (another
 * process, a pause between time slices) does not count; a wall-clock stop at `WALL_CLOCK_FACTOR` times the budget
 * ends code that never yields.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-function-restrictions.html
 */
export const DEFAULT_BUDGET_MS = 250;
/** The wall-clock stop, as a multiple of the CPU budget. */
export const WALL_CLOCK_FACTOR = 4;

/** Options for `loadCloudFrontFunction`. */
export interface LoadOptions {
  /** The key value store associated with the function, in CloudFront's import format. Default: none. */
  kvs?: KvsData;
  /** The store's id, which `cf.kvs(id)` must then name. Default: any id is accepted. */
  kvsId?: string;
  /** The compute budget (CPU ms) for the function's top-level code and, separately, for each handler run. Default 250 ms. */
  budgetMs?: number;
  /** The clock `Date` is frozen from at the start of each run. Default `Date.now`. */
  now?: () => number;
}

/** A loaded function. */
export interface CloudFrontFunction {
  /** Runs the handler for one event; rejects with a `CloudFrontFunctionError` (with `status`) when CloudFront would fail. */
  run(event: CffViewerRequestEvent): Promise<CffRunResult>;
  /** The code's size in UTF-8 bytes. */
  size: number;
}

const FILENAME = "cloudfront-function.js";

/** The code as a strict classic script: the import line blanked (line numbers kept), its binding made by the sandbox. */
function toScript(code: string, checked: CheckedSource): vm.Script {
  const imp = checked.cloudfrontImport;
  const body = imp ? code.slice(0, imp.start) + code.slice(imp.start, imp.end).replace(/[^\n]/g, " ") + code.slice(imp.end) : code;
  try {
    return new vm.Script(`"use strict";${body}`, { filename: FILENAME });
  } catch (err) {
    throw new CloudFrontFunctionError("syntax", String(err));
  }
}

const overBudget = (logs: string[]) => {
  const failure = new CloudFrontFunctionError("budget", "the function ran past its compute budget", undefined, 503);
  failure.logs = logs;
  return failure;
};

/** Turns whatever an evaluation threw into the failure CloudFront would report (503: an execution error). */
function toRunError(err: unknown, logs: string[]): CloudFrontFunctionError {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; stack?: unknown };
  const failure =
    e?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT"
      ? overBudget(logs)
      : new CloudFrontFunctionError(
          "runtime-error",
          typeof e?.message === "string" ? `${String(e.name)}: ${e.message}` : `threw ${String(err)}`,
          Number(new RegExp(`${FILENAME}:(\\d+)`).exec(String(e?.stack))?.[1]) || undefined,
          503,
        );
  failure.logs = logs;
  return failure;
}

function evaluate(script: vm.Script, context: vm.Context, budgetMs: number, logs: string[]): unknown {
  const start = process.cpuUsage();
  let out: unknown;
  try {
    out = script.runInContext(context, { timeout: Math.max(1, Math.round(budgetMs * WALL_CLOCK_FACTOR)) });
  } catch (err) {
    throw toRunError(err, logs);
  }
  const used = process.cpuUsage(start);
  if ((used.user + used.system) / 1000 > budgetMs) throw overBudget(logs);
  return out;
}

// The handler's promise settles while the evaluation drains microtasks (the context runs them "afterEvaluate"), so a
// still-pending promise means it waits on something that never comes: the runtime has no timers or I/O.
const invocation = (event: CffViewerRequestEvent) =>
  new vm.Script(
    `(function () {
      var out = { state: "pending" }, event = JSON.parse(${JSON.stringify(JSON.stringify(event))});
      ${defineRawQueryString("event", rawQueryStringOf(event))}
      Promise.resolve().then(function () { return handler(event); })
        .then(function (value) { out.state = "ok"; out.value = value; }, function (error) { out.state = "error"; out.error = error; });
      return out;
    })()`,
    { filename: "cloudfront-invoke.js" },
  );

/**
 * Checks `code` against the runtime's documented rules and returns a runnable function, or throws a
 * `CloudFrontFunctionError` (`too-large`, `syntax`, `unsupported-syntax`, `dynamic-code`, `module`, `export`,
 * `no-handler`, `kvs`) naming the problem and its line.
 */
export function loadCloudFrontFunction(code: string, opts: LoadOptions = {}): CloudFrontFunction {
  const size = Buffer.byteLength(code, "utf8");
  if (size > MAX_FUNCTION_BYTES) throw new CloudFrontFunctionError("too-large", `the code is ${size} bytes, over the ${MAX_FUNCTION_BYTES}-byte (10 KB) limit`);
  const checked = checkSource(code);
  const kvs = opts.kvs ? toKvsStore(opts.kvs, opts.kvsId ? { id: opts.kvsId } : {}) : undefined;
  const script = toScript(code, checked);
  const budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
  const now = opts.now ?? Date.now;
  return {
    size,
    async run(event) {
      const local = checked.cloudfrontImport?.local;
      const { context, logs, kvsReads } = createSandbox({ now: now(), ...(kvs ? { kvs } : {}), ...(local ? { cloudfrontLocal: local } : {}) });
      evaluate(script, context, budgetMs, logs);
      const out = evaluate(invocation(event), context, budgetMs, logs) as { state: string; value?: unknown; error?: unknown };
      if (out.state === "pending") {
        const failure = new CloudFrontFunctionError("unsettled", "the handler's promise never settled (there are no timers or I/O to wait for)", undefined, 503);
        failure.logs = logs;
        throw failure;
      }
      if (out.state === "error") throw toRunError(out.error, logs);
      try {
        const result = checkResult(out.value, event);
        const plain = JSON.parse(JSON.stringify(result.kind === "request" ? result.request : result.response));
        return result.kind === "request" ? { kind: "request", request: plain, logs, kvsReads: kvsReads() } : { kind: "response", response: plain, logs, kvsReads: kvsReads() };
      } catch (err) {
        if (err instanceof CloudFrontFunctionError) err.logs = logs;
        throw err;
      }
    },
  };
}
