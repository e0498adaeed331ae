/**
 * Logs: one JSON line per event with a level. A decision line is also a CloudWatch Embedded Metric Format record
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
 * so `Decisions` counts by `Function` and `Reason` can be graphed with no extra service.
 *
 * Callers pass only fixed reason codes and paths; tokens, codes, cookie values and secrets are never given to
 * the logger, and `path` is logged without its query string.
 */
import type { LogLevel } from "./config/types";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type Sink = (line: string) => void;

export interface Logger {
  decision(reason: string, fields?: Record<string, string | number | boolean | undefined>): void;
  log(level: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, string | number | boolean | undefined>): void;
}

export const NAMESPACE = "EdgeAuth";

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

export function createLogger(fn: string, level: LogLevel, sink: Sink = (l) => console.log(l)): Logger {
  const min = LEVELS[level];
  const fnJson = JSON.stringify(fn);
  const emit = (lvl: Exclude<LogLevel, "silent">, record: Record<string, unknown>) => {
    if (LEVELS[lvl] >= min) sink(JSON.stringify({ level: lvl, fn, ...record }));
  };
  return {
    log(lvl, msg, fields) {
      emit(lvl, { msg, ...fields });
    },
    decision(reason, fields) {
      const lvl = decisionLevel(reason);
      if (LEVELS[lvl] < min) return;
      // Every request writes one of these: built as a string around the constant EMF part, not stringified whole.
      let extra = "";
      if (fields) for (const k in fields) if (fields[k] !== undefined) extra += `,${JSON.stringify(k)}:${JSON.stringify(fields[k])}`;
      const r = JSON.stringify(reason);
      const kind = kindMetric(reason);
      const metrics = kind ? EMF_BY_KIND[kind] : EMF_DECISIONS;
      sink(`{"level":"${lvl}","fn":${fnJson},"msg":"decision","reason":${r}${extra},"_aws":{"Timestamp":${Date.now()},${metrics}},"Function":${fnJson},"Reason":${r},"Decisions":1${kind ? `,"${kind}":1` : ""}}`);
    },
  };
}
