/**
 * The pool stack's values (serverless.pool.yml, in the pool's region): the trigger functions the config uses and
 * the created user pool with its domain, app clients, managed login styles, groups and trigger wiring.
 * scripts/sls-values.ts composes them with the edge stack's.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { hasPreTokenGeneration, poolClients, poolGroups } from "../shared/config/deploy";
import type { PoolClient } from "../shared/config/deploy";
import type { AuthConfig } from "../shared/config/resolve";
import type { DeployConfig, TriggersConfig } from "../shared/config/types";
import { TRIGGER_FUNCTIONS } from "../shared/catalogue";
import { brandingProperties, clientProperties, domainProperties, needsSmsRole, smsRoleProperties, userPoolProperties } from "../shared/config/user-pool";
import type { PoolRefs, PoolTriggers } from "../shared/config/user-pool";
import type { Cfn } from "./sls-values-edge";

const root = resolve(__dirname, "..");

/** What serverless.pool.yml reads, e.g. `${file(./scripts/sls-config.js):poolResources}`. */
export interface PoolValues {
  poolService: string;
  /** Region of the user pool (the config's `region`); the edge stack is always us-east-1. */
  poolRegion: string;
  createUserPool: boolean;
  poolFunctions: Cfn;
  poolResources: { Resources: Cfn; Outputs: Cfn };
}

/**
 * The pool stack's values; nothing when the deploy does not create the pool. `siteHosts` are the hosts the created
 * app clients' callback and sign-out URLs name; `withoutBuild`: the trigger bundles are not looked for.
 */
export function poolValues(config: AuthConfig, distDir: string, siteHosts: readonly string[], withoutBuild: boolean): PoolValues {
  const d = config.deploy;
  return {
    poolService: `${d.service}-pool`,
    poolRegion: config.edge.region,
    createUserPool: d.createUserPool,
    // A getter: only the pool stack reads it, so the edge stack packages even before the triggers are built.
    get poolFunctions() {
      return d.createUserPool ? poolFunctions(config.triggers, distDir, !withoutBuild) : {};
    },
    poolResources: d.createUserPool ? poolResources(config, d, poolClients(config.sites, d, siteHosts)) : { Resources: {}, Outputs: {} },
  };
}

/** Trigger functions, only for the triggers the config uses. The bundles come from `npm run build`. */
function poolFunctions(triggers: TriggersConfig, distDir: string, requireBuild: boolean): Cfn {
  const fns: Cfn = {};
  const used: Record<string, boolean> = {
    "pre-token-generation": hasPreTokenGeneration(triggers),
    "post-confirmation": triggers.postConfirmation.defaultGroup !== undefined,
  };
  for (const f of TRIGGER_FUNCTIONS) {
    if (!used[f.name]) continue;
    if (requireBuild && !existsSync(join(root, distDir, f.name, "index.js")))
      throw new Error(`${distDir}/${f.name}/index.js not found: run the build first (it bundles ${f.entry})`);
    fns[f.slsName] = {
      handler: `${distDir}/${f.name}/index.handler`,
      description: f.description,
      memorySize: 256,
      // Cognito waits at most 5 s for a trigger.
      timeout: 5,
      package: { patterns: ["!**", `${distDir}/${f.name}/**`] },
      ...(f.trigger === "cognito-post-confirmation" ? { role: "PostConfirmationRole" } : {}),
    };
  }
  return fns;
}

/** Logical ids Serverless gives the trigger functions. */
const PRE_TOKEN_FN = "PreTokenGenerationLambdaFunction";
const POST_CONFIRM_FN = "PostConfirmationLambdaFunction";

/** Logical ids of the pool stack's resources that others refer to. */
export const POOL_IDS = { pool: "UserPool", domain: "UserPoolDomain", branding: "ManagedLoginBranding", smsRole: "UserPoolSmsRole" } as const;

/**
 * The user pool, domain, app clients, managed login styles, groups and trigger wiring; the properties come from
 * shared/config/user-pool.ts, as the CDK construct's do.
 */
export function poolResources(config: Pick<AuthConfig, "sites" | "triggers">, d: DeployConfig, clients: readonly PoolClient[]): { Resources: Cfn; Outputs: Cfn } {
  const triggers = config.triggers;
  const p = d.userPool;
  const preToken = hasPreTokenGeneration(triggers);
  const group = triggers.postConfirmation.defaultGroup;
  const poolArn = { "Fn::GetAtt": [POOL_IDS.pool, "Arn"] };
  const wired: PoolTriggers = {
    ...(preToken ? { preTokenGenerationArn: { "Fn::GetAtt": [PRE_TOKEN_FN, "Arn"] } } : {}),
    ...(group ? { postConfirmationArn: { "Fn::GetAtt": [POST_CONFIRM_FN, "Arn"] } } : {}),
  };
  const refs: PoolRefs = { userPoolId: { Ref: POOL_IDS.pool }, smsRoleArn: { "Fn::GetAtt": [POOL_IDS.smsRole, "Arn"] } };
  const retain = p.deletionProtection ? { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" } : {};

  const Resources: Cfn = {
    [POOL_IDS.pool]: { Type: "AWS::Cognito::UserPool", ...retain, Properties: userPoolProperties(p, wired, refs) },
    [POOL_IDS.domain]: { Type: "AWS::Cognito::UserPoolDomain", Properties: domainProperties(p, refs) },
  };
  clients.forEach((c, i) => {
    Resources[c.logicalId] = { Type: "AWS::Cognito::UserPoolClient", Properties: clientProperties(p, c, refs) };
    const branding = brandingProperties(p, { Ref: c.logicalId }, refs);
    // The style belongs to the app client on a v2 domain: created after the domain.
    if (branding)
      Resources[`${POOL_IDS.branding}${i === 0 ? "" : c.logicalId.slice("UserPoolClient".length)}`] = { Type: "AWS::Cognito::ManagedLoginBranding", DependsOn: [POOL_IDS.domain], Properties: branding };
  });
  if (needsSmsRole(p.signIn)) Resources[POOL_IDS.smsRole] = { Type: "AWS::IAM::Role", Properties: smsRoleProperties() };
  for (const g of poolGroups(config.sites.flatMap((site) => site.config.rules), triggers)) {
    Resources[g.logicalId] = { Type: "AWS::Cognito::UserPoolGroup", Properties: { GroupName: g.name, UserPoolId: { Ref: "UserPool" } } };
  }
  if (preToken) {
    Resources.PreTokenGenerationCognitoPermission = cognitoInvokePermission(PRE_TOKEN_FN);
  }
  if (group) {
    Resources.PostConfirmationCognitoPermission = cognitoInvokePermission(POST_CONFIRM_FN);
    // A role of its own, so only post-confirmation may add users to groups.
    Resources.PostConfirmationRole = {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        },
        ManagedPolicyArns: [{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }],
      },
    };
    // Attached after the pool exists: putting it in the role would make role → pool → function → role a cycle.
    Resources.PostConfirmationAddToGroupPolicy = {
      Type: "AWS::IAM::Policy",
      Properties: {
        PolicyName: "add-confirmed-users-to-default-group",
        Roles: [{ Ref: "PostConfirmationRole" }],
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "cognito-idp:AdminAddUserToGroup", Resource: poolArn }],
        },
      },
    };
  }
  const Outputs: Cfn = {
    UserPoolId: { Value: { Ref: "UserPool" } },
    UserPoolArn: { Value: poolArn },
    HostedUiDomain: { Value: { "Fn::Sub": "${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com" } },
  };
  for (const c of clients) Outputs[c.output] = { Value: { Ref: c.logicalId } };
  return { Resources, Outputs };
}

function cognitoInvokePermission(functionLogicalId: string): Cfn {
  return {
    Type: "AWS::Lambda::Permission",
    Properties: {
      Action: "lambda:InvokeFunction",
      FunctionName: { "Fn::GetAtt": [functionLogicalId, "Arn"] },
      Principal: "cognito-idp.amazonaws.com",
      SourceArn: { "Fn::GetAtt": ["UserPool", "Arn"] },
    },
  };
}
