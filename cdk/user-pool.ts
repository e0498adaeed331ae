/**
 * `EdgeAuthUserPool`: the user pool a config with `deploy.createUserPool` asks for — pool, Hosted UI domain, app
 * client, groups and Cognito triggers — as serverless.pool.yml makes it. Put it in a stack of its own in the
 * config's `region`: the edge functions need its ids at synth, so it is deployed first (README, "Deploy with AWS
 * CDK"), and `poolIdsFromOutputs` reads them back for `EdgeAuth`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CfnOutput, Duration, RemovalPolicy, Stack, Token } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { clientUrls, hasPreTokenGeneration, hostedUiDomain, poolGroups } from "../shared/config/deploy";
import { ConfigError, withPoolPlaceholders } from "../shared/config/load";
import { resolveDeployConfig } from "../shared/config/resolve";
import type { AuthConfig } from "../shared/config/resolve";
import { functionSpec } from "../shared/functions";
import { buildBundles } from "./bundles";
import { SITES_NEED_CLIENTS, absolutePaths, readInput, resolveForSynth } from "./config";
import type { AuthConfigInput, PoolIds } from "./config";
import { IAM4_BASIC_EXECUTION, acknowledge } from "./edge-auth";

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

/**
 * The user pool, Hosted UI domain, app client, groups and Cognito triggers of a config that creates its pool, with
 * the settings of serverless.pool.yml. Outputs the ids `EdgeAuth` needs (read them back with `poolIdsFromOutputs`).
 */
export class EdgeAuthUserPool extends Construct {
  /** The pool: e-mail addresses as user names, 12-character passwords, deletion protection per `deploy.userPool`. */
  readonly userPool: cognito.UserPool;
  /** The app client the edge functions use: code grant with PKCE, the config's scopes, token revocation. */
  readonly userPoolClient: cognito.UserPoolClient;
  /** The Hosted UI prefix domain (`deploy.userPool.domainPrefix`). */
  readonly userPoolDomain: cognito.UserPoolDomain;
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

    this.userPool = new cognito.UserPool(this, "UserPool", {
      userPoolName: p.name,
      signInAliases: { email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: p.selfSignUp,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: false, tempPasswordValidity: Duration.days(7) },
      // V2_0 pre-token-generation events need the Essentials plan; without them Lite is enough (and cheaper).
      featurePlan: preToken && p.preTokenGenerationVersion === "V2_0" ? cognito.FeaturePlan.ESSENTIALS : cognito.FeaturePlan.LITE,
      deletionProtection: p.deletionProtection,
      removalPolicy: p.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledge(this.userPool, [
      ["AwsSolutions-COG1", "Passwords are at least 12 characters with lower case, upper case and digits (NIST SP 800-63B favours length over symbol rules)."],
      ["AwsSolutions-COG2", "MFA is the pool owner's choice (it needs an SMS role or TOTP enrolment); turn it on in the pool if your users must use it."],
      ["AwsSolutions-COG3", "Threat protection needs the Plus feature plan; the pool is on Lite or Essentials to keep a small site cheap."],
      ["AwsSolutions-COG8", "The Plus plan (threat protection) is priced per active user; Lite, or Essentials when V2_0 pre-token events need it, is enough for the sign-in this pool serves."],
    ]);

    this.userPoolDomain = this.userPool.addDomain("Domain", { cognitoDomain: { domainPrefix: p.domainPrefix }, managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI });
    this.hostedUiDomain = hostedUiDomain(p.domainPrefix, region);

    const hosts = [...new Set([...deploy.aliases, ...(props.siteHosts ?? [])])];
    for (const h of hosts) if (Token.isUnresolved(h)) throw new ConfigError(`EdgeAuthUserPool ${this.node.path}: siteHosts must be plain strings (a token would tie the pool stack to the site stack)`);
    if (!hosts.length) hosts.push("localhost");
    const urls = clientUrls(hosts, edge.paths);
    this.callbackUrls = urls.callbackUrls;
    this.userPoolClient = this.userPool.addClient("Client", {
      userPoolClientName: `${deploy.service}-${deploy.stage}-edge`,
      generateSecret: p.generateSecret,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: edge.scopes.map((s) => cognito.OAuthScope.custom(s)),
        callbackUrls: urls.callbackUrls,
        logoutUrls: urls.logoutUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
    });
    // The edge only refreshes tokens; sign-in happens on the Hosted UI (no SRP or password flows for this client).
    (this.userPoolClient.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ["ALLOW_REFRESH_TOKEN_AUTH"];

    for (const g of poolGroups(edge.rules, triggers)) {
      new cognito.CfnUserPoolGroup(this, g.logicalId, { groupName: g.name, userPoolId: this.userPool.userPoolId });
    }

    if (outdir && preToken) {
      const fn = this.trigger("pre-token-generation", outdir);
      this.userPool.addTrigger(
        cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
        fn,
        p.preTokenGenerationVersion === "V2_0" ? cognito.LambdaVersion.V2_0 : cognito.LambdaVersion.V1_0,
      );
    }
    if (outdir && defaultGroup) {
      const fn = this.trigger("post-confirmation", outdir);
      this.userPool.addTrigger(cognito.UserPoolOperation.POST_CONFIRMATION, fn);
      // A policy of its own, attached after the pool exists: in the role's default policy, role → pool → function
      // → role would be a cycle. Only this function may add users to groups, and only in this pool.
      fn.role!.attachInlinePolicy(
        new iam.Policy(this, "AddConfirmedUsersToDefaultGroup", {
          statements: [new iam.PolicyStatement({ actions: ["cognito-idp:AdminAddUserToGroup"], resources: [this.userPool.userPoolArn] })],
        }),
      );
    }

    const out = (key: keyof typeof OUTPUTS, value: string, description: string) => new CfnOutput(this, key, { value, description }).overrideLogicalId(OUTPUTS[key]);
    out("userPoolId", this.userPool.userPoolId, "User pool id (EdgeAuth userPool.userPoolId)");
    out("clientId", this.userPoolClient.userPoolClientId, "App client id (EdgeAuth userPool.clientId)");
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
