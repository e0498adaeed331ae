/**
 * The deploy step that sets the Lambda@Edge log retention: against SDK v3 CloudWatch Logs clients stubbed by
 * aws-sdk-client-mock, a small in-memory CloudWatch Logs per region.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RetentionError, setEdgeLogRetention } from "../../../scripts/edge-log-retention";
import { defaultLogsClients } from "../../../scripts/operate/edge-logs";
import { EDGE_LOG_RETENTION_DAYS, edgeLogGroupName, edgeLogRegions } from "../../../shared/config/edge-logging";
import { edgeCacheRegions } from "../../../shared/config/edge-regions";

const logs = mockClient(CloudWatchLogsClient);
const sdkError = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });
/** region → group → retention (undefined: never expires). */
let world: Record<string, Record<string, number | undefined>>;
let disabled: Set<string>;

beforeEach(() => {
  world = {};
  disabled = new Set();
  logs.reset();
  logs.on(CreateLogGroupCommand).callsFake(async (input: { logGroupName: string }, getClient: () => CloudWatchLogsClient) => {
    const region = await getClient().config.region();
    if (disabled.has(region)) throw sdkError("UnrecognizedClientException");
    const groups = (world[region] ??= {});
    if (input.logGroupName in groups) throw sdkError("ResourceAlreadyExistsException");
    groups[input.logGroupName] = undefined;
    return {};
  });
  logs.on(PutRetentionPolicyCommand).callsFake(async (input: { logGroupName: string; retentionInDays: number }, getClient: () => CloudWatchLogsClient) => {
    const region = await getClient().config.region();
    if (region === "eu-west-2") throw sdkError("AccessDeniedException");
    world[region]![input.logGroupName] = input.retentionInDays;
    return {};
  });
});
afterEach(() => logs.reset());

describe("setEdgeLogRetention", () => {
  it("creates /aws/lambda/us-east-1.<function> in every edge cache region, whatever the price class, with the retention", async () => {
    expect(edgeLogRegions()).toEqual(edgeCacheRegions("PriceClass_All"));
    // A group Lambda@Edge made already (no retention) gets it too.
    world["eu-west-1"] = { [edgeLogGroupName("s-dev-checkAuth")]: undefined };
    const regions = edgeLogRegions().filter((r) => r !== "eu-west-2");
    const res = await setEdgeLogRetention({ functions: ["s-dev-checkAuth", "s-dev-refreshAuth"], regions }, defaultLogsClients());
    expect(res.set).toHaveLength(regions.length * 2);
    for (const r of regions)
      expect(world[r]).toEqual({ "/aws/lambda/us-east-1.s-dev-checkAuth": EDGE_LOG_RETENTION_DAYS, "/aws/lambda/us-east-1.s-dev-refreshAuth": EDGE_LOG_RETENTION_DAYS });
    expect(EDGE_LOG_RETENTION_DAYS).toBe(30);
  });

  it("skips regions not enabled in the account, and says so", async () => {
    disabled.add("ap-south-1");
    const res = await setEdgeLogRetention({ functions: ["f"], regions: ["us-east-1", "ap-south-1"] }, defaultLogsClients());
    expect(res).toEqual({ set: ["us-east-1 /aws/lambda/us-east-1.f"], skippedRegions: ["ap-south-1"] });
  });

  it("fails with one line naming the call and the region when it may not set the retention", async () => {
    const run = setEdgeLogRetention({ functions: ["f"], regions: ["eu-west-2"] }, defaultLogsClients());
    await expect(run).rejects.toBeInstanceOf(RetentionError);
    await expect(run).rejects.toThrow(/PutRetentionPolicy[\s\S]*eu-west-2|eu-west-2[\s\S]*PutRetentionPolicy/);
  });
});
