/**
 * The deploy step that makes the Lambda@Edge log retention real (`npm run deploy`, after the edge stack).
 *
 * Lambda@Edge writes to `/aws/lambda/us-east-1.<function>` in the region of each edge cache that runs the function
 * and creates the group there itself, with no retention, so a template in us-east-1 cannot set it
 * (shared/config/edge-logging.ts). This step creates each function's group in every edge cache region (Lambda@Edge
 * then writes into it) and sets its retention; it is idempotent, and regions not enabled in the account are skipped.
 * Whoever deploys needs logs:CreateLogGroup and logs:PutRetentionPolicy on those groups.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
import { CreateLogGroupCommand, PutRetentionPolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import { EDGE_LOG_RETENTION_DAYS, edgeLogGroupName, edgeLogRegions } from "../shared/config/edge-logging";
import { awsErrorCode, isRegionNotEnabled, oneLine } from "./operate/aws-errors";
import type { LogsClients } from "./operate/edge-logs";
import { mapLimit } from "./operate/map-limit";

export interface RetentionOptions {
  /** Deployed Lambda@Edge function names. */
  functions: readonly string[];
  /** Default: every edge cache region (edgeLogRegions). */
  regions?: readonly string[];
  /** Default EDGE_LOG_RETENTION_DAYS. */
  days?: number;
  /** Calls in flight at once. Default 8. */
  concurrency?: number;
}

export interface RetentionResult {
  /** `<region> <group>` for each group whose retention was set. */
  set: string[];
  /** Regions not enabled in the account. */
  skippedRegions: string[];
}

/** Thrown with one line naming the call, the region and what to do. */
export class RetentionError extends Error {}

/** Creates (when missing) each function's edge log group in each region and sets its retention. */
export async function setEdgeLogRetention(opts: RetentionOptions, clients: LogsClients): Promise<RetentionResult> {
  const regions = opts.regions ?? edgeLogRegions();
  const days = opts.days ?? EDGE_LOG_RETENTION_DAYS;
  const skipped = new Set<string>();
  const work = regions.flatMap((region) => opts.functions.map((fn) => ({ region, group: edgeLogGroupName(fn) })));
  const done = await mapLimit(work, opts.concurrency ?? 8, async ({ region, group }) => {
    if (skipped.has(region)) return undefined;
    const logs = clients.logs(region);
    try {
      try {
        await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      } catch (err) {
        if (awsErrorCode(err) !== "ResourceAlreadyExistsException") throw err;
      }
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: days }));
      return `${region} ${group}`;
    } catch (err) {
      if (isRegionNotEnabled(err)) {
        skipped.add(region);
        return undefined;
      }
      throw new RetentionError(oneLine(err, "logs:PutRetentionPolicy", region));
    }
  });
  return { set: done.filter((x): x is string => x !== undefined), skippedRegions: [...skipped].sort() };
}
