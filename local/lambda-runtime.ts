/**
 * Loads a built Lambda bundle (`dist/<name>/index.js`, CommonJS exporting `handler`) the way the Lambda Node.js
 * runtime does, but with its own `console`, so the stack can tell which request a function's log line belongs to
 * (the edge functions log one JSON line per decision).
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
 * `console` sends each line to the invocation running at the time, or to `fallback` outside of one.
 */
export function loadHandler(file: string, fallback: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): LoadedHandler {
  const code = readFileSync(file, "utf8");
  const write = (...args: unknown[]) => {
    const line = format(...args);
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
  const sandboxConsole = { ...console, log: write, info: write, warn: write, error: write, debug: write };
  // Compiled like Node compiles any CommonJS file (so `import()` of built-ins works as in Lambda), with one line
  // added after the "use strict" directive that gives the bundle its own `console`.
  const m = new Module(file) as Module & { _compile(code: string, filename: string): void; __console?: unknown };
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  m.__console = sandboxConsole;
  const directive = /^(["'])use strict\1;?/.exec(code)?.[0] ?? "";
  m._compile(`${directive}var console=module.__console;${code.slice(directive.length)}`, file);
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
