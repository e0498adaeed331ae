/**
 * `sls package` and `sls deploy` as users of the Serverless Framework type them (`npx sls deploy`): before the
 * Serverless files read the config (scripts/sls-config.js), the functions they package are built, the way
 * `npm run package` / `npm run deploy` build them. Our own npm scripts build first and say so
 * (`EDGE_AUTH_BUILT=1`, scripts/sls.ts), so nothing is built twice.
 *
 * - `sls package`: the package build (scripts/package.ts packageBuildConfig: placeholder pool ids for a created pool).
 * - `sls deploy` with an existing pool: the deploy build (scripts/deploy.ts generatedConfig: the secrets of the
 *   previous deploy kept), so `npx sls deploy` and `npm run deploy` deploy the same bundles.
 * - `sls deploy` with a pool the config creates: refused in one line naming `npm run deploy`, which deploys the
 *   pool stack first (the edge bundles need its ids) and uploads the site.
 * - `sls deploy --package <dir>` deploys what was packaged, and every other command (info, remove, print, ...)
 *   needs no build: they read the config only (EDGE_AUTH_WITHOUT_BUILD).
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runBuildProcess } from "./build-process";
import { generatedConfig } from "./deploy";
import { loadDeployConfig, packageBuildConfig } from "./package";

const root = resolve(__dirname, "..");

/** What to do before the Serverless values are computed. */
export type SlsPreparation = { kind: "none" } | { kind: "without-build" } | { kind: "build"; for: "package" | "deploy" } | { kind: "refuse"; message: string };

/** The osls command in `argv` (`process.argv`: node, the CLI, then the command and its options). */
export function slsCommand(argv: readonly string[]): { command: string[]; options: Set<string> } {
  const rest = argv.slice(2);
  const command: string[] = [];
  const options = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith("-")) {
      options.add(a.replace(/=.*$/, ""));
      // Options that take a value: skip it.
      if (!a.includes("=") && ["--config", "-c", "--package", "-p", "--stage", "-s", "--region", "-r", "--function", "-f", "--aws-profile", "--param"].includes(a)) i++;
    } else command.push(a);
  }
  return { command, options };
}

/** osls commands that package nothing: they read the config only. */
const READ_ONLY_COMMANDS = new Set(["info", "remove", "print", "logs", "metrics", "s3sync", "help", "plugin"]);

/** The preparation a command needs; `env` is the process's (EDGE_AUTH_BUILT set by our npm scripts). */
export function preparationFor(argv: readonly string[], env: NodeJS.ProcessEnv, createsUserPool: () => boolean): SlsPreparation {
  if (env.EDGE_AUTH_BUILT === "1" || env.EDGE_AUTH_WITHOUT_BUILD === "1") return { kind: "none" };
  const { command, options } = slsCommand(argv);
  const [first, second] = command;
  // Only the commands known to package nothing go without a build; anything else (a command read wrongly, one of a
  // newer osls) builds first, so no stack is ever packaged without its functions.
  if (first === undefined || READ_ONLY_COMMANDS.has(first) || (first === "deploy" && second === "list")) return { kind: "without-build" };
  if (first !== "deploy") return { kind: "build", for: "package" };
  if (options.has("--package") || options.has("-p")) return { kind: "none" };
  if (createsUserPool())
    return {
      kind: "refuse",
      message:
        "this config creates its user pool (deploy.createUserPool), whose ids the edge functions are built with: deploy with `npm run deploy` (pool stack, then this one, then the site upload)",
    };
  return { kind: "build", for: "deploy" };
}

/** `npm run build` for a config, in a child process (scripts/build-process.ts). Throws the build's own message. */
function build(configPath: string, outdir: string): void {
  const r = runBuildProcess(root, configPath, outdir, { showOutput: true });
  if (!r.ok) throw new Error(r.message !== undefined ? r.message.split("\n").join("; ") : `the build failed (exit ${r.status}): ${r.output}`);
}

/**
 * Runs the preparation for this process's command: builds into AUTH_OUTDIR (default dist), or sets
 * EDGE_AUTH_WITHOUT_BUILD, or throws one line (an Error whose stack is its message, as osls prints the stack).
 */
export async function prepareForSls(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  const configPath = resolve(env.AUTH_CONFIG ?? join(root, "auth.config.json"));
  const outdir = resolve(env.AUTH_OUTDIR ?? join(root, "dist"));
  let loaded: ReturnType<typeof loadDeployConfig> | undefined;
  const load = () => (loaded ??= loadDeployConfig(configPath));
  try {
    const p = preparationFor(argv, env, () => load().deploy.createUserPool);
    if (p.kind === "none") return;
    if (p.kind === "without-build") {
      env.EDGE_AUTH_WITHOUT_BUILD = "1";
      return;
    }
    if (p.kind === "refuse") throw new Error(p.message);
    log(`edge-auth: building the functions from ${configPath} into ${outdir} (as npm run ${p.for} does)`);
    let buildConfig: string;
    if (p.for === "package") buildConfig = packageBuildConfig(configPath, log);
    else {
      const { raw, deploy } = load();
      const generated = generatedConfig(configPath, raw, deploy);
      writeFileSync(generated.path, JSON.stringify(generated.config, null, 2), { mode: 0o600 });
      buildConfig = generated.path;
    }
    build(buildConfig, outdir);
    env.EDGE_AUTH_BUILT = "1";
  } catch (err) {
    const e = new Error(`edge-auth: ${(err as Error).message}`);
    e.stack = e.message;
    throw e;
  }
}
