/**
 * `npm run build`: validates the config, prepares what can be prepared once (JWKS, nonce-signing secret, error
 * page templates) and bundles every function of the catalogue (shared/functions.ts) with esbuild into `dist/<name>/index.js`, the
 * resolved config baked in (Lambda@Edge has no environment variables).
 *
 *   AUTH_CONFIG  config file (default: auth.config.json at the repository root)
 *   AUTH_OUTDIR  output folder (default: dist)
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import { readConfigFile, resolveOrThrow } from "../shared/config/load";
import type { AuthConfig } from "../shared/config/resolve";
import type { ResolvedConfig } from "../shared/config/types";
import { nodeHttpClient } from "../shared/edge/http";
import { FUNCTIONS, functionSpec } from "../shared/functions";
import { BuildError } from "./build-error";
import { buildCloudFrontFunction } from "./build-function";
import { extraBuildSteps } from "./build-steps";

const root = resolve(__dirname, "..");

export { BuildError };

/**
 * The part of the config a function gets baked in: secrets only where the catalogue says they are used (the
 * client secret only in the functions that call the token and revoke endpoints, the nonce-signing key only
 * where sign-in cookies are sealed or opened), keys only where tokens are verified, so a leaked bundle leaks as
 * little as possible.
 */
export function configFor(name: string, config: ResolvedConfig): ResolvedConfig {
  const spec = functionSpec(name);
  const out: ResolvedConfig = { ...config };
  if (!spec.secrets.includes("clientSecret")) delete out.clientSecret;
  if (!spec.secrets.includes("nonceSigningSecret")) out.nonceSigningSecret = "";
  if (!spec.secrets.includes("sessionSigningSecret")) out.session = { ...config.session, signingSecret: "" };
  if (!spec.verifiesTokens) out.jwks = { keys: [] };
  return out;
}

export interface BuildOptions {
  configPath: string;
  outdir: string;
  /** Only these functions (default: every function in the catalogue, shared/functions.ts). */
  only?: string[];
  log?: (line: string) => void;
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

/** The error page templates the config names, read from disk (paths relative to the config file). */
function readErrorPages(raw: Record<string, unknown>, configPath: string): Record<string, string> {
  const errorPages: Record<string, string> = {};
  if (!raw.errorPages || typeof raw.errorPages !== "object") return errorPages;
  for (const [status, file] of Object.entries(raw.errorPages as Record<string, unknown>)) {
    if (typeof file !== "string" || !file) continue;
    const path = resolve(dirname(configPath), file);
    if (!existsSync(path)) throw new BuildError(`errorPages.${status}: template file ${file} not found`);
    const html = readFileSync(path, "utf8");
    if (Buffer.byteLength(html) > 32 * 1024)
      throw new BuildError(`errorPages.${status}: template is over 32 KB (Lambda@Edge limits generated responses to 40 KB)`);
    errorPages[status] = html;
  }
  return errorPages;
}

/**
 * Reads the file and runs it through the config pipeline (shared/config/resolve.ts): every problem at once, each
 * naming its field, before any network call; then the JWKS is fetched when the config has none.
 */
export async function loadConfig(configPath: string, log: (l: string) => void = console.log): Promise<AuthConfig> {
  const raw = readConfigFile(configPath);
  const errorPages = readErrorPages(raw, configPath);
  const first = resolveOrThrow(raw, configPath, { nonceSigningSecret: "x".repeat(32), sessionSigningSecret: "x".repeat(43), errorPages, jwks: { keys: [] } }, log);
  const jwks = raw.jwks === undefined ? await fetchJwks(first.edge.issuer) : undefined;
  const config = resolveOrThrow(raw, configPath, {
      ...(jwks !== undefined ? { jwks: jwks as never } : {}),
      nonceSigningSecret: randomBytes(32).toString("base64url"),
      sessionSigningSecret: randomBytes(32).toString("base64url"),
      errorPages,
    }, () => undefined);
  if (!config.edge.jwks.keys.length) throw new BuildError("jwks: has no keys");
  return config;
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
  const all = await loadConfig(opts.configPath, log);
  const config = all.edge;
  const extra = await extraBuildSteps(all.triggers, { configPath: opts.configPath, log });
  const specs = FUNCTIONS.filter((f) => !opts.only || opts.only.includes(f.name));
  const sizes: Record<string, { bytes: number; gzip: number }> = {};
  await Promise.all(
    specs.map(async (spec) => {
      const name = spec.name;
      if (spec.runtime === "cloudfront-function") {
        // Not a bundle: code with its own runtime's rules and a 10 KB limit (gzip is not what CloudFront counts).
        const bytes = await buildCloudFrontFunction(spec, config, opts.outdir);
        sizes[name] = { bytes, gzip: gzipSync(readFileSync(join(opts.outdir, name, "index.js")), { level: 9 }).length };
        return;
      }
      const outdir = join(opts.outdir, name);
      rmSync(outdir, { recursive: true, force: true });
      mkdirSync(outdir, { recursive: true });
      const isEdge = spec.runtime === "lambda-edge";
      await build({
        entryPoints: [join(root, spec.entry)],
        outfile: join(outdir, "index.js"),
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        minify: true,
        legalComments: "none",
        logLevel: "error",
        define: { __AUTH_CONFIG__: JSON.stringify(configFor(name, config)), ...(extra.define ?? {}) },
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
