/**
 * Where the Lambda@Edge functions' logs go, how long they stay, and which of Lambda's advanced logging controls
 * apply: one place, read by the deploy step that sets the retention (scripts/edge-log-retention.ts), the CDK
 * construct (cdk/edge-auth.ts), the template rule checks and `npm run bench`.
 *
 * "Edge function logs" (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html):
 * Lambda@Edge writes to `/aws/lambda/us-east-1.<function>` in the region of the edge cache that ran the function,
 * and creates that group there on first use, without a retention (it never expires). A group named
 * `/aws/lambda/<function>` (what a Lambda template makes by default) stays empty.
 */
import { edgeCacheRegions } from "./edge-regions";
import type { LogLevel } from "./types";

/** Days a Lambda@Edge log line is kept, in every region (a CloudWatch Logs retention value). */
export const EDGE_LOG_RETENTION_DAYS = 30;

/** The log group a Lambda@Edge function created in us-east-1 writes to, in every region it runs in. */
export function edgeLogGroupName(functionName: string): string {
  return `/aws/lambda/us-east-1.${functionName}`;
}

/**
 * Regions whose log groups get the retention: every regional edge cache region, whatever the price class (a
 * group a viewer outside the price class's edges creates must expire too). Regions not enabled in the account are
 * skipped by the deploy step.
 */
export function edgeLogRegions(): string[] {
  return edgeCacheRegions("PriceClass_All");
}

/** One of Lambda's advanced logging controls (`LoggingConfig`), as it stands for our Lambda@Edge functions. */
export interface LoggingControl {
  /** The `LoggingConfig` key. */
  key: "LogGroup" | "LogFormat" | "SystemLogLevel" | "ApplicationLogLevel";
  /** Whether Lambda@Edge honours it, per AWS's "Edge function logs" page. */
  honouredByLambdaEdge: boolean;
  /** Whether our templates set it. */
  applied: boolean;
  /** Why (not), in one sentence. */
  why: string;
}

/** Source of the facts below. */
export const EDGE_LOGGING_SOURCE = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html";

/** A `LoggingConfig` value of `ApplicationLogLevel` (AWS::Lambda::Function LoggingConfig). */
export type ApplicationLogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
/** A `LoggingConfig` value of `SystemLogLevel`. */
export type SystemLogLevel = "DEBUG" | "INFO" | "WARN";

/** The `LoggingConfig` of every Lambda@Edge function, in CloudFormation's spelling. */
export interface EdgeLoggingConfig {
  LogFormat: "JSON";
  SystemLogLevel: SystemLogLevel;
  ApplicationLogLevel: ApplicationLogLevel;
}

/**
 * Lambda's own lines are dropped below this level. START, END and REPORT are INFO-level platform events
 * ("Log-level filtering", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html):
 * at WARN Lambda writes only its warnings and errors (a timeout, a crash), so those stay.
 */
export const EDGE_SYSTEM_LOG_LEVEL: SystemLogLevel = "WARN";

/**
 * The config's `logLevel` as Lambda's `ApplicationLogLevel`. Our logger filters at the source already; Lambda's
 * filter is set to the same level so it never drops a line we write (nor lets through a `console.*` line of a
 * library below it). `silent`: ERROR, not FATAL. Our logger writes nothing then anyway, and the runtime's own report
 * of an uncaught error (an ERROR record it writes through `console.error`) still gets through.
 */
export const APPLICATION_LOG_LEVEL: Readonly<Record<LogLevel, ApplicationLogLevel>> = { debug: "DEBUG", info: "INFO", warn: "WARN", error: "ERROR", silent: "ERROR" };

/**
 * Lambda's advanced logging controls for a Lambda@Edge function of a config at `logLevel`: JSON format (which
 * log-level filtering needs), system lines at `EDGE_SYSTEM_LOG_LEVEL` (no START/END/REPORT), application lines at
 * the config's level. Both deploy paths set exactly this (Serverless: the function's `logs`; CDK: `loggingFormat`,
 * `systemLogLevelV2`, `applicationLogLevelV2`). No `LogGroup`: see `EDGE_LOGGING_CONTROLS`.
 */
export function edgeLoggingConfig(logLevel: LogLevel): EdgeLoggingConfig {
  return { LogFormat: "JSON", SystemLogLevel: EDGE_SYSTEM_LOG_LEVEL, ApplicationLogLevel: APPLICATION_LOG_LEVEL[logLevel] };
}

const SYSTEM_RANK: Record<SystemLogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2 };

/**
 * Whether Lambda writes its START, END and REPORT lines (INFO-level platform events) for our Lambda@Edge
 * functions: false, since `EDGE_SYSTEM_LOG_LEVEL` is WARN. For `npm run bench` (bench/cost.ts `platformLogBytes`
 * is what they would cost per request when written).
 */
export const EDGE_PLATFORM_LINES_WRITTEN: boolean = SYSTEM_RANK[EDGE_SYSTEM_LOG_LEVEL] <= SYSTEM_RANK.INFO;

/**
 * Lambda's advanced logging controls (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html)
 * on Lambda@Edge, and what we set. The facts behind them, from AWS's pages:
 * - "Edge function logs" (`EDGE_LOGGING_SOURCE`): besides a custom log group name (used as is, without the
 *   `us-east-1.` prefix, in every region), "Lambda@Edge functions support JSON and plain text log formats and log
 *   level filtering".
 * - "Log-level filtering": log-level filtering needs the JSON format; for logging methods other than the runtime's
 *   own, Lambda reads the level from the `"level"` key of a JSON line written to stdout (the page's example writes it in
 *   lower case, as we do; INFO when missing or invalid).
 * - "Log and monitor Node.js Lambda functions" (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html):
 *   in JSON format the runtime turns each `console.*` call into its own record `{"timestamp","level","requestId",
 *   "message"}` with our line as the `message` string (the runtime patches the `console` methods only; the runtime
 *   interface client's log-patch and formatter show it), and asks users of the EMF client library to update it.
 * - "Using the embedded metric format with Lambda"
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Lambda.html):
 *   CloudWatch Logs extracts metrics from any log event that follows the EMF specification; with Node.js and the
 *   JSON log format, the client library needs 4.1.1 or later, "earlier versions cause metric loss". In 4.1.1 the
 *   library stopped writing through `console.log` in that format and writes to the process's stdout through a
 *   `Console` of its own (awslabs/aws-embedded-metrics-node pull request 158).
 * So shared/log.ts writes each edge line with `process.stdout.write` (`stdoutSink`): the line reaches CloudWatch as
 * our own JSON object, an EMF record with `_aws` at its top level, and its `level` is what Lambda filters on.
 */
export const EDGE_LOGGING_CONTROLS: readonly LoggingControl[] = [
  { key: "LogGroup", honouredByLambdaEdge: true, applied: false, why: "the default `/aws/lambda/us-east-1.<function>` is what `npm run logs` and the retention step look for" },
  {
    key: "LogFormat",
    honouredByLambdaEdge: true,
    applied: true,
    why: "JSON, which log-level filtering needs; our lines are written to stdout as they are (not through console.log), so they stay EMF records",
  },
  { key: "SystemLogLevel", honouredByLambdaEdge: true, applied: true, why: "WARN: Lambda's START/END/REPORT lines (INFO) are dropped (what they would cost: `npm run bench`, docs/performance.md); its warnings and errors stay" },
  { key: "ApplicationLogLevel", honouredByLambdaEdge: true, applied: true, why: "the config's logLevel, so Lambda's filter agrees with the one our logger applies at the source" },
];
