/**
 * deploy/edge-logs.js, the Serverless plugin for the Lambda@Edge logs: the execution role without the empty
 * statements `disableLogs` leaves, and, after `sls deploy`, the retention of each edge function's log group in every
 * edge cache region (against CloudWatch Logs clients stubbed by aws-sdk-client-mock).
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { edgeLogRegions } from "../../../shared/config/edge-logging";

const root = resolve(__dirname, "../../..");

interface Plugin {
  hooks: Record<string, () => unknown>;
  clients: () => Promise<{ logs: (region: string) => CloudWatchLogsClient }>;
}
// Plain CommonJS, loaded as osls loads it.
const EdgeLogs = createRequire(join(root, "package.json"))("./deploy/edge-logs.js") as new (sls: unknown, options: unknown, utils: unknown) => Plugin;

const logs = mockClient(CloudWatchLogsClient);
afterEach(() => logs.reset());

function plugin(resources: Record<string, unknown>, functions: Record<string, { name: string; events: unknown[] }>, logged: string[] = []) {
  const serverless = {
    service: {
      provider: { compiledCloudFormationTemplate: { Resources: resources } },
      getAllFunctions: () => Object.keys(functions),
      getFunction: (k: string) => functions[k],
    },
    getProvider: () => ({ getAwsSdkV3Config: async () => ({ credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" } }) }),
  };
  return new EdgeLogs(serverless, {}, { log: { notice: (l: string) => logged.push(l) } });
}

describe("edge-logs plugin", () => {
  it("drops the execution role's statements left without a resource, and keeps the edge functions' logs statement", () => {
    const edgeStatement = { Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: [{ "Fn::Sub": "arn:${AWS::Partition}:logs:*:*:*" }] };
    const role = {
      Type: "AWS::IAM::Role",
      Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream"], Resource: [] }, { Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: [] }, edgeStatement] } }] },
    };
    plugin({ IamRoleLambdaExecution: role }, {}).hooks["after:aws:package:finalize:mergeCustomProviderResources"]!();
    expect(role.Properties.Policies[0]!.PolicyDocument.Statement).toEqual([edgeStatement]);
  });

  it("after sls deploy, sets the retention of every cloudFront function's /aws/lambda/us-east-1.<name> in every edge cache region", async () => {
    const calls: { region: string; group: string; days?: number }[] = [];
    // Any command: the plugin loads the SDK through its own require, so its command classes are another copy's.
    logs.onAnyCommand().callsFake(async (input: { logGroupName: string; retentionInDays?: number }, getClient: () => CloudWatchLogsClient) => {
      calls.push({ region: await getClient().config.region(), group: input.logGroupName, ...(input.retentionInDays !== undefined ? { days: input.retentionInDays } : {}) });
      return {};
    });
    const logged: string[] = [];
    const p = plugin({}, { checkAuth: { name: "s-dev-checkAuth", events: [{ cloudFront: {} }] }, other: { name: "s-dev-other", events: [] } }, logged);
    // The seam: clients of the SDK module this test stubs (the plugin's own require may load another copy).
    p.clients = async () => ({ logs: (region: string) => new CloudWatchLogsClient({ region, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" } }) });
    await p.hooks["after:deploy:deploy"]!();
    const set = calls.filter((c) => c.days !== undefined);
    expect(set.map((c) => c.region).sort()).toEqual([...edgeLogRegions()].sort());
    for (const c of set) expect(c).toMatchObject({ group: "/aws/lambda/us-east-1.s-dev-checkAuth", days: 30 });
    expect(logged).toEqual([`Lambda@Edge log retention: 30 days on ${edgeLogRegions().length} log groups in every edge cache region`]);
  });
});
