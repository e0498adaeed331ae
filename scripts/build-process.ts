/**
 * `npm run build` for a config in a child process (`node <tsx cli> scripts/build.ts` with AUTH_CONFIG and
 * AUTH_OUTDIR), for callers that cannot run esbuild in their own process: a hand-typed `sls` (scripts/sls-prepare.ts:
 * esbuild does not start from a module loaded through tsx's require API) and the CDK constructs at synth
 * (cdk/bundles.ts). The build's failure message, when it printed one, comes back as it was written.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export type BuildProcessResult = { ok: true } | { ok: false; status: number | null; output: string; message: string | undefined };

/** Builds `configPath` into `outdir` with the package at `root`; `showOutput` passes the build's stdout through. */
export function runBuildProcess(root: string, configPath: string, outdir: string, opts: { showOutput?: boolean } = {}): BuildProcessResult {
  // Loaded through tsx's require API, a resolved path carries `?namespace=…`.
  const tsx = require.resolve("tsx/cli").replace(/\?.*$/, "");
  const res = spawnSync(process.execPath, [tsx, join(root, "scripts", "build.ts")], {
    cwd: root,
    env: { ...process.env, AUTH_CONFIG: configPath, AUTH_OUTDIR: outdir },
    stdio: ["ignore", opts.showOutput ? "inherit" : "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (res.error) throw res.error;
  if (res.status === 0) return { ok: true };
  const output = `${res.stderr ?? ""}\n${res.stdout ?? ""}`;
  const failed = /build failed: ([\s\S]*)/.exec(output);
  return { ok: false, status: res.status, output: output.trim(), message: failed ? failed[1]!.trim() : undefined };
}
