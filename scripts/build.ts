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
import { missingEndpoints } from "../shared/config/resolve";
import type { AuthConfig, ResolvedSite } from "../shared/config/resolve";
import type { EdgeBundleConfig } from "../shared/edge/baked-config";
import type { Jwks } from "aws-jwt-verify/jwk";
import type { ResolvedConfig } from "../shared/config/types";
import { nodeHttpClient } from "../shared/edge/http";
import { FUNCTIONS, deployedEdgeFunctions, functionSpec } from "../shared/functions";
import { BuildError } from "./build-error";
import { FunctionTooLargeError, buildCloudFrontFunction } from "./build-function";
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

/** A bundle's baked config: every site, each with only what this function may know. */
export function bundleConfigFor(name: string, all: Pick<AuthConfig, "sites">): EdgeBundleConfig {
  return { sites: all.sites.map((s) => ({ hosts: s.hosts, config: configFor(name, s.config) })) };
}

export interface BuildOptions {
  configPath: string;
  outdir: string;
  /** Only these functions (default: every function in the catalogue, shared/functions.ts). */
  only?: string[];
  log?: (line: string) => void;
}

/** GETs a JSON document at build time; BuildError naming `field` when it cannot. */
async function fetchJson(uri: string, field: string, hint: string): Promise<Record<string, unknown>> {
  try {
    const res = await nodeHttpClient(uri, { method: "GET", timeoutMs: 10_000, headers: { accept: "application/json" } });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    const doc = JSON.parse(res.body.toString("utf8")) as unknown;
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error("not a JSON object");
    return doc as Record<string, unknown>;
  } catch (err) {
    throw new BuildError(`${field}: fetching ${uri} failed (${(err as Error).message}); ${hint}`);
  }
}

/**
 * OpenID Connect Discovery (https://openid.net/specs/openid-connect-discovery-1_0.html §4): the provider's
 * configuration document, read once at build like its keys. Its `issuer` must be the configured one (checked by
 * the config pipeline).
 */
function fetchDiscovery(issuer: string): Promise<Record<string, unknown>> {
  return fetchJson(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, "provider.issuer", "set the provider's endpoints (authorizationEndpoint, tokenEndpoint, jwksUri) in the config if it has no discovery document");
}

/** The error page templates the config names (top level and sites), read from disk, by the path as written. */
function readTemplates(raw: Record<string, unknown>, configPath: string): Record<string, string> {
  const templates: Record<string, string> = {};
  const all = [raw, ...(Array.isArray(raw.sites) ? (raw.sites as Record<string, unknown>[]) : [])];
  for (const part of all) {
    if (!part || typeof part.errorPages !== "object" || part.errorPages === null) continue;
    for (const [status, file] of Object.entries(part.errorPages as Record<string, unknown>)) {
      if (typeof file !== "string" || !file || templates[file] !== undefined) continue;
      const path = resolve(dirname(configPath), file);
      if (!existsSync(path)) throw new BuildError(`errorPages.${status}: template file ${file} not found`);
      const html = readFileSync(path, "utf8");
      if (Buffer.byteLength(html) > 32 * 1024)
        throw new BuildError(`errorPages.${status}: template is over 32 KB (Lambda@Edge limits generated responses to 40 KB)`);
      templates[file] = html;
    }
  }
  return templates;
}

/**
 * Reads the file and runs it through the config pipeline (shared/config/resolve.ts): every problem at once, each
 * naming its field, before any network call. Then what each site's provider publishes is read once: another
 * OpenID Connect provider's discovery document (unless the config gives its endpoints) and the keys of every
 * provider whose keys the config does not carry. Sites of the same provider share one read.
 */
export async function loadConfig(configPath: string, log: (l: string) => void = console.log): Promise<AuthConfig> {
  const raw = readConfigFile(configPath);
  const templates = readTemplates(raw, configPath);
  const placeholders = { nonceSigningSecret: "x".repeat(32), sessionSigningSecret: "x".repeat(43), templates, jwks: { keys: [] } };
  let first = resolveOrThrow(raw, configPath, placeholders, log);
  const discovery: Record<string, Record<string, unknown>> = {};
  for (const { config } of first.sites) {
    const issuer = config.provider.issuer;
    if (config.provider.type === "oidc" && missingEndpoints(config).length > 0 && !discovery[issuer]) discovery[issuer] = await fetchDiscovery(issuer);
  }
  if (Object.keys(discovery).length) first = resolveOrThrow(raw, configPath, { ...placeholders, discovery }, () => undefined);
  const jwksByUri: Record<string, Jwks> = {};
  for (const { config } of first.sites) {
    const uri = config.provider.jwksUri;
    if (config.jwks.keys.length === 0 && !jwksByUri[uri]) jwksByUri[uri] = (await fetchJson(uri, "jwks", 'add "jwks" to the config')) as unknown as Jwks;
  }
  const config = resolveOrThrow(
    raw,
    configPath,
    {
      jwksByUri,
      discovery,
      templates,
      nonceSigningSecret: randomBytes(32).toString("base64url"),
      sessionSigningSecret: randomBytes(32).toString("base64url"),
    },
    () => undefined,
  );
  for (const [i, s] of config.sites.entries()) if (!s.config.jwks.keys.length) throw new BuildError(`${config.sites.length > 1 ? `sites[${i}].` : ""}jwks: has no keys`);
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

export async function buildAll(opts: BuildOptions): Promise<{ config: ResolvedConfig; sites: ResolvedSite[]; sizes: Record<string, { bytes: number; gzip: number }> }> {
  const log = opts.log ?? console.log;
  const all = await loadConfig(opts.configPath, log);
  const config = all.edge;
  const extra = await extraBuildSteps(all.triggers, { configPath: opts.configPath, log });
  const specs = FUNCTIONS.filter((f) => !opts.only || opts.only.includes(f.name));
  const sizes: Record<string, { bytes: number; gzip: number }> = {};
  const deployed = new Set(deployedEdgeFunctions(config).map((f) => f.name));
  const results = await Promise.allSettled(
    specs.map(async (spec) => {
      const name = spec.name;
      if (spec.runtime === "cloudfront-function") {
        // Not a bundle: code with its own runtime's rules and a 10 KB limit (gzip is not what CloudFront counts).
        try {
          const bytes = await buildCloudFrontFunction(spec, all, opts.outdir);
          sizes[name] = { bytes, gzip: gzipSync(readFileSync(join(opts.outdir, name, "index.js")), { level: 9 }).length };
        } catch (err) {
          // Built for every config, so the switch of hot path is a config change; but one this config does not
          // deploy (hotPath lambda-edge) must not fail its build, e.g. when many sites make it too large.
          if (deployed.has(name) || !(err instanceof FunctionTooLargeError)) throw err;
          rmSync(join(opts.outdir, name), { recursive: true, force: true });
          log(`note: ${name} not built (${err.message}); hotPath is ${config.hotPath}, so it is not deployed`);
        }
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
        define: { __AUTH_CONFIG__: JSON.stringify(bundleConfigFor(name, all)), ...(extra.define ?? {}) },
        plugins: [noEagerHttps, ...(extra.plugins ?? [])],
        // Ordinary Lambdas on nodejs24.x have the AWS SDK v3; edge bundles must be self-contained.
        external: isEdge ? [] : ["@aws-sdk/*"],
      });
      const code = readFileSync(join(outdir, "index.js"));
      sizes[name] = { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
    }),
  );
  // Every build has finished (none still writing to the output folder) before a failure is reported.
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  writeFileSync(join(opts.outdir, "build-info.json"), JSON.stringify({ functions: sizes, clientId: config.clientId, domain: config.domain }, null, 2));
  return { config, sites: all.sites, sizes };
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
