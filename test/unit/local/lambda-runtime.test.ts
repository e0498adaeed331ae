/**
 * local/lambda-runtime.ts: a bundle's log lines belong to the invocation that wrote them, whether they went to
 * `console` or straight to `process.stdout` (the edge functions' sink, shared/log.ts `stdoutSink`), and the
 * decision line's reason is picked up either way. Outside an invocation they go to the fallback.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { invoke, loadHandler } from "../../../local/lambda-runtime";

const dir = mkdtempSync(join(tmpdir(), "lambda-runtime-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CommonJS bundle like esbuild's: "use strict", then a handler that logs as the event says. */
function bundle(body: string): string {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, `"use strict";\nconsole.log("loaded");\nexports.handler = async (event) => {\n${body}\n  return { ok: true, env: typeof process.env, pid: process.pid === require("node:process").pid };\n};\n`);
  return file;
}

const decision = (reason: string) => JSON.stringify({ level: "info", fn: "check-auth", msg: "decision", reason, _aws: {} });

describe("loadHandler + invoke", () => {
  it.each([
    ["process.stdout.write, one line a write", `process.stdout.write(${JSON.stringify(`${decision("no-session")}\n`)});`],
    ["process.stdout.write, two lines in one write, with % in them", `process.stdout.write(${JSON.stringify(`{"level":"debug","msg":"100%s %%"}\n${decision("no-session")}\n`)});`],
    ["process.stdout.write, a line split over two writes", `process.stdout.write(${JSON.stringify(decision("no-session").slice(0, 20))}); process.stdout.write(${JSON.stringify(`${decision("no-session").slice(20)}\n`)});`],
    ["console.log", `console.log(${JSON.stringify(decision("no-session"))});`],
  ])("captures the lines of %s, and the decision's reason", async (_, body) => {
    const outside: string[] = [];
    const handler = loadHandler(bundle(body), (l) => outside.push(l));
    expect(outside).toEqual(["loaded"]);
    const { result, log } = await invoke(() => handler({}, {}));
    expect(result).toEqual({ ok: true, env: "object", pid: true });
    expect(log.reason).toBe("no-session");
    expect(log.lines).toContain(decision("no-session"));
    if (body.includes("100%s")) expect(log.lines[0]).toBe('{"level":"debug","msg":"100%s %%"}');
    expect(outside).toEqual(["loaded"]);
  });

  it("keeps two invocations' lines apart", async () => {
    const handler = loadHandler(bundle(`process.stdout.write(JSON.stringify({ msg: "decision", reason: event.r }) + "\\n");`), () => undefined);
    const [a, b] = await Promise.all([invoke(() => handler({ r: "a" }, {})), invoke(() => handler({ r: "b" }, {}))]);
    expect([a.log.reason, b.log.reason]).toEqual(["a", "b"]);
    expect([a.log.lines.length, b.log.lines.length]).toEqual([1, 1]);
  });
});
