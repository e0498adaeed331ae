/**
 * readEdgeLogs and followEdgeLogs against SDK v3 CloudWatch Logs clients whose `send` is stubbed by
 * aws-sdk-client-mock: a small in-memory CloudWatch Logs with log groups in some regions, pages, and errors.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { DescribeLogGroupsCommandInput, FilterLogEventsCommandInput } from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EdgeLogsError, defaultLogsClients, followEdgeLogs, readEdgeLogs, reasonMatcher } from "../../../scripts/operate/edge-logs";
import { edgeLogGroupName as logGroupName } from "../../../shared/config/edge-logging";
import type { EdgeLogEvent } from "../../../scripts/operate/edge-logs";
import { edgeFunctionNames } from "../../../scripts/operate/function-names";
import { cases } from "../../helpers/cases";

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const fns = edgeFunctionNames({ service: "edge-auth", stage: "prod" });
const CHECK = "edge-auth-prod-checkAuth";
const REFRESH = "edge-auth-prod-refreshAuth";

const decision = (reason: string, path = "/") =>
  JSON.stringify({ level: "info", fn: "check-auth", msg: "decision", reason, path, _aws: { Timestamp: 0, CloudWatchMetrics: [] }, Function: "check-auth", Reason: reason, Decisions: 1 });

type Line = { t: number; message: string };
/** region → log group → lines. */
let world: Record<string, Record<string, Line[]>>;
const logs = mockClient(CloudWatchLogsClient);
const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
/** Regions whose calls fail, and how. */
let failing: Record<string, Error>;
let inFlight = 0;
let maxInFlight = 0;

beforeEach(() => {
  failing = {};
  inFlight = maxInFlight = 0;
  world = {
    "us-east-1": { [logGroupName(CHECK)]: [{ t: T0 + 3000, message: decision("signed-in", "/a") }, { t: T0 + 1000, message: "START RequestId: 1 Version: 3\n" }] },
    "eu-west-1": {
      [logGroupName(CHECK)]: [{ t: T0 + 2000, message: decision("rejected:signature", "/b") }],
      [logGroupName(REFRESH)]: [{ t: T0 + 2500, message: decision("refreshed", "/c") }],
      "/aws/lambda/us-east-1.edge-auth-prod-other": [{ t: T0, message: "not ours" }],
    },
    "ap-southeast-2": { [logGroupName(CHECK)]: [{ t: T0 + 4000, message: decision("rejected:issuer", "/d") }] },
  };
  const region = async (getClient: () => CloudWatchLogsClient) => getClient().config.region();
  logs.on(DescribeLogGroupsCommand).callsFake(async (input: DescribeLogGroupsCommandInput, getClient) => {
    const r = await region(getClient as () => CloudWatchLogsClient);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((res) => setTimeout(res, 2));
    inFlight--;
    if (failing[r]) throw failing[r];
    const names = Object.keys(world[r] ?? {}).filter((n) => n.startsWith(input.logGroupNamePrefix ?? "")).sort();
    // One group per page, to exercise nextToken.
    const at = input.nextToken ? Number(input.nextToken) : 0;
    return { logGroups: names.slice(at, at + 1).map((logGroupName) => ({ logGroupName })), ...(at + 1 < names.length ? { nextToken: String(at + 1) } : {}) };
  });
  logs.on(FilterLogEventsCommand).callsFake(async (input: FilterLogEventsCommandInput, getClient) => {
    const r = await region(getClient as () => CloudWatchLogsClient);
    const lines = (world[r]?.[input.logGroupName!] ?? [])
      .map((l, i) => ({ ...l, i }))
      .filter((l) => l.t >= (input.startTime ?? 0) && (input.endTime === undefined || l.t <= input.endTime))
      .sort((a, b) => a.t - b.t);
    const at = input.nextToken ? Number(input.nextToken) : 0;
    const page = lines.slice(at, at + 1);
    return {
      events: page.map((l) => ({ timestamp: l.t, message: l.message, eventId: `${r}-${input.logGroupName}-${l.i}`, logStreamName: "2030/01/01/[3]abc" })),
      ...(at + 1 < lines.length ? { nextToken: String(at + 1) } : {}),
    };
  });
});
afterEach(() => logs.reset());

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"];
const opts = { functions: fns, regions: REGIONS, since: T0 - 60_000 };
const summary = (events: EdgeLogEvent[]) => events.map((e) => `${e.region} ${e.function.replace("edge-auth-prod-", "")} ${String(e.record?.reason ?? e.message.trim())}`);

describe("readEdgeLogs", () => {
  it("finds the functions' log groups in every region where they exist and merges their lines by time", async () => {
    const r = await readEdgeLogs(opts, defaultLogsClients());
    expect(r.groups.map((g) => `${g.region} ${g.function}`).sort()).toEqual([`ap-southeast-2 ${CHECK}`, `eu-west-1 ${CHECK}`, `eu-west-1 ${REFRESH}`, `us-east-1 ${CHECK}`]);
    expect(summary(r.events)).toEqual([
      "us-east-1 checkAuth START RequestId: 1 Version: 3",
      "eu-west-1 checkAuth rejected:signature",
      "eu-west-1 refreshAuth refreshed",
      "us-east-1 checkAuth signed-in",
      "ap-southeast-2 checkAuth rejected:issuer",
    ]);
    expect(r.events[1]!.record).toMatchObject({ msg: "decision", path: "/b" });
    // One prefix for all functions, asked once per region (plus its pages).
    const asked = logs.commandCalls(DescribeLogGroupsCommand).map((c) => c.args[0].input.logGroupNamePrefix);
    expect(new Set(asked)).toEqual(new Set(["/aws/lambda/us-east-1.edge-auth-prod-"]));
  });

  it.each([
    ["rejected:*", ["eu-west-1 checkAuth rejected:signature", "ap-southeast-2 checkAuth rejected:issuer"]],
    ["refreshed", ["eu-west-1 refreshAuth refreshed"]],
    ["*:issuer", ["ap-southeast-2 checkAuth rejected:issuer"]],
    ["cognito-unavailable*", []],
  ])("keeps only decision lines whose reason matches %s", async (reason, expected) => {
    expect(summary((await readEdgeLogs({ ...opts, reason })).events)).toEqual(expected);
  });

  it("reads the time window only", async () => {
    const r = await readEdgeLogs({ ...opts, since: T0 + 2000, until: T0 + 3000 });
    expect(summary(r.events)).toEqual(["eu-west-1 checkAuth rejected:signature", "eu-west-1 refreshAuth refreshed", "us-east-1 checkAuth signed-in"]);
    for (const c of logs.commandCalls(FilterLogEventsCommand)) expect(c.args[0].input).toMatchObject({ startTime: T0 + 2000, endTime: T0 + 3000 });
  });

  it("skips regions that are not enabled in the account", async () => {
    failing["sa-east-1"] = sdkError("UnrecognizedClientException", "The security token included in the request is invalid.");
    const r = await readEdgeLogs(opts);
    expect(r.skippedRegions).toEqual(["sa-east-1"]);
    expect(r.events).toHaveLength(5);
  });

  it("asks the regions in parallel, never more at once than the bound", async () => {
    const many = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-2", "sa-east-1", "ap-south-1"];
    await readEdgeLogs({ ...opts, regions: many, concurrency: 3 });
    expect(maxInFlight).toBe(3);
    await readEdgeLogs({ ...opts, regions: many, concurrency: 20 });
    expect(maxInFlight).toBeGreaterThan(3);
  });

  it.each([
    [sdkError("CredentialsProviderError", "Could not load credentials from any providers"), /^no usable AWS credentials \(CredentialsProviderError\): set AWS_PROFILE/],
    [sdkError("AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized to perform: logs:DescribeLogGroups"), /^access denied: your AWS identity may not call logs:DescribeLogGroups in eu-west-1; ask for that permission/],
    [sdkError("ThrottlingException", "Rate exceeded\nmore"), /^logs:DescribeLogGroups in eu-west-1 failed: ThrottlingException: Rate exceeded$/],
  ])("stops with one clear line on %s", async (error, message) => {
    failing["eu-west-1"] = error;
    const err = await readEdgeLogs(opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EdgeLogsError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain("\n");
  });
});

describe("followEdgeLogs", () => {
  it("yields the window, then each new line once as it arrives, and stops when aborted", async () => {
    const stop = new AbortController();
    const seen: string[] = [];
    let polls = 0;
    const sleep = async () => {
      polls++;
      if (polls === 1) world["eu-west-1"]![logGroupName(CHECK)]!.push({ t: T0 + 5000, message: decision("no-session", "/late") });
      // A group appears in a new region (its first viewer) and is found at the next rediscovery.
      if (polls === 2) world["sa-east-1"] = { [logGroupName(CHECK)]: [{ t: T0 + 6000, message: decision("signed-in", "/sa") }] };
      if (polls === 4) stop.abort();
    };
    for await (const e of followEdgeLogs({ ...opts, reason: "*" }, defaultLogsClients(), { signal: stop.signal, sleep, rediscoverEvery: 3 })) seen.push(`${e.region} ${String(e.record?.reason)}`);
    expect(seen).toEqual([
      "eu-west-1 rejected:signature",
      "eu-west-1 refreshed",
      "us-east-1 signed-in",
      "ap-southeast-2 rejected:issuer",
      "eu-west-1 no-session",
      "sa-east-1 signed-in",
    ]);
    // After the first poll, each poll re-reads from a minute before the newest line, not from the start.
    const starts = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.startTime!);
    expect(Math.max(...starts)).toBe(T0 + 5000 - 60_000);
  });
});

describe("reasonMatcher", () => {
  cases("%s on %s: %s", (glob: string, reason: string) => reasonMatcher(glob)(reason), [
    ["rejected:*", "rejected:signature", true],
    ["rejected:*", "rejected:", true],
    ["rejected:*", "refresh-refused:code-refused", false],
    ["*", "anything", true],
    ["signed-in", "signed-in:callback", false],
    ["signed-in*", "signed-in:callback", true],
    ["*unavailable*", "cognito-unavailable:jwks", true],
    ["a*b*c", "abc", true],
    ["a*b*c", "acb", false],
    ["ab*ba", "aba", false],
  ]);
});
