/**
 * `EdgeAuthUserPool`: the user pool a config with `deploy.createUserPool` asks for — pool, domain, app client,
 * managed login style, groups and Cognito triggers — with the properties serverless.pool.yml gives them (both from
 * shared/config/user-pool.ts; test/integration/pool-parity.test.ts compares the two templates). Put it in a stack of its own in the
 * config's `region`: the edge functions need its ids at synth, so it is deployed first (docs/deploy-cdk.md), and `poolIdsFromOutputs` reads them back for `EdgeAuth`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CfnOutput, Duration, RemovalPolicy, Stack, Token } from "aws-cdk-lib";
import type { CfnResource } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { hasPreTokenGeneration, hostedUiDomain, poolClients, poolGroups } from "../shared/config/deploy";
import { ConfigError, withPoolPlaceholders } from "../shared/config/load";
import { resolveDeployConfig } from "../shared/config/resolve";
import type { AuthConfig } from "../shared/config/resolve";
import { functionSpec } from "../shared/catalogue";
import { brandingProperties, clientProperties, domainProperties, needsSmsRole, smsRoleProperties, userPoolProperties } from "../shared/config/user-pool";
import type { PoolRefs } from "../shared/config/user-pool";
import { buildBundles } from "./bundles";
import { SITES_NEED_CLIENTS, absolutePaths, readInput, resolveForSynth } from "./config";
import type { AuthConfigInput, PoolIds } from "./config";
import { IAM4_BASIC_EXECUTION, acknowledge, acknowledgeLogRetentionProvider } from "./edge-auth";
import { EDGE_LOG_RETENTION_DAYS } from "../shared/config/edge-logging";

export interface EdgeAuthUserPoolProps {
  /**
   * Required. The config (a path or an object, as for `EdgeAuth`). It must create its pool: no `userPoolId`, `clientId`,
   * `domain`. Read here: `region`, `scopes`, `paths`, `rules` (their groups are created), `triggers` and
   * `deploy.userPool`, `deploy.aliases`, `deploy.service`, `deploy.stage`.
   */
  readonly config: string | AuthConfigInput;
  /**
   * Host names the site answers on besides `deploy.aliases`, for the app client's callback and sign-out URLs
   * (`https://<host><paths.callback>`, `https://<host><paths.afterSignOut>`): typically the distribution's
   * `d1234.cloudfront.net` domain once it exists. Plain strings.
   * @default - only `deploy.aliases`, or `localhost` when there are none (sign-in on the site is refused until the
   * distribution's domain is added)
   */
  readonly siteHosts?: string[];
}

/** The logical ids of the outputs `poolIdsFromOutputs` reads. */
const OUTPUTS = { userPoolId: "EdgeAuthUserPoolId", clientId: "EdgeAuthUserPoolClientId", domain: "EdgeAuthHostedUiDomain" } as const;

/** Sets CloudFormation properties as written (PascalCase, shared/config/user-pool.ts) on an L1 resource. */
function setProperties(resource: CfnResource, properties: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(properties)) resource.addPropertyOverride(key, value);
}

/**
 * The user pool, domain, app client, managed login style, groups and Cognito triggers of a config that creates its
 * pool, with the properties serverless.pool.yml gives them: both come from shared/config/user-pool.ts (every
 * `deploy.userPool` key: managed login or the classic Hosted UI, branding, MFA and its methods, passkeys, the
 * password policy, refresh token rotation, the feature plan). Outputs the ids `EdgeAuth` needs (read them back with
 * `poolIdsFromOutputs`).
 */
export class EdgeAuthUserPool extends Construct {
  /** The pool (e-mail addresses as user names; policies, MFA, passkeys, plan and deletion protection per `deploy.userPool`). */
  readonly userPool: cognito.IUserPool;
  /** The pool's CloudFormation resource, for overrides of your own. */
  readonly cfnUserPool: cognito.CfnUserPool;
  /** The app client the edge functions use: code grant with PKCE, the config's scopes, token revocation. */
  readonly userPoolClient: cognito.IUserPoolClient;
  /** The prefix domain (`deploy.userPool.domainPrefix`): managed login v2 or the classic Hosted UI. */
  readonly userPoolDomain: cognito.IUserPoolDomain;
  /** The Hosted UI host, `<prefix>.auth.<region>.amazoncognito.com`. */
  readonly hostedUiDomain: string;
  /** The callback URLs the app client accepts. */
  readonly callbackUrls: string[];

  constructor(scope: Construct, id: string, props: EdgeAuthUserPoolProps) {
    super(scope, id);
    const input = readInput(props.config);
    const raw = absolutePaths(input.raw, input.baseDir);
    if (raw.sites !== undefined) throw new ConfigError(SITES_NEED_CLIENTS(input.label));
    const d = resolveDeployConfig(raw);
    if (d.ok && !d.config.createUserPool)
      throw new ConfigError(`invalid config ${input.label}:\n  deploy.createUserPool: is false (the config names an existing pool), so there is no pool to create: use EdgeAuth alone`);
    const region = String(raw.region ?? "");
    const stackRegion = Stack.of(this).region;
    if (!Token.isUnresolved(stackRegion) && region && stackRegion !== region)
      throw new ConfigError(`invalid config ${input.label}:\n  region: is ${region}, but EdgeAuthUserPool ${this.node.path} is in a stack in ${stackRegion}; the pool is created in the config's region`);
    // The pool's own ids do not exist yet: stand-ins let the rest of the config be checked, and the triggers built.
    const prefix = d.ok ? d.config.userPool.domainPrefix : "placeholder";
    const placeholders = withPoolPlaceholders(raw, hostedUiDomain(prefix, region || "us-east-1"));
    const all: AuthConfig = resolveForSynth(placeholders, input.label, () => undefined);
    const { edge, triggers } = all;
    const p = all.deploy.userPool;
    const deploy = { ...all.deploy, createUserPool: true };

    const preToken = hasPreTokenGeneration(triggers);
    const defaultGroup = triggers.postConfirmation.defaultGroup;
    const outdir = preToken || defaultGroup ? buildBundles(placeholders, input.label) : undefined;
    const preTokenFn = outdir && preToken ? this.trigger("pre-token-generation", outdir) : undefined;
    const postConfirmFn = outdir && defaultGroup ? this.trigger("post-confirmation", outdir) : undefined;

    // Construct paths as the L2 constructs had them (Pool/UserPool/Resource, .../Client/Resource, .../Domain/Resource),
    // so the logical ids, and with them the deployed pool and its users, stay the same.
    const poolScope = new Construct(this, "UserPool");
    this.cfnUserPool = new cognito.CfnUserPool(poolScope, "Resource");
    const cfnPool = this.cfnUserPool;
    const refs: PoolRefs = { userPoolId: cfnPool.ref };
    let smsRole: iam.CfnRole | undefined;
    if (needsSmsRole(p.signIn)) {
      const role = smsRoleProperties() as { AssumeRolePolicyDocument: unknown; Policies: { PolicyName: string; PolicyDocument: unknown }[] };
      smsRole = new iam.CfnRole(this, "SmsRole", {
        assumeRolePolicyDocument: role.AssumeRolePolicyDocument,
        policies: role.Policies.map((x) => ({ policyName: x.PolicyName, policyDocument: x.PolicyDocument })),
      });
      refs.smsRoleArn = smsRole.attrArn;
      acknowledge(smsRole, [["AwsSolutions-IAM5", "Cognito publishes text messages to phone numbers, which have no ARN; the role is assumable only by Cognito for this stack (sts:ExternalId)."]]);
    }
    setProperties(
      cfnPool,
      userPoolProperties(p, { ...(preTokenFn ? { preTokenGenerationArn: preTokenFn.functionArn } : {}), ...(postConfirmFn ? { postConfirmationArn: postConfirmFn.functionArn } : {}) }, refs),
    );
    cfnPool.applyRemovalPolicy(p.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    this.userPool = cognito.UserPool.fromUserPoolId(this, "UserPoolRef", cfnPool.ref);
    // cdk-nag reads the L1's typed properties, which the overrides above bypass: the settings are the config's.
    acknowledge(cfnPool, [
      ["AwsSolutions-COG1", "The password policy is deploy.userPool.passwordPolicy (default: 12 characters with lower case, upper case and digits; NIST SP 800-63B favours length over symbol rules)."],
      ["AwsSolutions-COG2", "MFA is deploy.userPool.mfa (off, optional or on, with TOTP and/or SMS); the pool owner chooses."],
      ["AwsSolutions-COG3", "Threat protection needs the Plus feature plan; the pool is on Lite or Essentials (shared/config/user-pool.ts featurePlan) to keep a small site cheap."],
      ["AwsSolutions-COG8", "The Plus plan (threat protection) is priced per active user; the plan is the cheapest that has every feature the config asks for (shared/config/user-pool.ts featurePlan)."],
    ]);

    const domain = new cognito.CfnUserPoolDomain(new Construct(poolScope, "Domain"), "Resource", { domain: p.domainPrefix, userPoolId: cfnPool.ref });
    setProperties(domain, domainProperties(p, refs));
    this.userPoolDomain = cognito.UserPoolDomain.fromDomainName(this, "DomainRef", domain.ref);
    this.hostedUiDomain = hostedUiDomain(p.domainPrefix, region);

    const hosts = [...new Set([...deploy.aliases, ...(props.siteHosts ?? [])])];
    for (const h of hosts) if (Token.isUnresolved(h)) throw new ConfigError(`EdgeAuthUserPool ${this.node.path}: siteHosts must be plain strings (a token would tie the pool stack to the site stack)`);
    if (!hosts.length) hosts.push("localhost");
    const [client] = poolClients(all.sites, deploy, hosts);
    this.callbackUrls = client!.callbackUrls;
    const cfnClient = new cognito.CfnUserPoolClient(new Construct(poolScope, "Client"), "Resource", { userPoolId: cfnPool.ref });
    setProperties(cfnClient, clientProperties(p, client!, refs));
    this.userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(this, "ClientRef", cfnClient.ref);
    const branding = brandingProperties(p, cfnClient.ref, refs);
    if (branding) {
      const style = new cognito.CfnManagedLoginBranding(this, "ManagedLoginBranding", { userPoolId: cfnPool.ref });
      setProperties(style, branding);
      // The style belongs to the app client on a v2 domain: created after the domain.
      style.node.addDependency(domain);
    }

    for (const g of poolGroups(edge.rules, triggers)) {
      new cognito.CfnUserPoolGroup(this, g.logicalId, { groupName: g.name, userPoolId: cfnPool.ref });
    }

    for (const fn of [preTokenFn, postConfirmFn]) fn?.addPermission("CognitoInvoke", { principal: new iam.ServicePrincipal("cognito-idp.amazonaws.com"), sourceArn: cfnPool.attrArn });
    if (postConfirmFn) {
      // A policy of its own, attached after the pool exists: in the role's default policy, role → pool → function
      // → role would be a cycle. Only this function may add users to groups, and only in this pool.
      postConfirmFn.role!.attachInlinePolicy(
        new iam.Policy(this, "AddConfirmedUsersToDefaultGroup", {
          statements: [new iam.PolicyStatement({ actions: ["cognito-idp:AdminAddUserToGroup"], resources: [cfnPool.attrArn] })],
        }),
      );
    }

    const out = (key: keyof typeof OUTPUTS, value: string, description: string) => new CfnOutput(this, key, { value, description }).overrideLogicalId(OUTPUTS[key]);
    out("userPoolId", cfnPool.ref, "User pool id (EdgeAuth userPool.userPoolId)");
    out("clientId", cfnClient.ref, "App client id (EdgeAuth userPool.clientId)");
    out("domain", this.hostedUiDomain, "Hosted UI domain (EdgeAuth userPool.domain)");
  }

  private trigger(name: "pre-token-generation" | "post-confirmation", outdir: string): lambda.Function {
    const spec = functionSpec(name);
    const id = spec.slsName.charAt(0).toUpperCase() + spec.slsName.slice(1);
    const fn = new lambda.Function(this, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: "index.handler",
      code: lambda.Code.fromAsset(join(outdir, name)),
      description: spec.description,
      memorySize: 256,
      // Cognito waits at most 5 s for a trigger.
      timeout: Duration.seconds(5),
    });
    acknowledge(fn.role!, [[IAM4_BASIC_EXECUTION, "AWSLambdaBasicExecutionRole only lets the trigger write its own logs, nothing else."]]);
    acknowledge(fn.node.defaultChild!, [["AwsSolutions-L1", "nodejs24.x is the runtime the triggers are built and tested for (as in serverless.pool.yml)."]]);
    // The same retention as serverless.pool.yml's logRetentionInDays, through CDK's LogRetention as the edge
    // functions' groups (it also works where the group already exists).
    new logs.LogRetention(fn, "Logs", { logGroupName: `/aws/lambda/${fn.functionName}`, retention: EDGE_LOG_RETENTION_DAYS as logs.RetentionDays });
    acknowledgeLogRetentionProvider(Stack.of(this));
    return fn;
  }
}

/**
 * The pool's ids from the file `cdk deploy <pool stack> --outputs-file <file>` wrote, for `EdgeAuth`'s `userPool`;
 * undefined when the file or the stack's outputs are not there yet (the pool is not deployed). The client secret of a
 * confidential client is never an output: pass it yourself.
 */
export function poolIdsFromOutputs(file: string, stackName: string): PoolIds | undefined {
  if (!existsSync(file)) return undefined;
  const all = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string> | undefined>;
  const o = all[stackName];
  if (!o?.[OUTPUTS.userPoolId] || !o[OUTPUTS.clientId] || !o[OUTPUTS.domain]) return undefined;
  return { userPoolId: o[OUTPUTS.userPoolId]!, clientId: o[OUTPUTS.clientId]!, domain: o[OUTPUTS.domain]! };
}

/**
 * The distribution domains (`d1234.cloudfront.net`) of the `EdgeAuth` constructs of `stackName`, from a
 * `cdk deploy --outputs-file` file, for `EdgeAuthUserPool`'s `siteHosts`; empty before the site is deployed.
 */
export function siteHostsFromOutputs(file: string, stackName: string): string[] {
  if (!existsSync(file)) return [];
  const all = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string> | undefined>;
  return Object.entries(all[stackName] ?? {})
    .filter(([key]) => /DistributionDomainName[0-9A-F]{8}$/.test(key))
    .map(([, value]) => value);
}

/** Whether a config asks for a created user pool (`deploy.createUserPool`, true by default when it has no `userPoolId`). */
export function configCreatesUserPool(config: string | AuthConfigInput): boolean {
  const d = resolveDeployConfig(readInput(config).raw);
  return d.ok && d.config.createUserPool;
}
