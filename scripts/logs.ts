/**
 * `npm run logs`: the edge functions' logs from every region, merged by time (see scripts/operate/logs-cli.ts for
 * the options, `npm run logs -- --help`).
 */
import { join, resolve } from "node:path";
import { EDGE_FUNCTIONS } from "../shared/catalogue";
import { ConfigError } from "../shared/config/load";
import { loadDeployConfig } from "./package";
import { EdgeLogsError, defaultLogsClients, followEdgeLogs, readEdgeLogs } from "./operate/edge-logs";
import type { EdgeLogOptions } from "./operate/edge-logs";
import { LOGS_HELP, LogsArgsError, formatEvent, isPlatformLine, parseLogsArgs } from "./operate/logs-cli";
import { edgeFunctionName } from "./operate/function-names";

const root = resolve(__dirname, "..");

async function main(): Promise<void> {
  const args = parseLogsArgs(process.argv.slice(2), Date.now());
  if (args.help) {
    console.log(LOGS_HELP);
    return;
  }
  const { deploy } = loadDeployConfig(resolve(process.env.AUTH_CONFIG ?? join(root, "auth.config.json")));
  const byDeployedName = new Map(EDGE_FUNCTIONS.filter((f) => args.functions.includes(f.name)).map((f) => [edgeFunctionName(deploy, f), f.name]));
  const opts: EdgeLogOptions = {
    functions: [...byDeployedName.keys()],
    regions: args.regions,
    since: args.since,
    ...(args.until !== undefined ? { until: args.until } : {}),
    ...(args.reason !== undefined ? { reason: args.reason } : {}),
  };
  const print = (e: Parameters<typeof formatEvent>[0]) => {
    if (!isPlatformLine(e)) console.log(formatEvent(e, (fn) => byDeployedName.get(fn) ?? fn, args.json));
  };
  const clients = defaultLogsClients();
  if (args.follow) {
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    console.error(`following ${opts.functions.length} functions in ${opts.regions.length} regions (Ctrl-C stops)`);
    for await (const e of followEdgeLogs(opts, clients, { intervalMs: args.intervalMs, signal: stop.signal })) print(e);
    return;
  }
  const { events, groups, skippedRegions } = await readEdgeLogs(opts, clients);
  for (const e of events) print(e);
  const regions = [...new Set(groups.map((g) => g.region))].sort();
  console.error(
    `${events.length} lines from ${groups.length} log groups in ${regions.length ? regions.join(", ") : "no region"}` +
      (skippedRegions.length ? `; ${skippedRegions.length} regions not enabled in this account were skipped` : ""),
  );
}

main().catch((err: unknown) => {
  if (err instanceof LogsArgsError || err instanceof EdgeLogsError || err instanceof ConfigError) {
    console.error(`logs: ${err.message}`);
    process.exit(err instanceof LogsArgsError ? 2 : 1);
  }
  console.error(err);
  process.exit(1);
});
