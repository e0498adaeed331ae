/**
 * Everything `serverless.yml` and `serverless.pool.yml` take from the config, computed once from the user's
 * config file (read through scripts/sls-config.js, a `${file(...)}` variable source).
 *
 *   AUTH_CONFIG            the user's config (default auth.config.json at the repository root)
 *   AUTH_OUTDIR            where `npm run build` put the bundles (default dist; must be inside the repository,
 *                          because Serverless packages files relative to the service folder)
 *   EDGE_AUTH_SITE_HOSTS   comma-separated host names the site answers on, for the created app client's callback
 *                          and sign-out URLs; scripts/deploy.ts sets it to the aliases plus the distribution's
 *                          domain. Default: the aliases, or `localhost` before the distribution exists.
 *   EDGE_AUTH_WITHOUT_BUILD `1` for commands that package nothing (remove, s3sync): nothing is read from the build,
 *                          and the parts that need it (the CloudFront Function, its store, trigger bundles) are
 *                          left out or not checked.
 *
 * The edge stack's values come from scripts/sls-values-edge.ts, the pool stack's from scripts/sls-values-pool.ts.
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { readConfigFile, resolveForDeploy } from "../shared/config/load";
import type { AuthConfig } from "../shared/config/resolve";
import { edgeValues } from "./sls-values-edge";
import type { EdgeValues } from "./sls-values-edge";
import { poolValues } from "./sls-values-pool";
import type { PoolValues } from "./sls-values-pool";

const root = resolve(__dirname, "..");

/** The values the Serverless files read, e.g. `${file(./scripts/sls-config.js):paths.callback}`. */
export interface SlsValues extends EdgeValues, PoolValues {
  service: string;
  stage: string;
  /** Bundle folder relative to the repository root, e.g. `dist`. */
  distDir: string;
  paths: { callback: string; refresh: string; signOut: string };
}

/** Computes the values from the environment described above; throws with every config problem listed. */
export function slsValues(env: NodeJS.ProcessEnv = process.env): SlsValues {
  const configPath = resolve(env.AUTH_CONFIG ?? join(root, "auth.config.json"));
  const config: AuthConfig = resolveForDeploy(readConfigFile(configPath), configPath, undefined, () => undefined);
  const d = config.deploy;
  const paths = config.edge.paths;

  const outdir = resolve(env.AUTH_OUTDIR ?? join(root, "dist"));
  const distDir = relative(root, outdir).split("\\").join("/");
  if (!distDir || distDir.startsWith("..") || isAbsolute(distDir)) throw new Error(`AUTH_OUTDIR: ${outdir} must be a folder inside ${root}`);

  const hosts = (env.EDGE_AUTH_SITE_HOSTS ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  const siteHosts = [...new Set([...d.aliases, ...hosts])];
  if (!siteHosts.length) siteHosts.push("localhost");
  const withoutBuild = env.EDGE_AUTH_WITHOUT_BUILD === "1";

  const common = { service: d.service, stage: d.stage, distDir, paths: { callback: paths.callback, refresh: paths.refresh, signOut: paths.signOut } };
  return compose(common, edgeValues(config, distDir, withoutBuild), poolValues(config, distDir, siteHosts, withoutBuild));
}

/** The parts as one object, their getters kept as getters (a spread would run them, and read the build). */
function compose<A extends object, B extends object, C extends object>(a: A, b: B, c: C): A & B & C {
  const out = {};
  for (const part of [a, b, c]) Object.defineProperties(out, Object.getOwnPropertyDescriptors(part));
  return out as A & B & C;
}
