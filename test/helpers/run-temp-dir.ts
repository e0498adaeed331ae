/**
 * vitest global setup for every run: a temp folder of the run's own, removed when the run ends, so a run leaves
 * nothing in the system's temp folder (builds, CDK bundles, remove state, origins, browser profiles, ...).
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
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { leakedSince, tempEntries } from "./temp-leaks";

const VARS = ["TMPDIR", "TMP", "TEMP"] as const;

export default function tempDir(): () => void {
  const system = realpathSync(tmpdir());
  const before = tempEntries(system);
  const since = Date.now() - 1000;
  const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  const runDir = mkdtempSync(join(system, "edge-auth-test-run-"));
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
    const leaked = leakedSince(system, before, since).filter((n) => !n.startsWith("edge-auth-test-run-"));
    if (!leaked.length) return;
    console.error(`\nThe test run left ${leaked.length} entries in ${system}, outside its TMPDIR=${runDir}:\n  ${leaked.join("\n  ")}\n`);
    process.exitCode = 1;
  };
}
