import { describe, expect, it } from "vitest";
import { NJS_PATH, njsAvailable, runUnderNjs } from "../../../local/cloudfront-function/njs";
import { loadCloudFrontFunction } from "../../../local/cloudfront-function/runtime";
import { PASSING_SAMPLES, SPREAD, viewerRequest } from "../../fixtures/cloudfront-functions";

const cases = PASSING_SAMPLES.flatMap((s) => s.events.map((event, i) => ({ ...s, event, label: `${s.name} #${i + 1}` })));
const NOW = new Date("2024-01-02T03:04:05.000Z");

describe.skipIf(!njsAvailable())(`under njs (${NJS_PATH}; skipped when it is not installed, .ci/run installs Debian's njs)`, () => {
  it.each(cases)("$label gives the same result as the sandbox", async ({ code, kvs, event }) => {
    const sandbox = await loadCloudFrontFunction(code, kvs ? { kvs } : {}).run(event);
    const njs = await runUnderNjs(code, event, { ...(kvs ? { kvs } : {}), now: NOW });
    expect(njs).toMatchObject({ ok: true });
    expect(njs.ok && njs.result).toEqual(sandbox.kind === "request" ? sandbox.request : sandbox.response);
  });

  it.each([
    ["spread", SPREAD],
    ["destructuring", "function handler(event) {\n  var { request } = event;\n  return request;\n}\n"],
    ["a class", "class A {}\nfunction handler(event) {\n  return event.request;\n}\n"],
    ["optional chaining", "function handler(event) {\n  return event.request?.uri;\n}\n"],
    ["for...of", "function handler(event) {\n  for (var x of []) {}\n  return event.request;\n}\n"],
  ])("refuses %s, as the sandbox does", async (_name, code) => {
    expect(() => loadCloudFrontFunction(code)).toThrow(/unsupported-syntax/);
    const njs = await runUnderNjs(code, viewerRequest("/"));
    expect(njs.ok).toBe(false);
    expect(!njs.ok && njs.error).toMatch(/SyntaxError/);
  });

  it("reports a handler's error", async () => {
    const njs = await runUnderNjs("function handler(event) {\n  throw new Error('boom');\n}\n", viewerRequest("/"));
    expect(njs).toEqual({ ok: false, error: "Error: boom", logs: [] });
  });

  it.each([
    ["ASCII", "x".repeat(5000)],
    ["CJK and emoji (njs cuts a printed line at 2,048 bytes)", "管理者😀".repeat(300)],
  ])("gives back a result of any size whole: %s", async (_, big) => {
    const code = `function handler(event) {\n  event.request.headers["x-big"] = { value: ${JSON.stringify(big)} };\n  return event.request;\n}\n`;
    const sandbox = await loadCloudFrontFunction(code).run(viewerRequest("/"));
    const njs = await runUnderNjs(code, viewerRequest("/"));
    expect(njs.ok, njs.ok ? "" : njs.error).toBe(true);
    expect(njs.ok && (njs.result as { headers: Record<string, { value: string }> }).headers["x-big"]!.value).toBe(big);
    expect(njs.ok && njs.result).toEqual(sandbox.kind === "request" ? sandbox.request : sandbox.response);
  });

  it("keeps what the function logged", async () => {
    const njs = await runUnderNjs("function handler(event) {\n  console.log('seen ' + event.request.uri);\n  return event.request;\n}\n", viewerRequest("/x"));
    expect(njs.logs).toEqual(["seen /x"]);
  });
});
