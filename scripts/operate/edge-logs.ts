/**
 * Reading the edge functions' logs from every region they were written in (`npm run logs`, and `readEdgeLogs`
 * for scripts of your own).
 *
 * Lambda@Edge writes to `/aws/lambda/us-east-1.<function-name>` in the region of the regional edge cache that
 * served the viewer, so one function's logs are spread over many regions. The log groups are found with
 * DescribeLogGroups in each candidate region (in parallel, bounded), read with FilterLogEvents, merged by time
 * and filtered by the decision line's `reason` (shared/log.ts) or a time window.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { edgeLogGroupName } from "../../shared/config/edge-logging";
import { isRegionNotEnabled, oneLine } from "./aws-errors";
import { mapLimit } from "./map-limit";

/** The part of a CloudWatch Logs client these functions use (a real client, or one aws-sdk-client-mock stubs). */
export type LogsClient = Pick<CloudWatchLogsClient, "send">;

/** Where the clients come from: one per region. */
export interface LogsClients {
  logs(region: string): LogsClient;
}

/** Real SDK v3 clients, one per region, with the SDK's own credential chain and retries. */
export function defaultLogsClients(): LogsClients {
  const cache = new Map<string, LogsClient>();
  return {
    logs(region) {
      let c = cache.get(region);
      if (!c) cache.set(region, (c = new CloudWatchLogsClient({ region })));
      return c;
    },
  };
}

export interface EdgeLogOptions {
  /** Deployed Lambda@Edge function names (`<service>-<stage>-<slsName>`, see `edgeFunctionNames`). */
  functions: readonly string[];
  /** Regions to look in. */
  regions: readonly string[];
  /** Start of the window, ms since the epoch. Default: one hour before `now`. */
  since?: number;
  /** End of the window, ms since the epoch. Default: open. */
  until?: number;
  /** Keep only decision lines whose `reason` matches this glob (`*` matches anything), e.g. `rejected:*`. */
  reason?: string;
  /** DescribeLogGroups / FilterLogEvents calls in flight at once. Default 8. */
  concurrency?: number;
  /** At most this many events per log group and call (newest are read last). Default 10,000. */
  maxEventsPerGroup?: number;
  /** The clock, for the default window. Default `Date.now`. */
  now?: () => number;
}

/** One log line, with where it came from. */
export interface EdgeLogEvent {
  timestamp: number;
  region: string;
  /** The function's deployed name. */
  function: string;
  message: string;
  /** CloudWatch's id of the event (unique within a log group), to skip events already shown when following. */
  eventId: string;
  /** The JSON record, when the line is one of ours. */
  record?: Record<string, unknown>;
}

/** A log group found in a region. */
export interface EdgeLogGroup {
  region: string;
  name: string;
  function: string;
}

export interface EdgeLogsResult {
  events: EdgeLogEvent[];
  groups: EdgeLogGroup[];
  /** Regions not enabled in the account (skipped). */
  skippedRegions: string[];
}

/** Thrown for credentials and permission errors, with a message fit for one line. */
export class EdgeLogsError extends Error {}

/**
 * A glob of reasons as a predicate: `*` matches any run of characters, everything else itself
 * (`rejected:*`, `cognito-unavailable*`, `signed-in`).
 */
export function reasonMatcher(glob: string): (reason: string) => boolean {
  const parts = glob.split("*");
  return (reason) => {
    if (parts.length === 1) return reason === glob;
    if (!reason.startsWith(parts[0]!) || !reason.endsWith(parts[parts.length - 1]!)) return false;
    let at = parts[0]!.length;
    const end = reason.length - parts[parts.length - 1]!.length;
    for (const p of parts.slice(1, -1)) {
      const i = reason.indexOf(p, at);
      if (i < 0 || i + p.length > end) return false;
      at = i + p.length;
    }
    return at <= end;
  };
}

/** Finds the functions' log groups in each region: one paginated DescribeLogGroups per region and shared prefix. */
export async function findLogGroups(opts: Pick<EdgeLogOptions, "functions" | "regions" | "concurrency">, clients: LogsClients): Promise<{ groups: EdgeLogGroup[]; skippedRegions: string[] }> {
  const wanted = new Map(opts.functions.map((f) => [edgeLogGroupName(f), f]));
  const prefix = commonPrefix([...wanted.keys()]);
  const skippedRegions: string[] = [];
  const perRegion = await mapLimit(opts.regions, opts.concurrency ?? 8, async (region) => {
    const found: EdgeLogGroup[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const res = await clients.logs(region).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, ...(nextToken ? { nextToken } : {}) }));
        for (const g of res.logGroups ?? []) {
          const fn = g.logGroupName ? wanted.get(g.logGroupName) : undefined;
          if (fn) found.push({ region, name: g.logGroupName!, function: fn });
        }
        nextToken = res.nextToken;
      } while (nextToken);
    } catch (err) {
      if (isRegionNotEnabled(err)) {
        skippedRegions.push(region);
        return [];
      }
      throw new EdgeLogsError(oneLine(err, "logs:DescribeLogGroups", region));
    }
    return found;
  });
  return { groups: perRegion.flat(), skippedRegions: skippedRegions.sort() };
}

/** Reads one log group's events in the window, oldest first. */
async function readGroup(g: EdgeLogGroup, window: { since: number; until?: number; max: number }, clients: LogsClients): Promise<EdgeLogEvent[]> {
  const out: EdgeLogEvent[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const res = await clients.logs(g.region).send(
        new FilterLogEventsCommand({
          logGroupName: g.name,
          startTime: window.since,
          ...(window.until !== undefined ? { endTime: window.until } : {}),
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      for (const e of res.events ?? []) {
        if (e.timestamp === undefined || e.message === undefined) continue;
        const record = parseRecord(e.message);
        out.push({ timestamp: e.timestamp, region: g.region, function: g.function, message: e.message.trimEnd(), eventId: e.eventId ?? `${e.logStreamName}:${e.timestamp}:${out.length}`, ...(record ? { record } : {}) });
      }
      nextToken = out.length < window.max ? res.nextToken : undefined;
    } while (nextToken);
  } catch (err) {
    throw new EdgeLogsError(oneLine(err, "logs:FilterLogEvents", g.region));
  }
  return out;
}

/**
 * The edge functions' log lines in the window, from every region where their log groups exist, merged by time
 * (ties: region, then function, then CloudWatch's order). With `reason`, only decision lines whose reason
 * matches. Throws EdgeLogsError (one line) for missing credentials or permissions.
 */
export async function readEdgeLogs(opts: EdgeLogOptions, clients: LogsClients = defaultLogsClients()): Promise<EdgeLogsResult> {
  const { groups, skippedRegions } = await findLogGroups(opts, clients);
  return { events: await readGroups(groups, opts, clients), groups, skippedRegions };
}

/** The events of log groups already found, filtered and merged by time. */
async function readGroups(groups: readonly EdgeLogGroup[], opts: EdgeLogOptions, clients: LogsClients): Promise<EdgeLogEvent[]> {
  const since = opts.since ?? (opts.now ?? Date.now)() - 3600_000;
  const perGroup = await mapLimit(groups, opts.concurrency ?? 8, (g) =>
    readGroup(g, { since, ...(opts.until !== undefined ? { until: opts.until } : {}), max: opts.maxEventsPerGroup ?? 10_000 }, clients),
  );
  const match = opts.reason !== undefined ? reasonMatcher(opts.reason) : undefined;
  return perGroup
    .flatMap((events, gi) => events.map((e, i) => ({ e, gi, i })))
    .filter(({ e }) => !match || (typeof e.record?.reason === "string" && match(e.record.reason)))
    .sort((a, b) => a.e.timestamp - b.e.timestamp || a.e.region.localeCompare(b.e.region) || a.e.function.localeCompare(b.e.function) || a.gi - b.gi || a.i - b.i)
    .map(({ e }) => e);
}

/** Options of `followEdgeLogs`: how often to poll, and how to wait (tests pass a fake). */
export interface FollowOptions {
  /** Poll interval, ms. Default 5000. */
  intervalMs?: number;
  /** Stop when aborted. */
  signal?: AbortSignal;
  /** Waits `ms` (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Look for new log groups (a region's first viewer) every this many polls. Default 12 (a minute at 5 s). */
  rediscoverEvery?: number;
}

/**
 * Tails the logs: yields the window's events, then polls every `intervalMs` for newer ones (CloudWatch delivers
 * late lines with their own timestamps, so each poll re-reads from a minute before the newest line seen and
 * skips events already yielded). Log groups that appear later (a region's first viewer) are found by the next
 * poll.
 */
export async function* followEdgeLogs(opts: EdgeLogOptions, clients: LogsClients = defaultLogsClients(), f: FollowOptions = {}): AsyncGenerator<EdgeLogEvent> {
  // The default wait ends early when aborted, so Ctrl-C stops a tail at once.
  const sleep =
    f.sleep ??
    ((ms: number) =>
      new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        f.signal?.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
      }));
  /** Event key → its timestamp; keys older than the re-read window are dropped, so a long tail stays small. */
  const seen = new Map<string, number>();
  let since = opts.since ?? (opts.now ?? Date.now)() - 3600_000;
  let groups: EdgeLogGroup[] = [];
  for (let poll = 0; !f.signal?.aborted; poll++) {
    if (poll % (f.rediscoverEvery ?? 12) === 0) groups = (await findLogGroups(opts, clients)).groups;
    const events = await readGroups(groups, { ...opts, since }, clients);
    for (const e of events) {
      const key = `${e.region}\n${e.function}\n${e.eventId}`;
      if (seen.has(key)) continue;
      seen.set(key, e.timestamp);
      yield e;
    }
    const newest = events.reduce((m, e) => Math.max(m, e.timestamp), 0);
    if (newest) since = Math.max(since, newest - 60_000);
    for (const [k, t] of seen) if (t < since) seen.delete(k);
    if (opts.until !== undefined && since >= opts.until) return;
    if (f.signal?.aborted) return;
    await sleep(f.intervalMs ?? 5000);
  }
}

/** Our log lines are JSON objects; Lambda's own (START, END, REPORT) and stray output are not. */
function parseRecord(message: string): Record<string, unknown> | undefined {
  const t = message.trim();
  if (!t.startsWith("{")) return undefined;
  try {
    const v = JSON.parse(t) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function commonPrefix(names: string[]): string {
  if (!names.length) return "/aws/lambda/us-east-1.";
  let p = names[0]!;
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  return p;
}
