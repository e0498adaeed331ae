/**
 * `npm run remove`: empties the site bucket and removes the edge stack, then the pool stack.
 *
 * Lambda@Edge replicas are deleted by CloudFront only some time (often an hour or more) after the distribution
 * is gone. Until then the functions cannot be deleted: osls keeps them (DeletionPolicy Retain) so the stack
 * removal itself succeeds; delete them afterwards with the commands printed at the end. If the removal stops
 * with "replicated function" errors, wait and run `npm run remove` again. Which functions those are comes from the
 * catalogue for the config's hot path; the CloudFront Function, its key value store and the response headers policy
 * go with the stack.
 * A pool with `deploy.userPool.deletionProtection` (the default) is kept, users and all.
 */
import { join, resolve } from "node:path";
import { BuildError } from "./build";
import { stackNames } from "../shared/config/deploy";
import { stackOutputs } from "./deploy";
import { EDGE_FUNCTIONS, deployedEdgeFunctions } from "../shared/functions";
import { loadDeployConfig } from "./package";
import { sls, SlsError } from "./sls";

const root = resolve(__dirname, "..");

async function main() {
  const configPath = resolve(process.env.AUTH_CONFIG ?? join(root, "auth.config.json"));
  // Removing reads no build: it works from a fresh checkout too.
  const env = { configPath, outdir: resolve(process.env.AUTH_OUTDIR ?? join(root, "dist")), readsBuild: false };
  const { config, deploy } = loadDeployConfig(configPath);
  const names = stackNames(deploy);
  if (await stackOutputs(names.edge, "us-east-1")) await sls("edge", ["remove"], env);
  else console.log(`stack ${names.edge} not found in us-east-1; nothing to remove there`);
  if (deploy.createUserPool) {
    if (await stackOutputs(names.pool, config.edge.region)) await sls("pool", ["remove"], env);
    if (deploy.userPool.deletionProtection)
      console.log("The user pool was kept (deploy.userPool.deletionProtection). Delete it in the Cognito console when you no longer need its users.");
  }
  const deployed = deployedEdgeFunctions(config.edge).filter((f) => f.runtime === "lambda-edge");
  const deleteCommand = (slsName: string) => `  aws lambda delete-function --region us-east-1 --function-name ${names.edge}-${slsName}`;
  console.log(`\nThe Lambda@Edge functions were kept: CloudFront deletes their replicas an hour or so after the distribution.`);
  console.log(`Then delete them (fails with 'replicated function' until the replicas are gone; just retry later). Hot path ${config.edge.hotPath}:`);
  for (const fn of deployed) console.log(deleteCommand(fn.slsName));
  // A function a later deploy left out (another hot path, mergeOriginCsp turned off) was kept by that update too.
  const others = EDGE_FUNCTIONS.filter((f) => !deployed.includes(f));
  if (others.length) {
    console.log("If the stack ever ran with another hot path or mergeOriginCsp setting, these were kept then (ResourceNotFoundException means never deployed):");
    for (const fn of others) console.log(deleteCommand(fn.slsName));
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof BuildError || err instanceof SlsError ? `remove failed: ${err.message}` : err);
  process.exit(1);
});
