/**
 * The last step of npm run remove against an SDK v3 Lambda client stubbed by aws-sdk-client-mock: CloudFront
 * holds a function's replicas for a number of rounds (DeleteFunction answers "replicated function"), then lets go.
 */
import { mkdtempSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteFunctionCommand, InvalidParameterValueException, LambdaClient, ResourceNotFoundException, TooManyRequestsException } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CleanupError, defaultLambdaClient, deleteReplicatedFunctions, isReplicatedError, readCleanupState } from "../../../scripts/operate/replica-cleanup";
import { edgeFunctionNames } from "../../../scripts/operate/function-names";

const lambda = mockClient(LambdaClient);
const FNS = edgeFunctionNames({ service: "edge-auth", stage: "dev" });
const MIN = 60_000;

const replicated = (fn: string) =>
  new InvalidParameterValueException({
    message: `Lambda was unable to delete arn:aws:lambda:us-east-1:123456789012:function:${fn}:1 because it is a replicated function. Please see our documentation for Deleting Lambda@Edge Functions and Replicas.`,
    $metadata: { httpStatusCode: 400 },
  });

/** Function → rounds it stays replicated; `gone` ones were deleted before. */
let holdFor: Record<string, number>;
let gone: Set<string>;
let clock: number;
let lines: string[];
const sleep = async (ms: number) => {
  clock += ms;
};

beforeEach(() => {
  clock = Date.UTC(2030, 0, 1);
  lines = [];
  gone = new Set();
  holdFor = Object.fromEntries(FNS.map((f, i) => [f, i % 3])); // 0, 1 or 2 rounds
  lambda.on(DeleteFunctionCommand).callsFake(async (input: { FunctionName: string }) => {
    const fn = input.FunctionName;
    if (gone.has(fn)) throw new ResourceNotFoundException({ message: `Function not found: ${fn}`, $metadata: { httpStatusCode: 404 } });
    if ((holdFor[fn] ?? 0) > 0) {
      holdFor[fn]!--;
      throw replicated(fn);
    }
    gone.add(fn);
    return {};
  });
});
afterEach(() => lambda.reset());

const base = () => ({ functions: FNS, intervalMs: 5 * MIN, now: () => clock, sleep, log: (l: string) => lines.push(l) });
const stateFile = () => join(mkdtempSync(join(tmpdir(), "remove-state-")), "nested", "remove-state.json");

describe("deleting replicated Lambda@Edge functions", () => {
  it("retries the replicated ones each round until all are deleted, with progress, and ends done", async () => {
    const file = stateFile();
    const r = await deleteReplicatedFunctions({ ...base(), stateFile: file }, defaultLambdaClient());
    expect(r).toMatchObject({ state: "done", pending: [], absent: [], rounds: 3, elapsedMs: 10 * MIN });
    expect(r.deleted.sort()).toEqual([...FNS].sort());
    expect(lambda.commandCalls(DeleteFunctionCommand)).toHaveLength(FNS.length + 4 + 2);
    expect(lines.filter((l) => l.startsWith("waiting for CloudFront"))).toEqual([
      "waiting for CloudFront to delete the replicas: 4 function(s) still replicated, 2 gone (round 1, 0 min so far, next try in 5 min, giving up after 4 h 0 min)",
      "waiting for CloudFront to delete the replicas: 2 function(s) still replicated, 4 gone (round 2, 5 min so far, next try in 5 min, giving up after 4 h 0 min)",
    ]);
    expect(existsSync(file)).toBe(false);
  });

  it("counts functions deleted before as gone, not as errors", async () => {
    for (const f of FNS) gone.add(f);
    const r = await deleteReplicatedFunctions(base());
    expect(r).toMatchObject({ state: "done", deleted: [], rounds: 1 });
    expect(r.absent).toEqual(FNS);
  });

  it("gives up at the timeout with the functions still replicated, saved for the next run, which resumes and finishes", async () => {
    for (const f of FNS) holdFor[f] = 100;
    const file = stateFile();
    const r = await deleteReplicatedFunctions({ ...base(), stateFile: file, timeoutMs: 30 * MIN });
    expect(r.state).toBe("pending");
    expect(r.pending).toEqual(FNS);
    expect(r.rounds).toBe(7); // at 0, 5, ..., 30 min: the last try falls on the timeout
    expect(lines.at(-1)).toBe("gave up waiting after 30 min: 6 function(s) still replicated");
    expect(readCleanupState(file)).toEqual({ pending: FNS, since: Date.UTC(2030, 0, 1) });

    // Hours later CloudFront has let go of all but one.
    clock += 3 * 3600_000;
    for (const f of FNS) holdFor[f] = 0;
    holdFor[FNS[0]!] = 1;
    lines = [];
    const again = await deleteReplicatedFunctions({ ...base(), functions: [], stateFile: file, timeoutMs: 8 * 3600_000 });
    expect(lines[0]).toBe("resuming: 6 function(s) left by an earlier run, first tried 3 h 30 min ago");
    expect(again).toMatchObject({ state: "done", pending: [], rounds: 2 });
    expect(again.deleted.sort()).toEqual([...FNS].sort());
    expect(existsSync(file)).toBe(false);
  });

  it("tries once with once (npm run remove --no-wait) and keeps the rest for later", async () => {
    const file = stateFile();
    const r = await deleteReplicatedFunctions({ ...base(), stateFile: file, once: true });
    expect(r).toMatchObject({ state: "pending", rounds: 1 });
    expect(r.pending).toHaveLength(4);
    expect(JSON.parse(readFileSync(file, "utf8")).pending).toEqual(r.pending);
  });

  it("retries throttling like a replicated function, and says so", async () => {
    let throttled = false;
    lambda.on(DeleteFunctionCommand).callsFake(async () => {
      if (!throttled) {
        throttled = true;
        throw new TooManyRequestsException({ message: "Rate exceeded", $metadata: { httpStatusCode: 429 } });
      }
      return {};
    });
    const r = await deleteReplicatedFunctions({ ...base(), functions: [FNS[0]!] });
    expect(r).toMatchObject({ state: "done", deleted: [FNS[0]], rounds: 2 });
    expect(lines[0]).toBe(`  ${FNS[0]}: lambda:DeleteFunction in us-east-1 failed: TooManyRequestsException: Rate exceeded; will retry`);
  });

  it.each([
    [Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), /^no usable AWS credentials/],
    [Object.assign(new Error("User is not authorized to perform: lambda:DeleteFunction"), { name: "AccessDeniedException" }), /^access denied: your AWS identity may not call lambda:DeleteFunction in us-east-1/],
  ])("stops at once on %s with one line, keeping what is left", async (error, message) => {
    lambda.on(DeleteFunctionCommand).rejects(error);
    const file = stateFile();
    const err = await deleteReplicatedFunctions({ ...base(), stateFile: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CleanupError);
    expect((err as Error).message).toMatch(message);
    expect(readCleanupState(file)?.pending).toEqual(FNS);
  });

  it("knows the replicated-function answer from other invalid parameters", () => {
    expect(isReplicatedError(replicated("x"))).toBe(true);
    expect(isReplicatedError(new InvalidParameterValueException({ message: "bad name", $metadata: {} }))).toBe(false);
  });
});
