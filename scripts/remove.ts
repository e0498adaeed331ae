/**
 * `npm run remove`: empties the site bucket and removes the edge stack, then the pool stack, then deletes the
 * Lambda@Edge functions as soon as CloudFront lets it.
 *
 * Lambda@Edge replicas are deleted by CloudFront only some time (often a few hours) after the distribution is
 * gone, and until then the functions cannot be deleted: osls keeps them (DeletionPolicy Retain) so the stack
 * removal itself succeeds, and this script then polls DeleteFunction for each of them
 * (scripts/operate/replica-cleanup.ts) with progress, until all are gone or `--timeout` passes. What is left is
 * kept in `.build/<service>-<stage>/remove-state.json`; running `npm run remove` again resumes.
 * The CloudFront Function, its key value store and the response headers policy of the `cloudfront-function` hot
 * path go with the stack.
 * A pool with `deploy.userPool.deletionProtection` (the default) is kept, users and all: its triggers are detached
 * before the functions go (scripts/operate/kept-pool.ts), and a later deploy creates a new pool beside it.
 *
 *   --no-wait          try once, then stop (run `npm run remove` again later to finish)
 *   --timeout <hours>  give up waiting after this long (default 4; counted from the first attempt)
 *   --interval <min>   minutes between attempts (default 5)
 */
import { join, resolve } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { parseArgs } from "node:util";
import { BuildError } from "./build";
import { stackNames } from "../shared/config/deploy";
import { stackOutputs } from "./deploy";
import { loadDeployConfig, workDir } from "./package";
import { sls, SlsError } from "./sls";
import { describeAwsError } from "./operate/aws-errors";
import { edgeFunctionNames } from "./operate/function-names";
import { removePoolStack } from "./operate/kept-pool";
import { CleanupError, deleteReplicatedFunctions } from "./operate/replica-cleanup";

const root = resolve(__dirname, "..");

class UsageError extends Error {}

function options(argv: string[]) {
  let v;
  try {
    v = parseArgs({ args: argv, options: { "no-wait": { type: "boolean" }, timeout: { type: "string" }, interval: { type: "string" } }, strict: true }).values;
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]);
  }
  const hours = Number(v.timeout ?? 4);
  const mins = Number(v.interval ?? 5);
  if (!(hours > 0 && hours <= 48)) throw new UsageError("--timeout: must be a number of hours between 0 and 48");
  if (!(mins >= 1 && mins <= 120)) throw new UsageError("--interval: must be a number of minutes between 1 and 120");
  return { once: v["no-wait"] ?? false, timeoutMs: hours * 3600_000, intervalMs: mins * 60_000 };
}

async function main() {
  const opts = options(process.argv.slice(2));
  const configPath = resolve(process.env.AUTH_CONFIG ?? join(root, "auth.config.json"));
  // Removing reads no build: it works from a fresh checkout too.
  const env = { configPath, outdir: resolve(process.env.AUTH_OUTDIR ?? join(root, "dist")), readsBuild: false };
  const { config, deploy } = loadDeployConfig(configPath);
  const names = stackNames(deploy);
  if (await stackOutputs(names.edge, "us-east-1")) await sls("edge", ["remove"], env);
  else console.log(`stack ${names.edge} not found in us-east-1; nothing to remove there`);
  if (deploy.createUserPool) {
    const region = config.edge.region;
    await removePoolStack(deploy, region, {
      outputs: stackOutputs,
      removeStack: () => sls("pool", ["remove"], env),
      cognito: new CognitoIdentityProviderClient({ region }),
      log: (l) => console.log(l),
    });
  }

  const functions = edgeFunctionNames(deploy);
  const stateFile = join(workDir(deploy), "remove-state.json");
  console.log(`\nDeleting the ${functions.length} Lambda@Edge functions (CloudFront deletes their replicas a few hours after the distribution; until then Lambda refuses):`);
  const r = await deleteReplicatedFunctions({ functions, stateFile, ...opts, log: (l) => console.log(l) });
  if (r.state === "done") {
    console.log(`Removal finished: ${r.deleted.length} function(s) deleted now${r.absent.length ? `, ${r.absent.length} already gone` : ""}.`);
    return;
  }
  console.log(`\nRemoval not finished: ${r.pending.length} function(s) still replicated: ${r.pending.join(", ")}.`);
  console.log("The stacks are gone; nothing else is left. Run `npm run remove` again later: it resumes with these functions.");
  process.exitCode = 3;
}

main().catch((err: unknown) => {
  if (err instanceof BuildError || err instanceof SlsError || err instanceof CleanupError || err instanceof UsageError) {
    console.error(`remove failed: ${err.message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
  const friendly = describeAwsError(err, "cloudformation:DescribeStacks");
  console.error(friendly ? `remove failed: ${friendly}` : err);
  process.exit(1);
});
