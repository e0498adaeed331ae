/**
 * `npm run logs`: its options, their parsing and the line it prints per event. The reading itself is
 * scripts/operate/edge-logs.ts; scripts/logs.ts wires the two to the config, the SDK and the terminal.
 */
import { parseArgs } from "node:util";
import { COMMERCIAL_REGIONS } from "../../shared/config/edge-regions";
import { EDGE_FUNCTIONS } from "../../shared/catalogue";
import type { EdgeLogEvent } from "./edge-logs";

export const LOGS_HELP = `npm run logs -- [options]

Reads the edge functions' CloudWatch logs in every region where they exist (Lambda@Edge logs in the region that
served the viewer, to /aws/lambda/us-east-1.<service>-<stage>-<function>), merged by time.

  --since <when>      start of the window: 30s, 15m, 1h, 2d ago, or a date (2025-06-01T12:00:00Z). Default: 1h
  --until <when>      end of the window, same forms. Default: now (open with --follow)
  --reason <glob>     only decision lines whose reason matches: rejected:*, cognito-unavailable*, signed-in
  --function <names>  only these functions, comma-separated: ${EDGE_FUNCTIONS.map((f) => f.name).join(", ")}
  --regions <list>    regions to look in, comma-separated. Default: every commercial region (${COMMERCIAL_REGIONS.length})
  --follow, -f        keep polling for new lines (Ctrl-C stops)
  --interval <sec>    poll interval with --follow. Default: 5
  --json              print each line as JSON with its region and function
  --help, -h          this text

The config (AUTH_CONFIG, default auth.config.json) gives the service and stage. Needs AWS credentials allowed
logs:DescribeLogGroups and logs:FilterLogEvents.`;

export interface LogsArgs {
  since: number;
  until?: number;
  reason?: string;
  /** Catalogue names (check-auth, ...), or all. */
  functions: string[];
  regions: string[];
  follow: boolean;
  intervalMs: number;
  json: boolean;
  help: boolean;
}

/** Thrown for a bad option, with a message naming it. */
export class LogsArgsError extends Error {}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** `30s`, `15m`, `1h`, `2d` (ago), or an ISO date, as ms since the epoch. */
export function parseWhen(value: string, now: number, option: string): number {
  const rel = /^(\d+)([smhd])$/.exec(value.trim());
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]!]!;
  const t = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw new LogsArgsError(`${option}: "${value}" is neither a duration (30s, 15m, 1h, 2d) nor a date (2025-06-01T12:00:00Z)`);
  return t;
}

/** Parses the command line; throws LogsArgsError naming the option. */
export function parseLogsArgs(argv: string[], now: number): LogsArgs {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        since: { type: "string" },
        until: { type: "string" },
        reason: { type: "string" },
        function: { type: "string" },
        regions: { type: "string" },
        follow: { type: "boolean", short: "f" },
        interval: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new LogsArgsError(`${(err as Error).message.split("\n")[0]} (see npm run logs -- --help)`);
  }
  const list = (s: string | undefined) => (s ?? "").split(",").map((x) => x.trim()).filter(Boolean);
  const functions = list(v.function);
  const known = EDGE_FUNCTIONS.map((f) => f.name);
  for (const f of functions) if (!known.includes(f)) throw new LogsArgsError(`--function: "${f}" is not an edge function (${known.join(", ")})`);
  const regions = list(v.regions);
  for (const r of regions) if (!COMMERCIAL_REGIONS.includes(r)) throw new LogsArgsError(`--regions: "${r}" is not a commercial AWS region`);
  const since = parseWhen(v.since ?? "1h", now, "--since");
  const until = v.until !== undefined ? parseWhen(v.until, now, "--until") : undefined;
  if (until !== undefined && until <= since) throw new LogsArgsError("--until: must be after --since");
  const interval = v.interval !== undefined ? Number(v.interval) : 5;
  if (!Number.isFinite(interval) || interval < 1 || interval > 3600) throw new LogsArgsError("--interval: must be a number of seconds between 1 and 3600");
  if (v.reason !== undefined && !/^[\w:*.-]{1,100}$/.test(v.reason)) throw new LogsArgsError('--reason: must be a reason code or a glob of one, e.g. "rejected:*"');
  return {
    since,
    ...(until !== undefined ? { until } : {}),
    ...(v.reason !== undefined ? { reason: v.reason } : {}),
    functions: functions.length ? functions : known,
    regions: regions.length ? regions : [...COMMERCIAL_REGIONS],
    follow: v.follow ?? false,
    intervalMs: interval * 1000,
    json: v.json ?? false,
    help: v.help ?? false,
  };
}

/** Lambda's own lines (START, END, REPORT, INIT_START) say nothing about decisions; they are not printed. */
export function isPlatformLine(e: EdgeLogEvent): boolean {
  return !e.record && /^(START|END|REPORT|INIT_START|INIT_REPORT)\b/.test(e.message);
}

/**
 * One event as one line: time, region, function (its catalogue name when known), then for our JSON lines the
 * level, reason (or message) and path; other lines as they are.
 */
export function formatEvent(e: EdgeLogEvent, shortName: (fn: string) => string = (f) => f, json = false): string {
  if (json) return JSON.stringify({ timestamp: new Date(e.timestamp).toISOString(), region: e.region, function: shortName(e.function), ...(e.record ?? { message: e.message }) });
  const head = `${new Date(e.timestamp).toISOString()} ${e.region.padEnd(14)} ${shortName(e.function).padEnd(12)}`;
  const r = e.record;
  if (!r) return `${head} ${e.message.replace(/\s+/g, " ")}`;
  const what = r.msg === "decision" ? String(r.reason) : String(r.msg ?? "");
  const extra = Object.entries(r)
    .filter(([k]) => !["level", "fn", "msg", "reason", "_aws", "Function", "Reason", "Decisions", "SignIns", "Refreshes", "Rejections"].includes(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${head} ${String(r.level ?? "").padEnd(5)} ${what}${extra ? ` ${extra}` : ""}`;
}
