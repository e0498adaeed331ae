import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixTokenGenerationEvent, startLambdaInvokeServer } from "../../../local/lambda-invoke";
import type { LambdaInvokeServer } from "../../../local/lambda-invoke";
import { cognitoLocalTokenEvent, postConfirmationEvent, v1TokenEvent } from "../../fixtures/cognito-events";

describe("fixTokenGenerationEvent", () => {
  const lookup = async (pool: string, user: string) => (pool === "local_abc" && user === "1ab2c3" ? ["admins", "readers"] : []);

  it("fills in groups and makes a cognito-local event a V1 event", async () => {
    const fixed = (await fixTokenGenerationEvent(cognitoLocalTokenEvent(), lookup)) as ReturnType<typeof v1TokenEvent>;
    expect(fixed.version).toBe("1");
    expect(fixed.request.groupConfiguration).toEqual({ groupsToOverride: ["admins", "readers"], iamRolesToOverride: [], preferredRole: null });
    expect(fixed.request.userAttributes).toEqual(cognitoLocalTokenEvent().request.userAttributes);
    expect(fixed.response).toEqual({ claimsOverrideDetails: null });
  });

  it.each([
    ["a Cognito V1 event", v1TokenEvent()],
    ["a post-confirmation event", postConfirmationEvent("PostConfirmation_ConfirmSignUp")],
    ["not an event", "x"],
  ])("leaves %s alone", async (_name, event) => {
    expect(await fixTokenGenerationEvent(event, lookup)).toBe(event);
  });
});

describe("startLambdaInvokeServer", () => {
  let dir: string;
  let server: LambdaInvokeServer;
  const fn = (name: string, code: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, "index.js"), code);
  };
  const invoke = (name: string, body: unknown) =>
    fetch(`${server.url}/2015-03-31/functions/${name}/invocations`, { method: "POST", body: JSON.stringify(body) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "lambda-invoke-"));
    fn("echo", "exports.handler = async (e) => ({ ...e, seen: true });");
    fn("callback", "exports.handler = (e, ctx, cb) => cb(null, { name: ctx.functionName });");
    fn("boom", "exports.handler = async () => { throw Object.assign(new Error('no such group'), { name: 'ResourceNotFoundException' }); };");
    fn("slow", "exports.handler = () => new Promise(() => {});");
    server = await startLambdaInvokeServer({ functionsDir: dir, timeoutMs: 200 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("listens on loopback", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each([
    ["echo", { a: 1 }, { a: 1, seen: true }],
    ["callback", {}, { name: "callback" }],
  ])("returns what %s's handler returns", async (name, event, result) => {
    const res = await invoke(name, event);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-amz-function-error")).toBeNull();
    expect(await res.json()).toEqual(result);
  });

  it.each([
    ["boom", { errorType: "ResourceNotFoundException", errorMessage: "no such group" }],
    ["slow", { errorType: "TimeoutError", errorMessage: "Task timed out after 0.20 seconds" }],
  ])("reports %s's failure as an unhandled function error", async (name, body) => {
    const res = await invoke(name, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("x-amz-function-error")).toBe("Unhandled");
    expect(await res.json()).toEqual(body);
  });

  it.each(["missing", "..%2Fetc"])("answers 404 for function %s", async (name) => {
    const res = await invoke(name, {});
    expect(res.status).toBe(404);
  });
});
