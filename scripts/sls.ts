/**
 * Runs the pinned osls CLI (the open-source Serverless Framework v3 line) with the environment the Serverless
 * files expect, and with telemetry and notifications off.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(__dirname, "..");
const cli = require.resolve("osls/bin/serverless.js");

/** Which Serverless file: the edge stack (serverless.yml) or the user-pool stack (serverless.pool.yml). */
export type Stack = "edge" | "pool";

export interface SlsEnv {
  /** The user's config (what scripts/sls-config.js reads). */
  configPath: string;
  /** Folder holding the bundles (must be inside the repository). */
  outdir: string;
  /** Hosts for the created app client's callback and sign-out URLs. */
  siteHosts?: string[];
  /** False for a command that packages nothing (`remove`, `s3sync`): the Serverless values then leave out what
   *  only a package needs from the build (function code, the key value store), so it runs without a build. */
  readsBuild?: boolean;
}

export class SlsError extends Error {}

/** Runs `osls <args...>` for one stack; resolves with stdout, rejects with SlsError on a non-zero exit. */
export function sls(stack: Stack, args: string[], env: SlsEnv, opts: { quiet?: boolean } = {}): Promise<string> {
  const fullArgs = [cli, ...args, ...(stack === "pool" ? ["--config", "serverless.pool.yml"] : [])];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, fullArgs, {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        AUTH_CONFIG: env.configPath,
        AUTH_OUTDIR: env.outdir,
        EDGE_AUTH_SITE_HOSTS: (env.siteHosts ?? []).join(","),
        EDGE_AUTH_WITHOUT_BUILD: env.readsBuild === false ? "1" : "",
        // Our npm scripts build before they run osls: scripts/sls-prepare.ts builds nothing again.
        EDGE_AUTH_BUILT: "1",
        SLS_TELEMETRY_DISABLED: "1",
        SLS_NOTIFICATIONS_MODE: "off",
        AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
      },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b;
      if (!opts.quiet) process.stdout.write(b);
    });
    child.stderr.on("data", (b: Buffer) => {
      err += b;
      if (!opts.quiet) process.stderr.write(b);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolvePromise(out);
      else reject(new SlsError(`osls ${args.join(" ")} (${stack} stack) failed with exit code ${code}${opts.quiet ? `:\n${err}${out}` : ""}`));
    });
  });
}
