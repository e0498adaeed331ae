/**
 * Logs: one JSON line per event with a level. A decision line is also a CloudWatch Embedded Metric Format record
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
 * so `Decisions` counts by `Function` and `Reason` can be graphed with no extra service.
 *
 * The expected decisions of nearly every request (`QUIET_REASONS`: signed-in, public, preflight) are not written
 * per request below `debug`: they are counted, and the counts are written now and then as aggregated EMF records
 * (one per reason, `Decisions` = the count), so dashboards keep their numbers and a signed-in request writes no
 * bytes. Lambda has no timers between invocations, so the counts are written by a later decision once the window
 * has passed or enough have piled up; what a container counted after its last record is lost when Lambda retires
 * it, so these counts are a lower bound.
 *
 * Callers pass only fixed reason codes and paths; tokens, codes, cookie values and secrets are never given to
 * the logger, and `path` is logged without its query string.
 */
import type { LogLevel } from "./config/types";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type Sink = (line: string) => void;

/**
 * Writes the line to stdout as it is, one line: what the Lambda@Edge functions use. In Lambda's JSON log format
 * (which they run with, shared/config/edge-logging.ts) a line written this way stays our own JSON object, so it is
 * still an EMF record and Lambda filters it by its `level`; a `console.log` line would become the `message` string
 * of Lambda's own record, and no metric.
 */
export const stdoutSink: Sink = (line) => void process.stdout.write(`${line}\n`);
/** `console.log`: in Lambda's text format each line gets the time, request id and level in front. The triggers' sink. */
export const consoleSink: Sink = (line) => console.log(line);

export interface Logger {
  /**
   * Logs a decision: one line with its EMF record; or, for a quiet reason at `info`, one more to the counts.
   * Either way, writes the counts first when they are due.
   */
  decision(reason: string, fields?: Record<string, string | number | boolean | undefined>): void;
  log(level: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, string | number | boolean | undefined>): void;
}

export const NAMESPACE = "EdgeAuth";

/**
 * The decisions counted instead of written per request at `info`: expected, and on nearly every request. Every
 * other reason (failures, redirects to sign-in, rejections, errors) keeps its line.
 */
export const QUIET_REASONS = ["signed-in", "public", "preflight"] as const;
export type QuietReason = (typeof QUIET_REASONS)[number];
const isQuiet = (reason: string): reason is QuietReason => (QUIET_REASONS as readonly string[]).includes(reason);

/** Counts are written once this long has passed since the first decision they hold (checked on a later decision). */
export const DEFAULT_FLUSH_MS = 60_000;
/** ... or once this many decisions are counted, whichever comes first. */
export const DEFAULT_FLUSH_COUNT = 1000;

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** The clock, milliseconds since the epoch: the EMF `Timestamp` and the counting window. Default `Date.now`. */
  now?: () => number;
  /** How long counts are kept before they are written, ms. Default `DEFAULT_FLUSH_MS` (60 s). */
  flushMs?: number;
  /** How many counted decisions are written at once at most. Default `DEFAULT_FLUSH_COUNT` (1000). */
  flushCount?: number;
}

/** Level of a decision line: failures that need attention are warnings, the rest info. */
function decisionLevel(reason: string): Exclude<LogLevel, "silent"> {
  return reason.startsWith("error") || reason === "cognito-unavailable" ? "warn" : "info";
}

/** The constant part of a decision's EMF record. */
const emfMetrics = (names: string[]) =>
  `"CloudWatchMetrics":[{"Namespace":"${NAMESPACE}","Dimensions":[["Function","Reason"]],"Metrics":[${names.map((n) => `{"Name":"${n}","Unit":"Count"}`).join(",")}]}]`;
const EMF_DECISIONS = emfMetrics(["Decisions"]);

/** Counters beside `Decisions` for what operators graph most: sign-ins, refreshes and token rejections. */
export function kindMetric(reason: string): "SignIns" | "Refreshes" | "Rejections" | undefined {
  if (reason === "signed-in:callback") return "SignIns";
  if (reason === "refreshed") return "Refreshes";
  if (reason.startsWith("rejected:")) return "Rejections";
  return undefined;
}
const EMF_BY_KIND = { SignIns: emfMetrics(["Decisions", "SignIns"]), Refreshes: emfMetrics(["Decisions", "Refreshes"]), Rejections: emfMetrics(["Decisions", "Rejections"]) };

/**
 * A logger for function `fn` writing lines at `level` and above to `sink` (default `consoleSink`; the edge
 * functions pass `stdoutSink`, shared/edge/deps.ts). At `debug`
 * every decision is a line; at `info` the quiet ones are counted (see `LoggerOptions`); above `info` they are
 * neither written nor counted.
 */
export function createLogger(fn: string, level: LogLevel, sink: Sink = consoleSink, o: LoggerOptions = {}): Logger {
  const min = LEVELS[level];
  const now = o.now ?? Date.now;
  const flushMs = o.flushMs ?? DEFAULT_FLUSH_MS;
  const flushCount = o.flushCount ?? DEFAULT_FLUSH_COUNT;
  const fnJson = JSON.stringify(fn);
  const counting = min === LEVELS.info;
  const counts: Record<QuietReason, number> = { "signed-in": 0, public: 0, preflight: 0 };
  let pending = 0;
  let since = 0;

  const emit = (lvl: Exclude<LogLevel, "silent">, record: Record<string, unknown>) => {
    if (LEVELS[lvl] >= min) sink(JSON.stringify({ level: lvl, fn, ...record }));
  };

  // One EMF document per reason: a document carries one value per dimension, so one `Reason` each.
  const flush = (at: number) => {
    for (const reason of QUIET_REASONS) {
      const n = counts[reason];
      if (n === 0) continue;
      counts[reason] = 0;
      const r = JSON.stringify(reason);
      sink(`{"level":"info","fn":${fnJson},"msg":"decisions","reason":${r},"since":${since},"_aws":{"Timestamp":${at},${EMF_DECISIONS}},"Function":${fnJson},"Reason":${r},"Decisions":${n}}`);
    }
    pending = 0;
  };
  const flushIfDue = (at: number) => {
    if (pending > 0 && (pending >= flushCount || at - since >= flushMs)) flush(at);
  };

  return {
    log(lvl, msg, fields) {
      emit(lvl, { msg, ...fields });
    },
    decision(reason, fields) {
      const at = now();
      if (counting) {
        if (isQuiet(reason)) {
          if (pending === 0) since = at;
          counts[reason]++;
          pending++;
          flushIfDue(at);
          return;
        }
        flushIfDue(at);
      }
      const lvl = decisionLevel(reason);
      if (LEVELS[lvl] < min) return;
      // Built as a string around the constant EMF part, not stringified whole.
      let extra = "";
      if (fields) for (const k in fields) if (fields[k] !== undefined) extra += `,${JSON.stringify(k)}:${JSON.stringify(fields[k])}`;
      const r = JSON.stringify(reason);
      const kind = kindMetric(reason);
      const metrics = kind ? EMF_BY_KIND[kind] : EMF_DECISIONS;
      sink(`{"level":"${lvl}","fn":${fnJson},"msg":"decision","reason":${r}${extra},"_aws":{"Timestamp":${at},${metrics}},"Function":${fnJson},"Reason":${r},"Decisions":1${kind ? `,"${kind}":1` : ""}}`);
    },
  };
}
