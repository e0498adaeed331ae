/**
 * `npm run deploy`: deploys everything from one config, from nothing or again (idempotent).
 *
 * Order, and why (see docs/deploy-serverless.md):
 *  1. Pool stack (only when the config creates a pool), in the config's region: the edge bundles need the app
 *     client's id, which exists only after this deploy. Its callback URLs use the aliases and, once known, the
 *     distribution's domain.
 *  2. A generated config (`.build/<service>-<stage>/auth.config.generated.json`: the user's config plus the pool's
 *     ids, and the nonce-signing and session-signing secrets kept from the previous deploy) feeds the build of the
 *     edge bundles and of the CloudFront Function's key value store.
 *  3. Edge stack (us-east-1): bucket, distribution, Lambda@Edge functions and, with hotPath cloudfront-function, the
 *     CloudFront Function, its key value store and a response headers policy; the site is uploaded after it.
 *  4. The Lambda@Edge log groups (`/aws/lambda/us-east-1.<function>`) get their retention in every edge cache
 *     region, by the edge stack's `sls deploy` (deploy/edge-logs.js, scripts/edge-log-retention.ts): Lambda@Edge
 *     creates them where it runs, with no retention, so no template can.
 *  5. On the very first deploy without a custom domain the distribution's domain was unknown in step 1, so the
 *     pool stack is deployed once more with it. Later deploys find it in step 1 and skip this.
 *
 * `--upload-site-only` uploads the site folder to the existing bucket and does nothing else.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } from "@aws-sdk/client-cognito-identity-provider";
import { BuildError, buildAll } from "./build";
import { absolutePaths } from "../shared/config/load";
import { clientUrls, hasSites, hostedUiDomain, poolClients, stackNames } from "../shared/config/deploy";
import { loadDeployConfig, packageAll, workDir } from "./package";
import type { DeployConfig } from "../shared/config/types";
import { sls, SlsError } from "./sls";
import type { SlsEnv } from "./sls";

const root = resolve(__dirname, "..");

/** Outputs of a stack, or undefined when it does not exist. */
export async function stackOutputs(stackName: string, region: string): Promise<Record<string, string> | undefined> {
  const cf = new CloudFormationClient({ region });
  try {
    const res = await cf.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = res.Stacks?.[0];
    if (!stack || stack.StackStatus === "REVIEW_IN_PROGRESS") return undefined;
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""]));
  } catch (err) {
    if (/does not exist/.test((err as Error).message)) return undefined;
    throw err;
  }
}

type Json = Record<string, unknown>;
const objectAt = (o: Json, key: string): Json => (typeof o[key] === "object" && o[key] !== null && !Array.isArray(o[key]) ? (o[key] as Json) : {});

/**
 * The secrets a deploy keeps from the previous one (the config's own value first, then the previous generated
 * config's, else a new random one), as config keys: `nonceSigningSecret` (the sign-in cookies) and
 * `session.signingSecret` (the session cookie: sealed by parse-auth and refresh-auth, checked by the CloudFront
 * Function with the copy in its key value store). Keeping them makes an unchanged config build identical bundles
 * and the same store, so a re-deploy changes nothing. A new session secret means a new store, and every session
 * signed with the old one ends (the next request refreshes or signs in again).
 */
export function keptSecrets(raw: Json, previous: Json): { nonceSigningSecret: string; session: Json } {
  const session = objectAt(raw, "session");
  const random = () => randomBytes(32).toString("base64url");
  const nonceSigningSecret = (raw.nonceSigningSecret ?? previous.nonceSigningSecret ?? random()) as string;
  const signingSecret = session.signingSecret ?? objectAt(previous, "session").signingSecret ?? random();
  return { nonceSigningSecret, session: { ...session, signingSecret } };
}

/**
 * The config the edge bundles are built from (`.build/<service>-<stage>/auth.config.generated.json`, written by
 * the caller): the user's config with its file paths made absolute and the secrets kept from the previous deploy
 * (keptSecrets). An unchanged config therefore builds identical bundles, whether `npm run deploy` or
 * `sls deploy` (scripts/sls-prepare.ts) builds them.
 */
export function generatedConfig(configPath: string, raw: Json, deploy: DeployConfig): { path: string; config: Json } {
  const path = join(workDir(deploy), "auth.config.generated.json");
  const previous = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Json) : {};
  // Written to .build/: its file paths must still mean the user's files, next to the config.
  return { path, config: { ...absolutePaths(raw, dirname(configPath)), ...keptSecrets(raw, previous) } };
}

function required(outputs: Record<string, string> | undefined, key: string, stack: string): string {
  const v = outputs?.[key];
  if (!v) throw new BuildError(`stack ${stack} has no output ${key}; was it deployed by this project?`);
  return v;
}

async function main() {
  const uploadOnly = process.argv.includes("--upload-site-only");
  const configPath = resolve(process.env.AUTH_CONFIG ?? join(root, "auth.config.json"));
  const outdir = resolve(process.env.AUTH_OUTDIR ?? join(root, "dist"));
  const packageDir = resolve(process.env.EDGE_AUTH_PACKAGE_DIR ?? join(root, ".build", "package"));
  const { raw, config, deploy } = loadDeployConfig(configPath);
  const names = stackNames(deploy);
  const region = config.edge.region;
  const env: SlsEnv = { configPath, outdir };

  if (uploadOnly) {
    if (!existsSync(join(root, deploy.siteDir))) throw new BuildError(`deploy.siteDir: folder ${deploy.siteDir} not found`);
    await sls("edge", ["s3sync"], { ...env, readsBuild: false });
    console.log("uploaded. CloudFront keeps files without Cache-Control for up to 5 minutes.");
    return;
  }

  const edgeBefore = await stackOutputs(names.edge, "us-east-1");
  const hosts = new Set(deploy.aliases);
  if (edgeBefore?.CloudFrontDistributionDomainName) hosts.add(edgeBefore.CloudFrontDistributionDomainName);

  const { path: generatedPath, config: generated } = generatedConfig(configPath, raw, deploy);

  if (deploy.createUserPool) {
    console.log(`\n== 1/3 user pool stack ${names.pool} (${region})`);
    // The triggers are built here; the edge bundles of this build carry placeholders and are not deployed.
    await packageAll({ configPath, outdir, packageDir, siteHosts: [...hosts] });
    await sls("pool", ["deploy", "--package", join(packageDir, "pool")], env);
    const pool = await stackOutputs(names.pool, region);
    const userPoolId = required(pool, "UserPoolId", names.pool);
    generated.userPoolId = userPoolId;
    generated.domain = pool?.HostedUiDomain ?? hostedUiDomain(deploy.userPool.domainPrefix, region);
    // One app client, or one per site: each gets its id (and secret) from the pool stack.
    const cognito = new CognitoIdentityProviderClient({ region });
    const client = async (output: string): Promise<{ clientId: string; clientSecret?: string }> => {
      const clientId = required(pool, output, names.pool);
      if (!deploy.userPool.generateSecret) return { clientId };
      const res = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
      return { clientId, ...(res.UserPoolClient?.ClientSecret ? { clientSecret: res.UserPoolClient.ClientSecret } : {}) };
    };
    const clients = poolClients(config.sites, deploy, [...hosts]);
    if (hasSites(config.sites)) {
      const sites = raw.sites as Record<string, unknown>[];
      generated.sites = await Promise.all(sites.map(async (site, i) => ({ ...site, ...(await client(clients[i]!.output)) })));
    } else Object.assign(generated, await client(clients[0]!.output));
    // The generated file is an existing pool's config now: the pool keys are filled in.
    generated.deploy = { ...(raw.deploy as object | undefined), createUserPool: false };
  }
  writeFileSync(generatedPath, JSON.stringify(generated, null, 2), { mode: 0o600 });

  console.log(`\n== 2/3 edge stack ${names.edge} (us-east-1)`);
  await buildAll({ configPath: generatedPath, outdir });
  await sls("edge", ["package", "--package", join(packageDir, "edge")], env);
  await sls("edge", ["deploy", "--package", join(packageDir, "edge")], env);
  const edge = await stackOutputs(names.edge, "us-east-1");
  const distributionDomain = required(edge, "CloudFrontDistributionDomainName", names.edge);

  // With sites, the distribution's own domain is no site's (it gets 421), so no client needs it.
  if (deploy.createUserPool && !hasSites(config.sites) && !hosts.has(distributionDomain)) {
    console.log(`\n== 3/3 user pool stack again: callback URLs for ${distributionDomain}`);
    hosts.add(distributionDomain);
    await sls("pool", ["deploy"], { ...env, siteHosts: [...hosts] });
  }

  console.log(`\nDone. Site: ${edge?.SiteUrl ?? `https://${distributionDomain}`}`);
  console.log(`Bucket: ${edge?.SiteBucketName}; upload changes with: npm run upload-site`);
  if (edge?.DashboardUrl) console.log(`Dashboard: ${edge.DashboardUrl}; logs of every region: npm run logs`);
  if (!edgeBefore) console.log("A new distribution takes a few minutes to reach every edge location.");
  if (!deploy.createUserPool) {
    // The app clients are yours: say what each must have registered.
    for (const site of config.sites) {
      const hostsOf = hasSites(config.sites) ? site.hosts : [deploy.aliases[0] ?? distributionDomain];
      const { callbackUrls, logoutUrls } = clientUrls(hostsOf, site.config.paths);
      console.log(`App client ${site.config.clientId} needs callback URL(s) ${callbackUrls.join(", ")} and sign-out URL(s) ${logoutUrls.join(", ")}`);
    }
  }
  if (deploy.createUserPool && !deploy.userPool.selfSignUp)
    console.log(
      `Create a user: aws cognito-idp admin-create-user --region ${region} --user-pool-id ${generated.userPoolId} --username you@example.com`,
    );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    if (err instanceof BuildError || err instanceof SlsError) {
      console.error(`deploy failed: ${err.message}`);
      process.exit(1);
    }
    if ((err as Error).name === "CredentialsProviderError") {
      console.error("deploy failed: no AWS credentials found (set AWS_PROFILE, or run `aws configure` / `aws sso login`)");
      process.exit(1);
    }
    console.error(err);
    process.exit(1);
  });
}
