/**
 * Runs the real build (`npm run build`'s script) with a test config (AUTH_CONFIG / AUTH_OUTDIR) and loads the built
 * bundles. Its folder is in the run's temp folder (test/helpers/run-temp-dir.ts), removed when the run ends.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(__dirname, "../..");

export interface Built {
  outdir: string;
  configPath: string;
  stdout: string;
  stderr: string;
  status: number | null;
  /** `require`s a built bundle afresh (own module instance) and returns its exports. */
  load<T = { handler: (event: unknown) => Promise<unknown> }>(name: string): T;
}

/** The key value store data the build writes next to the CloudFront Function (`kvs.json`). */
export interface KvsData {
  data: { key: string; value: string }[];
}

/** The built CloudFront Function: its code, its key value store data and the session key in it. */
export function builtFunction(built: Pick<Built, "outdir">): { code: string; kvs: KvsData; sessionKey: string } {
  const dir = join(built.outdir, "check-auth-function");
  const kvs = JSON.parse(readFileSync(join(dir, "kvs.json"), "utf8")) as KvsData;
  return { code: readFileSync(join(dir, "index.js"), "utf8"), kvs, sessionKey: kvs.data.find((d) => d.key === "session-key")!.value };
}

/** Async, so servers in the test process (e.g. a JWKS endpoint the build fetches) keep answering. */
export async function buildWith(raw: Record<string, unknown>, extraFiles: Record<string, string> = {}): Promise<Built> {
  const dir = mkdtempSync(join(tmpdir(), "edge-auth-build-"));
  const configPath = join(dir, "auth.config.json");
  writeFileSync(configPath, JSON.stringify(raw, null, 2));
  for (const [name, content] of Object.entries(extraFiles)) writeFileSync(join(dir, name), content);
  const outdir = join(dir, "dist");
  const r = await new Promise<{ stdout: string; stderr: string; status: number | null }>((done) => {
    // `npm run build` is `tsx scripts/build.ts`: the same build in one Node process, without npm's and tsx's CLI
    // starting two processes first (about 0.3 s of CPU a build; test/unit/scripts/build-steps.test.ts runs the
    // npm script itself).
    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "scripts", "build.ts")], {
      cwd: repoRoot,
      env: { ...process.env, AUTH_CONFIG: configPath, AUTH_OUTDIR: outdir },
      timeout: 120_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status) => done({ stdout, stderr, status }));
  });
  const req = createRequire(join(repoRoot, "package.json"));
  return {
    outdir,
    configPath,
    stdout: r.stdout,
    stderr: r.stderr,
    status: r.status,
    load(name) {
      const file = join(outdir, name, "index.js");
      delete req.cache[file];
      return req(file);
    },
  };
}
