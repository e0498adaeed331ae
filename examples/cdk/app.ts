/**
 * A small CDK app using the EdgeAuth construct: the site (bucket, distribution, sign-in at the edge) in us-east-1
 * and, when the config creates its user pool, the pool in a stack of its own in the config's region.
 *
 *   npx cdk deploy --all --outputs-file cdk-outputs.json   (docs/deploy-cdk.md)
 *
 * Config: AUTH_CONFIG, else auth.config.json at the repository root, else auth.config.example.json next to this
 * file (an existing pool's shape with its keys embedded, so `npm run cdk:synth` works offline).
 * Every stack is checked with cdk-nag's AwsSolutions rules; the constructs acknowledge what they do on purpose.
 * A config mistake prints the config's messages (every problem, each naming its field) and exits 1, without a stack.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Annotations, App, Stack, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { ConfigError, EdgeAuth, EdgeAuthUserPool, configCreatesUserPool, poolIdsFromOutputs, siteHostsFromOutputs } from "cloudfront-cognito-edge-auth/cdk";
import type { PoolIds } from "cloudfront-cognito-edge-auth/cdk";

const repoRoot = resolve(__dirname, "../..");
const config =
  process.env.AUTH_CONFIG ?? [join(repoRoot, "auth.config.json"), join(__dirname, "auth.config.example.json")].find((p) => existsSync(p))!;
// Written by `cdk deploy --outputs-file`: the pool's ids and the site's domain, once deployed.
const outputs = resolve(process.env.EDGE_AUTH_CDK_OUTPUTS ?? "cdk-outputs.json");
const account = process.env.CDK_DEFAULT_ACCOUNT;

/**
 * The feature flags a new CDK project sets (`cdk init` writes them into cdk.json; here they sit in cdk.json's
 * `context`, read by the app itself so that `npm run cdk:synth` from the repository root applies them too). Without
 * them the CDK CLI ends every synth with "NN feature flags are not configured".
 */
const context = (JSON.parse(readFileSync(join(__dirname, "cdk.json"), "utf8")) as { context?: Record<string, unknown> }).context ?? {};

function synth(): void {
  const app = new App({ context });
  // Acknowledged rules are also written into the templates (Metadata cdk_nag), each with its reason: an audit trail.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));

  let userPool: PoolIds | undefined;
  if (configCreatesUserPool(config)) {
    const region = (require(resolve(config)) as { region: string }).region;
    const poolStack = new Stack(app, "EdgeAuthPool", { env: { account, region }, description: "edge-auth: user pool, Hosted UI domain, app client, groups, triggers" });
    new EdgeAuthUserPool(poolStack, "Pool", { config, siteHosts: siteHostsFromOutputs(outputs, "EdgeAuthSite") });
    userPool = poolIdsFromOutputs(outputs, "EdgeAuthPool");
    if (!userPool) Annotations.of(poolStack).addInfo(`deploy this stack first (cdk deploy --all --outputs-file ${outputs}); the site stack appears once its ids are in that file`);
  }

  if (!configCreatesUserPool(config) || userPool) {
    // us-east-1: the Lambda@Edge functions live there, so no second stack is needed for them.
    const site = new Stack(app, "EdgeAuthSite", { env: { account, region: "us-east-1" }, description: "edge-auth: private site bucket, CloudFront distribution, sign-in at the edge" });
    new EdgeAuth(site, "EdgeAuth", {
      config,
      ...(userPool ? { userPool } : {}),
      secretsFile: join(repoRoot, ".build", "cdk-secrets", "EdgeAuthSite.json"),
    });
  }
}

try {
  synth();
} catch (err) {
  // A config mistake is the user's to fix, not a crash: its messages alone, each naming its field, and no stack.
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}
