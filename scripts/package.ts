/**
 * `npm run package`: builds the bundles and runs `sls package` for every stack, offline and without AWS
 * credentials. The CloudFormation templates and zips land in `<packageDir>/edge` and, when the config creates
 * a user pool, `<packageDir>/pool`.
 *
 * A config that creates a pool has no pool ids yet: the edge bundles of this package then carry placeholders
 * (they are for inspection and tests; `npm run deploy` builds them again with the real ids).
 *
 *   AUTH_CONFIG           config file (default auth.config.json)
 *   AUTH_OUTDIR           bundle folder inside the repository (default dist)
 *   EDGE_AUTH_PACKAGE_DIR package folder (default .build/package; not inside .serverless/, which osls copies from)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BuildError, buildAll } from "./build";
import { hostedUiDomain, stackNames } from "../shared/config/deploy";
import type { DeployConfig } from "../shared/config/types";
import { sls, SlsError } from "./sls";
import { absolutePaths, readConfigFile, resolveForDeploy, withPoolPlaceholders } from "../shared/config/load";
import type { AuthConfig } from "../shared/config/resolve";

const root = resolve(__dirname, "..");

export interface PackageOptions {
  configPath: string;
  outdir: string;
  packageDir: string;
  log?: (line: string) => void;
  /** Hosts for the created app client's callback and sign-out URLs (see scripts/sls-values.ts). */
  siteHosts?: string[];
  /** Print osls output (default true). */
  verbose?: boolean;
}

/**
 * Reads the config and runs it through the pipeline as a deploy needs it (a pool the deploy creates has no ids
 * yet); throws BuildError naming every wrong field. `raw` is kept only to write the generated config files.
 */
export function loadDeployConfig(configPath: string): { raw: Record<string, unknown>; config: AuthConfig; deploy: DeployConfig } {
  const raw = readConfigFile(configPath);
  const config = resolveForDeploy(raw, configPath);
  return { raw, config, deploy: config.deploy };
}

/** Folder for generated files of one stage (gitignored). */
export function workDir(deploy: DeployConfig): string {
  const dir = join(root, ".build", stackNames(deploy).edge);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The config a package's build reads: the config itself, or, when the config creates its pool (no ids yet), a copy
 * with placeholder pool ids (its edge bundles are for inspection; `npm run deploy` builds them with the real ids).
 */
export function packageBuildConfig(configPath: string, log: (line: string) => void = console.log): string {
  const { raw, config, deploy } = loadDeployConfig(configPath);
  if (!deploy.createUserPool) return configPath;
  const buildConfig = join(workDir(deploy), "auth.config.package.json");
  writeFileSync(buildConfig, JSON.stringify(withPoolPlaceholders(absolutePaths(raw, dirname(configPath)), hostedUiDomain(deploy.userPool.domainPrefix, config.edge.region)), null, 2), { mode: 0o600 });
  log("note: the config creates a user pool, so the edge bundles in this package carry placeholder pool ids; `npm run deploy` rebuilds them with the real ones");
  return buildConfig;
}

/** Builds and packages both stacks; returns the folders holding the templates. */
export async function packageAll(opts: PackageOptions): Promise<{ edge: string; pool?: string }> {
  const log = opts.log ?? console.log;
  const { deploy } = loadDeployConfig(opts.configPath);
  await buildAll({ configPath: packageBuildConfig(opts.configPath, log), outdir: opts.outdir, log });
  const env = { configPath: opts.configPath, outdir: opts.outdir, siteHosts: opts.siteHosts ?? [] };
  const quiet = opts.verbose === false;
  const edge = join(opts.packageDir, "edge");
  const pool = join(opts.packageDir, "pool");
  // One after the other: osls writes the core template through <repo>/.serverless/ whatever --package says.
  await sls("edge", ["package", "--package", edge], env, { quiet });
  if (deploy.createUserPool) await sls("pool", ["package", "--package", pool], env, { quiet });
  log(`packaged: ${edge}${deploy.createUserPool ? ` and ${pool}` : ""}`);
  return { edge, ...(deploy.createUserPool ? { pool } : {}) };
}

async function main() {
  const configPath = resolve(process.env.AUTH_CONFIG ?? join(root, "auth.config.json"));
  const outdir = resolve(process.env.AUTH_OUTDIR ?? join(root, "dist"));
  const packageDir = resolve(process.env.EDGE_AUTH_PACKAGE_DIR ?? join(root, ".build", "package"));
  try {
    await packageAll({ configPath, outdir, packageDir });
  } catch (err) {
    if (err instanceof BuildError || err instanceof SlsError) {
      console.error(`package failed: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

if (require.main === module) void main();
