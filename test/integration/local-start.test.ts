/**
 * `npm start` as a user runs it, in a child process on free ports: a taken port is named with the variable to set,
 * and SIGTERM (not only Ctrl-C, which reaches the whole process group) stops every process it started —
 * cognito-local included — and frees every port. Linux/macOS: the process tree is read with `ps`.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { portIsFree } from "../../local/ports";
import { repoRoot } from "../helpers/build";
import { freePorts } from "../helpers/local-stack";

const TIMEOUT = 120_000;
const stateDirs: string[] = [];
const started: ChildProcess[] = [];

/** Every process below `pid`, with its command line. */
function descendants(pid: number): { pid: number; command: string }[] {
  const out = spawnSync("ps", ["-A", "-o", "pid=,ppid=,args="], { encoding: "utf8" }).stdout;
  const rows = out
    .split("\n")
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3]! }));
  const found: { pid: number; command: string }[] = [];
  const walk = (parent: number) => {
    for (const r of rows) if (r.ppid === parent) (found.push({ pid: r.pid, command: r.command }), walk(r.pid));
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Run {
  child: ChildProcess;
  ports: { PORT: number; COGNITO_PORT: number; AUTH_FRONT_PORT: number; LAMBDA_PORT: number };
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `command` (npm start, tsx, node) in the repository with the stack on the given ports. */
function run(command: string, args: string[], ports: Run["ports"]): Run {
  const stateDir = join(repoRoot, ".local", `start-test-${process.pid}-${stateDirs.length}`);
  stateDirs.push(stateDir);
  const env: NodeJS.ProcessEnv = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), LOCAL_STATE_DIR: stateDir };
  // The default stack, whatever the shell running the tests has set.
  for (const k of ["EDGE_AUTH_MODE", "EDGE_AUTH_HOT_PATH", "EDGE_AUTH_SITES", "EDGE_AUTH_PROVIDER", "TOKEN_VALIDITY"]) delete env[k];
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  return { child, ports, output: () => output, exited };
}

async function untilReady(r: Run): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!/Site:\s+http:\/\/localhost:\d+/.test(r.output())) {
    if (r.child.exitCode !== null) throw new Error(`exited with ${r.child.exitCode} before it was ready:\n${r.output()}`);
    if (Date.now() > deadline) throw new Error(`not ready after 90 s:\n${r.output()}`);
    await sleep(200);
  }
}

/** Waits until none of `pids` is alive and every port is free again (or the time is up), and says what is left. */
async function leftOver(pids: number[], ports: number[], withinMs = 10_000): Promise<{ processes: number[]; ports: number[] }> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const processes = pids.filter(alive);
    const taken: number[] = [];
    for (const p of ports) if (!(await portIsFree(p))) taken.push(p);
    if ((processes.length === 0 && taken.length === 0) || Date.now() > deadline) return { processes, ports: taken };
    await sleep(200);
  }
}

/** Starts the stack with `command`, checks it runs cognito-local, stops it with `signal` to `target(run)`. */
async function stopsEverything(command: string, args: string[], signal: NodeJS.Signals, target: (r: Run, tree: { pid: number; command: string }[]) => number) {
  const [PORT, COGNITO_PORT, AUTH_FRONT_PORT, LAMBDA_PORT] = await freePorts(4);
  const r = run(command, args, { PORT: PORT!, COGNITO_PORT: COGNITO_PORT!, AUTH_FRONT_PORT: AUTH_FRONT_PORT!, LAMBDA_PORT: LAMBDA_PORT! });
  await untilReady(r);
  const tree = descendants(r.child.pid!);
  expect(tree.filter((p) => p.command.includes("cognito-local"))).toHaveLength(1);
  const ports = Object.values(r.ports);
  for (const p of ports) expect({ port: p, free: await portIsFree(p) }).toEqual({ port: p, free: false });

  process.kill(target(r, tree), signal);
  await r.exited;
  expect(await leftOver([r.child.pid!, ...tree.map((p) => p.pid)], ports)).toEqual({ processes: [], ports: [] });
  return r;
}

afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const d of stateDirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(process.platform === "win32")("npm start", () => {
  it.concurrent(
    "a taken COGNITO_PORT is named, with the variable to set, before anything starts",
    async () => {
      const [PORT, COGNITO_PORT, AUTH_FRONT_PORT, LAMBDA_PORT] = await freePorts(4);
      const blocker = createServer();
      await new Promise<void>((ok) => blocker.listen(COGNITO_PORT, "localhost", ok));
      try {
        const r = run("npm", ["start", "--silent"], { PORT: PORT!, COGNITO_PORT: COGNITO_PORT!, AUTH_FRONT_PORT: AUTH_FRONT_PORT!, LAMBDA_PORT: LAMBDA_PORT! });
        expect(await r.exited).toBe(1);
        expect(r.output()).toContain(`npm start failed: port ${COGNITO_PORT} (cognito-local) is already in use. Set COGNITO_PORT to a free port, e.g. COGNITO_PORT=`);
        expect(r.output()).not.toContain("exited during start-up");
        for (const p of [PORT!, AUTH_FRONT_PORT!, LAMBDA_PORT!]) expect({ port: p, free: await portIsFree(p) }).toEqual({ port: p, free: true });
      } finally {
        await new Promise((ok) => blocker.close(ok));
      }
    },
    TIMEOUT,
  );

  it.concurrent(
    "SIGTERM to npm stops every process it started, cognito-local included, and frees every port",
    async () => {
      const r = await stopsEverything("npm", ["start"], "SIGTERM", (run) => run.child.pid!);
      // npm signals only its shell; the stack notices it was left behind and stops.
      expect(r.output()).toMatch(/(SIGTERM|is gone): stopping/);
    },
    TIMEOUT,
  );

  it.concurrent(
    "SIGTERM to tsx local/start.ts does the same",
    async () => {
      const r = await stopsEverything(join(repoRoot, "node_modules", ".bin", "tsx"), ["local/start.ts"], "SIGTERM", (run) => run.child.pid!);
      expect(r.output()).toContain("SIGTERM: stopping");
    },
    TIMEOUT,
  );

  it.concurrent(
    "cognito-local does not outlive a stack process killed with SIGKILL",
    async () => {
      // No handler runs on SIGKILL: cognito-local ends because its stdin (a pipe from the killed process) closes.
      await stopsEverything(process.execPath, ["--import", "tsx", "local/start.ts"], "SIGKILL", (run) => run.child.pid!);
    },
    TIMEOUT,
  );
});
