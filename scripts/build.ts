/**
 * `npm run build`: validates the config, prepares what can be prepared once (JWKS, nonce-signing secret, error
 * page templates) and bundles every function in handlers/ with esbuild into `dist/<name>/index.js`, the
 * resolved config baked in (Lambda@Edge has no environment variables).
 *
 *   AUTH_CONFIG  config file (default: auth.config.json at the repository root)
 *   AUTH_OUTDIR  output folder (default: dist)
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import { resolveConfig } from "../shared/config";
import type { ResolvedConfig } from "../shared/config";
import { nodeHttpClient } from "../shared/http";
import { BuildError } from "./build-error";
import { extraBuildSteps } from "./build-steps";

const root = resolve(__dirname, "..");

export { BuildError };

/** Edge functions: the ones CloudFront runs. The rest of handlers/ are ordinary Lambdas (Cognito triggers). */
export const EDGE_FUNCTIONS = ["check-auth", "parse-auth", "refresh-auth", "sign-out", "http-headers"] as const;

export interface BuildOptions {
  configPath: string;
  outdir: string;
  /** Only these functions (default: every file in handlers/). */
  only?: string[];
  log?: (line: string) => void;
}

export function readRawConfig(configPath: string): Record<string, unknown> {
  if (!existsSync(configPath)) {
    throw new BuildError(
      `config file ${configPath} not found: copy auth.config.example.json to auth.config.json and fill it in, or set AUTH_CONFIG`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(configPath, "utf8"));
  } catch (err) {
    throw new BuildError(`config file ${configPath} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new BuildError(`config: must be a JSON object`);
  return raw as Record<string, unknown>;
}

async function fetchJwks(issuer: string): Promise<unknown> {
  const uri = `${issuer}/.well-known/jwks.json`;
  try {
    const res = await nodeHttpClient(uri, { method: "GET", timeoutMs: 10_000, headers: { accept: "application/json" } });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return JSON.parse(res.body.toString("utf8"));
  } catch (err) {
    throw new BuildError(`jwks: not in the config, and fetching ${uri} failed (${(err as Error).message}); add "jwks" to the config`);
  }
}

/** Reads, validates and completes the config; throws BuildError with every problem, each naming its field. */
export async function loadConfig(configPath: string, log: (l: string) => void = console.log): Promise<{ config: ResolvedConfig; raw: Record<string, unknown> }> {
  const raw = readRawConfig(configPath);
  const errorPages: Record<string, string> = {};
  if (raw.errorPages && typeof raw.errorPages === "object") {
    for (const [status, file] of Object.entries(raw.errorPages as Record<string, unknown>)) {
      if (typeof file !== "string" || !file) continue;
      const path = resolve(dirname(configPath), file);
      if (!existsSync(path)) throw new BuildError(`errorPages.${status}: template file ${file} not found`);
      const html = readFileSync(path, "utf8");
      if (Buffer.byteLength(html) > 32 * 1024)
        throw new BuildError(`errorPages.${status}: template is over 32 KB (Lambda@Edge limits generated responses to 40 KB)`);
      errorPages[status] = html;
    }
  }
  // Validate once without the JWKS so config errors are reported before any network call.
  const first = resolveConfig(raw, { nonceSigningSecret: "x".repeat(32), errorPages, jwks: { keys: [] } });
  for (const w of first.warnings) log(`warning: ${w}`);
  if (!first.ok) throw new BuildError(`invalid config ${configPath}:\n  ${first.errors.join("\n  ")}`);
  const jwks = raw.jwks === undefined ? await fetchJwks(first.config.issuer) : undefined;
  const result = resolveConfig(raw, {
    ...(jwks !== undefined ? { jwks: jwks as never } : {}),
    nonceSigningSecret: randomBytes(32).toString("base64url"),
    errorPages,
  });
  if (!result.ok) throw new BuildError(`invalid config ${configPath}:\n  ${result.errors.join("\n  ")}`);
  if (!result.config.jwks.keys.length) throw new BuildError("jwks: has no keys");
  return { config: result.config, raw };
}

/**
 * aws-jwt-verify's default fetcher requires `https` when the bundle loads. We always give it our own fetcher
 * (shared/http.ts, loaded lazily), so its Node fetch is replaced by a stub that is never called.
 */
const noEagerHttps: Plugin = {
  name: "no-eager-https",
  setup(b) {
    b.onResolve({ filter: /https-node(\.js)?$/ }, (args) =>
      args.importer.includes("aws-jwt-verify") ? { path: "https-node-stub", namespace: "stub" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents: "export async function fetch() { throw new Error('unused: shared/http.ts fetches JWKS'); }",
      loader: "js",
    }));
  },
};

export async function buildAll(opts: BuildOptions): Promise<{ config: ResolvedConfig; sizes: Record<string, { bytes: number; gzip: number }> }> {
  const log = opts.log ?? console.log;
  const { config, raw } = await loadConfig(opts.configPath, log);
  const extra = await extraBuildSteps(raw, { configPath: opts.configPath, log });
  const names = readdirSync(join(root, "handlers"))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => f.slice(0, -3))
    .filter((n) => !opts.only || opts.only.includes(n));
  const sizes: Record<string, { bytes: number; gzip: number }> = {};
  await Promise.all(
    names.map(async (name) => {
      const outdir = join(opts.outdir, name);
      rmSync(outdir, { recursive: true, force: true });
      mkdirSync(outdir, { recursive: true });
      const isEdge = (EDGE_FUNCTIONS as readonly string[]).includes(name);
      await build({
        entryPoints: [join(root, "handlers", `${name}.ts`)],
        outfile: join(outdir, "index.js"),
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        minify: true,
        legalComments: "none",
        logLevel: "error",
        define: { __AUTH_CONFIG__: JSON.stringify(config), ...(extra.define ?? {}) },
        plugins: [noEagerHttps, ...(extra.plugins ?? [])],
        // Ordinary Lambdas on nodejs22.x have the AWS SDK v3; edge bundles must be self-contained.
        external: isEdge ? [] : ["@aws-sdk/*"],
      });
      const code = readFileSync(join(outdir, "index.js"));
      sizes[name] = { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
    }),
  );
  writeFileSync(join(opts.outdir, "build-info.json"), JSON.stringify({ functions: sizes, clientId: config.clientId, domain: config.domain }, null, 2));
  return { config, sizes };
}

async function main() {
  const configPath = resolve(process.env.AUTH_CONFIG ?? join(root, "auth.config.json"));
  const outdir = resolve(process.env.AUTH_OUTDIR ?? join(root, "dist"));
  try {
    const { sizes } = await buildAll({ configPath, outdir });
    for (const [name, s] of Object.entries(sizes).sort()) {
      console.log(`${name.padEnd(22)} ${(s.bytes / 1024).toFixed(1).padStart(6)} KB  ${(s.gzip / 1024).toFixed(1).padStart(5)} KB gzip`);
    }
    console.log(`built into ${outdir}`);
  } catch (err) {
    if (err instanceof BuildError) {
      console.error(`build failed: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

if (require.main === module) void main();
