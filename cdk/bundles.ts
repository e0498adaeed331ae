/**
 * Builds the bundles at synth with the repository's own build (scripts/build.ts: `buildAll` over the function
 * catalogue), so a CDK deploy ships exactly what `npm run build` makes. A construct's constructor is synchronous and
 * the build is not (esbuild, and the JWKS fetch when the config has no keys), so it runs as a child process.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ConfigError } from "../shared/config/load";
import { runBuildProcess } from "../scripts/build-process";
import type { AuthConfigInput } from "./config";

/** The folder of this package (the one holding handlers/, shared/ and scripts/), found from this file. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && existsSync(join(dir, "scripts", "build.ts"))) {
      const name = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name;
      if (name === "cloudfront-cognito-edge-auth") return dir;
    }
    if (dirname(dir) === dir) throw new Error(`EdgeAuth: cannot find the cloudfront-cognito-edge-auth package above ${from}`);
  }
}

/** Builds made in this process, by config: two constructs with the same config share one build. */
const built = new Map<string, string>();

/**
 * Builds every function of the catalogue for `raw` into a folder of its own (`<folder>/<name>/index.js`, and
 * `check-auth-function/kvs.json`) and returns the folder. Throws ConfigError with the build's message (naming the
 * field) when the build refuses the config.
 */
export function buildBundles(raw: AuthConfigInput, label: string): string {
  const text = JSON.stringify(raw, null, 2);
  const key = createHash("sha256").update(text).digest("hex").slice(0, 16);
  const cached = built.get(key);
  if (cached && existsSync(join(cached, "build-info.json"))) return cached;
  const dir = join(tmpdir(), `edge-auth-cdk-${process.pid}-${key}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const configPath = join(dir, "auth.config.json");
  writeFileSync(configPath, text, { mode: 0o600 });
  const outdir = join(dir, "dist");
  const root = packageRoot();
  const r = runBuildProcess(root, configPath, outdir);
  if (!r.ok) throw new ConfigError(r.message !== undefined ? r.message.replaceAll(configPath, label) : `building the functions failed (exit ${r.status}):\n${r.output}`);
  built.set(key, outdir);
  return outdir;
}
