/**
 * Deployments to check the AWS rules on (test/helpers/aws-rules.ts), made the way users make them:
 * `npm run package` (build + `sls package`, offline, no credentials) for the Serverless path, and the CDK constructs
 * synthesized in-process (the real build at synth) for the CDK path.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { EdgeAuth, EdgeAuthUserPool } from "../../cdk";
import type { AuthConfigInput, PoolIds } from "../../cdk";
import { DEFAULT_PATHS } from "../../shared/config/types";
import type { Deployment, Template } from "./aws-rules";
import { withOslsLockSync } from "./osls-lock";

const root = resolve(__dirname, "../..");

/** The auth paths of a config: the four that get a behaviour of their own. */
export function authPaths(config: { paths?: Record<string, string> }): string[] {
  const p = { ...DEFAULT_PATHS, ...(config.paths ?? {}) };
  return [p.callback, p.refresh, p.signOut, p.signIn];
}

/** Sum of a folder's file sizes. */
function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

/**
 * `npm run package` for a config, into `.build/test-rules-<name>`. The edge stack is us-east-1 (serverless.yml),
 * the pool stack the config's region.
 */
export function serverlessDeployment(name: string, config: Record<string, unknown>): Deployment {
  const work = join(root, ".build", `test-rules-${name}`);
  const out = join(work, "dist");
  const pkg = join(work, "pkg");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const configPath = join(work, "auth.config.json");
  writeFileSync(configPath, JSON.stringify(config));
  const env: NodeJS.ProcessEnv = { ...process.env, AUTH_CONFIG: configPath, AUTH_OUTDIR: out, EDGE_AUTH_PACKAGE_DIR: pkg };
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) delete env[k];
  env.AWS_CONFIG_FILE = env.AWS_SHARED_CREDENTIALS_FILE = join(work, "no-such-file");
  const res = withOslsLockSync(() => spawnSync("npm", ["run", "--silent", "package"], { cwd: root, env, encoding: "utf8", timeout: 120_000 }));
  if (res.status !== 0) throw new Error(`npm run package (${name}) failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  const read = (stack: string) => JSON.parse(readFileSync(join(pkg, stack, "cloudformation-template-update-stack.json"), "utf8")) as Template;
  const stacks = [{ name: "edge", region: "us-east-1", template: read("edge") }];
  if (existsSync(join(pkg, "pool"))) stacks.push({ name: "pool", region: String(config.region), template: read("pool") });
  const edgeDir = join(pkg, "edge");
  return {
    name: `serverless/${name}`,
    path: "serverless",
    stacks,
    authPaths: authPaths(config as { paths?: Record<string, string> }),
    // osls names a function's zip after its key: CheckAuthLambdaFunction → checkAuth.zip.
    codeBytes: (stack, id) => {
      const m = /^(\w)(\w*)LambdaFunction$/.exec(id);
      const zip = m ? join(pkg, stack, `${m[1]!.toLowerCase()}${m[2]}.zip`) : "";
      return m && existsSync(zip) ? statSync(zip).size : undefined;
    },
    kvsImports: readdirSync(edgeDir).filter((f) => f.startsWith("kvs-import-")).map((f) => readFileSync(join(edgeDir, f), "utf8")),
  };
}

export interface CdkCase {
  /** The config, as EdgeAuth and EdgeAuthUserPool take it. */
  config: AuthConfigInput;
  /** With a created pool: an EdgeAuthUserPool stack in the config's region, and these ids for EdgeAuth. */
  poolIds?: PoolIds;
  /** A distribution of the user's own, made in the site stack (default behaviour options). */
  ownDistribution?: (stack: Stack) => { distribution: cloudfront.Distribution; origin: cloudfront.IOrigin };
}

/**
 * The CDK constructs synthesized in-process: a site stack in us-east-1 with EdgeAuth and, for a created pool, a
 * pool stack with EdgeAuthUserPool. Package sizes are the asset folders' (unzipped, so at least the zip's).
 */
export function cdkDeployment(name: string, c: CdkCase, work: string): Deployment {
  const outdir = join(work, `cdk-${name}`);
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const region = String((c.config as { region?: string }).region ?? "us-east-1");
  const site = new Stack(app, "Site", { env: { account: "123456789012", region: "us-east-1" } });
  let pool: Stack | undefined;
  if (c.poolIds) {
    pool = new Stack(app, "Pool", { env: { account: "123456789012", region } });
    new EdgeAuthUserPool(pool, "EdgeAuth", { config: c.config, siteHosts: ["d111111abcdef8.cloudfront.net"] });
  }
  const own = c.ownDistribution?.(site);
  new EdgeAuth(site, "EdgeAuth", { config: c.config, secretsFile: join(work, `${name}.secrets.json`), ...(c.poolIds ? { userPool: c.poolIds } : {}), ...(own ?? {}) });
  const assembly = app.synth();
  const stacks = [{ name: "Site", region: "us-east-1", template: assembly.getStackByName("Site").template as Template }];
  if (pool) stacks.push({ name: "Pool", region, template: assembly.getStackByName("Pool").template as Template });
  const assets = readdirSync(outdir).filter((f) => f.startsWith("asset."));
  return {
    name: `cdk/${name}`,
    path: "cdk",
    stacks,
    authPaths: authPaths(c.config as { paths?: Record<string, string> }),
    codeBytes: (stack, id) => {
      const key = stacks.find((s) => s.name === stack)?.template.Resources[id]?.Properties?.Code?.S3Key;
      const dir = typeof key === "string" ? join(outdir, `asset.${key.replace(/\.zip$/, "")}`) : "";
      return dir && existsSync(dir) ? folderBytes(dir) : undefined;
    },
    // The store's import source is a file asset (ImportSource.fromAsset of the built kvs.json).
    kvsImports: assets.filter((f) => f.endsWith(".json")).map((f) => readFileSync(join(outdir, f), "utf8")),
  };
}
