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

/**
 * Lambda's advanced logging controls (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html)
 * on Lambda@Edge. The "Edge function logs" page says a custom log group name is honoured (used as is, without the
 * `us-east-1.` prefix, in every region) and that Lambda@Edge functions support the JSON log format and log-level
 * filtering. Dropping Lambda's START/END/REPORT lines needs `SystemLogLevel: WARN`, which needs `LogFormat: JSON`;
 * in that format the Node.js runtime wraps every `console.log` line into `{"timestamp","level","requestId","message"}`,
 * so our decision lines stop being Embedded Metric Format records (the dashboard and alarms lose their metrics;
 * CloudWatch's EMF client libraries needed a release to write around it) unless the logger writes raw lines to
 * stdout. Until shared/log.ts does, the controls stay off.
 */
export const EDGE_LOGGING_CONTROLS: readonly LoggingControl[] = [
  { key: "LogGroup", honouredByLambdaEdge: true, applied: false, why: "the default `/aws/lambda/us-east-1.<function>` is what `npm run logs` and the retention step look for" },
  {
    key: "LogFormat",
    honouredByLambdaEdge: true,
    applied: false,
    why: "JSON wraps each console.log line in Lambda's own record, so our EMF decision records would stop producing metrics",
  },
  { key: "SystemLogLevel", honouredByLambdaEdge: true, applied: false, why: "needs LogFormat JSON (START/END/REPORT lines stay, about $0.13 per million requests)" },
  { key: "ApplicationLogLevel", honouredByLambdaEdge: true, applied: false, why: "needs LogFormat JSON; the config's logLevel filters our lines at the source already" },
];
