/**
 * Loads a built Lambda bundle (`dist/<name>/index.js`, CommonJS exporting `handler`) the way the Lambda Node.js
 * runtime does, but with its own `console` and `process.stdout`, so the stack can tell which request a function's
 * log line belongs to (the edge functions write one JSON line per decision straight to stdout, shared/log.ts
 * `stdoutSink`; anything else may use `console`).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import Module from "node:module";
import { dirname } from "node:path";
import { format } from "node:util";

/** A loaded handler: `(event, context) => Promise<result>`. */
export type LoadedHandler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

/** What a function logged while it handled one invocation. */
export interface InvocationLog {
  /** The decision line's `reason`, when the function logged one. */
  reason?: string;
  /** Every line, as logged. */
  lines: string[];
}

const current = new AsyncLocalStorage<InvocationLog>();

/**
 * Loads `file` in a fresh module scope (never from the require cache, so a rebuilt bundle is picked up) whose
 * `console` and `process.stdout.write` send each line to the invocation running at the time, or to `fallback`
 * outside of one.
 */
export function loadHandler(file: string, fallback: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): LoadedHandler {
  const code = readFileSync(file, "utf8");
  const push = (line: string) => {
    const inv = current.getStore();
    if (!inv) return fallback(line);
    inv.lines.push(line);
    try {
      const rec = JSON.parse(line) as { msg?: unknown; reason?: unknown };
      if (rec.msg === "decision" && typeof rec.reason === "string") inv.reason = rec.reason;
    } catch {
      // not JSON: kept as a plain line
    }
  };
  const write = (...args: unknown[]) => push(format(...args));
  const sandboxConsole = { ...console, log: write, info: write, warn: write, error: write, debug: write };
  // Raw writes to stdout, split into lines (a write may hold several, or end without a newline yet).
  let pending = "";
  const stdout = {
    write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      pending += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const l of lines) push(l);
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      if (done) queueMicrotask(done);
      return true;
    },
  };
  // Everything else of `process` as it is (`env`, `hrtime`, ...), called on the real object.
  const sandboxProcess = new Proxy(process, {
    get(target, key) {
      if (key === "stdout") return stdout;
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  // Compiled like Node compiles any CommonJS file (so `import()` of built-ins works as in Lambda), with one line
  // added after the "use strict" directive that gives the bundle its own `console` and `process`.
  const m = new Module(file) as Module & { _compile(code: string, filename: string): void; __console?: unknown; __process?: unknown };
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  m.__console = sandboxConsole;
  m.__process = sandboxProcess;
  const directive = /^(["'])use strict\1;?/.exec(code)?.[0] ?? "";
  m._compile(`${directive}var console=module.__console,process=module.__process;${code.slice(directive.length)}`, file);
  const module = m as unknown as { exports: Record<string, unknown> };
  const handler = module.exports.handler;
  if (typeof handler !== "function") throw new Error(`${file} does not export a handler function`);
  return handler as LoadedHandler;
}

/** Runs `fn` as one invocation: log lines written meanwhile are collected in the returned log. */
export async function invoke<T>(fn: () => Promise<T>): Promise<{ result: T; log: InvocationLog }> {
  const log: InvocationLog = { lines: [] };
  const result = await current.run(log, fn);
  return { result, log };
}
