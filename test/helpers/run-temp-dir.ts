/**
 * vitest global setup for every run: a temp folder of the run's own, removed when the run ends, so a run leaves
 * nothing in the system's temp folder (builds, CDK bundles, remove state, origins, browser profiles, ...). The folder
 * is named with the run's pid, so a run that was killed before its end has its folder removed by the next run.
 *
 * TMPDIR (and TMP/TEMP) point at it before any test file starts, so `os.tmpdir()` in the test workers and in every
 * process they start returns it. At the end it is removed, and the system's temp folder is checked for entries named
 * like ours made during the run (code that ignores TMPDIR): with CI set (a machine of its own) or
 * EDGE_AUTH_TEMP_CHECK=strict, any there are listed and the run fails.
 *
 * It also silences, for the run and the processes it starts, the AWS SDK's notice that its releases after January
 * 2027 will need Node 22 (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, read by @aws-sdk/core): a notice about
 * future SDK versions, not about these tests.
 */
import { mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { leakedSince, tempEntries } from "./temp-leaks";

const VARS = ["TMPDIR", "TMP", "TEMP"] as const;
const RUN_PREFIX = "edge-auth-test-run-";

/** A run that was killed (Ctrl-C, a closed pipe) could not remove its folder: the next run removes it. */
function removeStaleRunDirs(system: string): void {
  for (const name of readdirSync(system)) {
    const pid = Number(new RegExp(`^${RUN_PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    rmSync(join(system, name), { recursive: true, force: true });
  }
}

/** Whether a process with this pid is alive (one of another user's counts as alive). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export default function tempDir(): () => void {
  const system = realpathSync(tmpdir());
  const before = tempEntries(system);
  const since = Date.now() - 1000;
  const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  removeStaleRunDirs(system);
  const runDir = mkdtempSync(join(system, `${RUN_PREFIX}${process.pid}-`));
  for (const v of VARS) process.env[v] = runDir;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

  return () => {
    for (const v of VARS) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    // On a machine of its own (CI) nothing else makes these: the run leaked them, and fails. On a shared machine
    // another checkout's run (one without this setup) may have made them, so the check stays quiet there.
    if (!process.env.CI && process.env.EDGE_AUTH_TEMP_CHECK !== "strict") return;
    const leaked = leakedSince(system, before, since).filter((n) => !n.startsWith(RUN_PREFIX));
    if (!leaked.length) return;
    console.error(`\nThe test run left ${leaked.length} entries in ${system}, outside its TMPDIR=${runDir}:\n  ${leaked.join("\n  ")}\n`);
    process.exitCode = 1;
  };
}
