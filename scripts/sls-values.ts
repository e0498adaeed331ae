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
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { hasPreTokenGeneration, poolClients, poolGroups } from "../shared/config/deploy";
import { edgeLoggingConfig } from "../shared/config/edge-logging";
import type { PoolClient } from "../shared/config/deploy";
import { readConfigFile, resolveForDeploy } from "../shared/config/load";
import type { AuthConfig } from "../shared/config/resolve";
import type { DeployConfig, ResolvedConfig, TriggersConfig } from "../shared/config/types";
import { TRIGGER_FUNCTIONS, deployedEdgeFunctions } from "../shared/catalogue";
import { withObservability } from "./observability";
import { brandingProperties, clientProperties, domainProperties, needsSmsRole, smsRoleProperties, userPoolProperties } from "../shared/config/user-pool";
import type { PoolRefs, PoolTriggers } from "../shared/config/user-pool";
import { hotPathParts, noHotPathParts } from "./sls-hot-path";
import type { FunctionCodeFile, HotPathParts, KeyValueStoreImport } from "./sls-hot-path";

const root = resolve(__dirname, "..");

/** Managed cache policies: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html */
export const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
export const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

type Cfn = Record<string, unknown>;

/**
 * The default behaviour's cache policy (`provider.cloudFront.cachePolicies.site`). Like Managed-CachingOptimized,
 * but files without Cache-Control stay 5 minutes instead of a day, so an upload shows up soon without an
 * invalidation. Cookies, headers and query strings are not in the key: the viewer check has already decided
 * before the cache is consulted.
 */
export const SITE_CACHE_POLICY = {
  MinTTL: 0,
  DefaultTTL: 300,
  MaxTTL: 31536000,
  ParametersInCacheKeyAndForwardedToOrigin: {
    EnableAcceptEncodingGzip: true,
    EnableAcceptEncodingBrotli: true,
    CookiesConfig: { CookieBehavior: "none" },
    HeadersConfig: { HeaderBehavior: "none" },
    QueryStringsConfig: { QueryStringBehavior: "none" },
  },
};
/** The logical id osls gives `cachePolicies.site` (naming.getCloudFrontCachePolicyLogicalId). */
export const SITE_CACHE_POLICY_ID = "CloudFrontCachePolicySite";

/** The values the Serverless files read, e.g. `${file(./scripts/sls-config.js):paths.callback}`. */
export interface SlsValues {
  service: string;
  poolService: string;
  stage: string;
  /** Region of the user pool (the config's `region`); the edge stack is always us-east-1. */
  poolRegion: string;
  createUserPool: boolean;
  /** Bundle folder relative to the repository root, e.g. `dist`. */
  distDir: string;
  paths: { callback: string; refresh: string; signOut: string };
  /** Merged into the generated DistributionConfig by deploy/distribution-settings.js. */
  distribution: Cfn;
  /** Merged into the default behaviour and into every behaviour by deploy/distribution-settings.js. */
  behaviours: HotPathParts["behaviours"];
  /** `provider.cloudFront.cachePolicies`: the site policy, when a cloudFront event uses it (see edgeResources). */
  cachePolicies: Cfn;
  /** Files deploy/kvs-import.js uploads for the key value store's ImportSource (cloudfront-function hot path). */
  keyValueStoreImports: KeyValueStoreImport[];
  /** CloudFront Functions whose code deploy/function-code.js puts into the template. */
  cloudFrontFunctionCode: FunctionCodeFile[];
  siteDir: string;
  edgeResources: { Resources: Cfn; Outputs: Cfn };
  /** The Lambda@Edge functions from the catalogue (shared/catalogue.ts), with their cloudFront events. */
  edgeFunctions: Cfn;
  poolFunctions: Cfn;
  poolResources: { Resources: Cfn; Outputs: Cfn };
}

/** Computes the values from the environment described above; throws with every config problem listed. */
export function slsValues(env: NodeJS.ProcessEnv = process.env): SlsValues {
  const configPath = resolve(env.AUTH_CONFIG ?? join(root, "auth.config.json"));
  const config: AuthConfig = resolveForDeploy(readConfigFile(configPath), configPath, undefined, () => undefined);
  const d = config.deploy;
  const region = config.edge.region;
  const paths = config.edge.paths;

  const outdir = resolve(env.AUTH_OUTDIR ?? join(root, "dist"));
  const distDir = relative(root, outdir).split("\\").join("/");
  if (!distDir || distDir.startsWith("..") || isAbsolute(distDir)) throw new Error(`AUTH_OUTDIR: ${outdir} must be a folder inside ${root}`);

  const hosts = (env.EDGE_AUTH_SITE_HOSTS ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  const siteHosts = [...new Set([...d.aliases, ...hosts])];
  if (!siteHosts.length) siteHosts.push("localhost");

  // Read lazily, and once: only the edge stack reads them, and they need the built CloudFront Function.
  let hot: HotPathParts | undefined;
  const withoutBuild = env.EDGE_AUTH_WITHOUT_BUILD === "1";
  const hotPath = () => (hot ??= withoutBuild ? noHotPathParts() : hotPathParts(root, distDir, config.edge, d, SITE_CACHE_POLICY_ID));
  // osls creates `cachePolicies` entries as resources but warns about one no cloudFront event names: with no Lambda
  // on the default behaviour (the CloudFront Function hot path) the policy is ours, with the same id and name, so
  // switching hot paths leaves it as it is.
  const lambdaOnDefault = deployedEdgeFunctions(config.edge).some((f) => f.runtime === "lambda-edge" && f.behaviour === "default");

  return {
    service: d.service,
    poolService: `${d.service}-pool`,
    stage: d.stage,
    poolRegion: region,
    createUserPool: d.createUserPool,
    distDir,
    paths: { callback: paths.callback, refresh: paths.refresh, signOut: paths.signOut },
    distribution: distributionSettings(d),
    get behaviours() {
      return hotPath().behaviours;
    },
    cachePolicies: lambdaOnDefault ? { site: SITE_CACHE_POLICY } : {},
    get keyValueStoreImports() {
      return hotPath().keyValueStoreImports;
    },
    get cloudFrontFunctionCode() {
      return hotPath().functionCode;
    },
    siteDir: d.siteDir,
    get edgeResources() {
      const base = edgeResources(d);
      const own = lambdaOnDefault ? {} : { [SITE_CACHE_POLICY_ID]: siteCachePolicy(d) };
      return withObservability({ Resources: { ...base.Resources, ...own, ...hotPath().resources }, Outputs: base.Outputs }, d);
    },
    // A getter: only the pool stack reads it, so the edge stack packages even before the triggers are built.
    edgeFunctions: edgeFunctions(distDir, config.edge),
    get poolFunctions() {
      return d.createUserPool ? poolFunctions(config.triggers, distDir, !withoutBuild) : {};
    },
    poolResources: d.createUserPool
      ? poolResources(config, d, poolClients(config.sites, d, siteHosts))
      : { Resources: {}, Outputs: {} },
  };
}

function distributionSettings(d: DeployConfig): Cfn {
  return {
    DefaultRootObject: "index.html",
    HttpVersion: "http2and3",
    IPV6Enabled: true,
    PriceClass: d.priceClass,
    ...(d.aliases.length
      ? {
          Aliases: d.aliases,
          ViewerCertificate: { AcmCertificateArn: d.certificateArn, SslSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" },
        }
      : {}),
  };
}

/** The site cache policy as osls would create it from `cachePolicies.site` (compileCloudFrontCachePolicies). */
function siteCachePolicy(d: DeployConfig): Cfn {
  return { Type: "AWS::CloudFront::CachePolicy", Properties: { CachePolicyConfig: { ...SITE_CACHE_POLICY, Name: `${d.service}-${d.stage}-site` } } };
}

/** The private bucket, its Origin Access Control and a bucket policy that lets only this distribution read. */
function edgeResources(d: DeployConfig): { Resources: Cfn; Outputs: Cfn } {
  return {
    Resources: {
      SiteBucket: {
        Type: "AWS::S3::Bucket",
        Properties: {
          ...(d.bucketName ? { BucketName: d.bucketName } : {}),
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
          OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
        },
      },
      SiteOriginAccessControl: {
        Type: "AWS::CloudFront::OriginAccessControl",
        Properties: {
          OriginAccessControlConfig: {
            Name: `${d.service}-${d.stage}-site`,
            Description: "CloudFront reads the site bucket with SigV4",
            OriginAccessControlOriginType: "s3",
            SigningBehavior: "always",
            SigningProtocol: "sigv4",
          },
        },
      },
      SiteBucketPolicy: {
        Type: "AWS::S3::BucketPolicy",
        Properties: {
          Bucket: { Ref: "SiteBucket" },
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "CloudFrontReadsThroughOac",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: { "Fn::Sub": "${SiteBucket.Arn}/*" },
                Condition: {
                  StringEquals: { "AWS:SourceArn": { "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${CloudFrontDistribution}" } },
                },
              },
              {
                Sid: "HttpsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [{ "Fn::GetAtt": ["SiteBucket", "Arn"] }, { "Fn::Sub": "${SiteBucket.Arn}/*" }],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
            ],
          },
        },
      },
    },
    Outputs: {
      SiteBucketName: { Description: "Bucket holding the site's files", Value: { Ref: "SiteBucket" } },
      SiteUrl: {
        Description: "URL of the site",
        Value: d.aliases.length ? `https://${d.aliases[0]}` : { "Fn::Sub": "https://${CloudFrontDistribution.DomainName}" },
      },
    },
  };
}

/**
 * The Lambda@Edge functions the config deploys and their cloudFront events, from the catalogue: check-auth
 * (lambda-edge hot path) and http-headers on the default behaviour (viewer request, origin response), the others
 * on their path behaviours with caching off. The CloudFront Function comes from sls-hot-path.ts.
 */
function edgeFunctions(distDir: string, edge: ResolvedConfig): Cfn {
  const paths = edge.paths;
  const origin = {
    DomainName: { "Fn::GetAtt": ["SiteBucket", "RegionalDomainName"] },
    S3OriginConfig: {},
    OriginAccessControlId: { "Fn::GetAtt": ["SiteOriginAccessControl", "Id"] },
  };
  const fns: Cfn = {};
  const logging = edgeLoggingConfig(edge.logLevel);
  for (const f of deployedEdgeFunctions(edge).filter((x) => x.runtime === "lambda-edge")) {
    const onDefault = f.behaviour === "default";
    const event: Cfn = {
      eventType: f.trigger,
      origin,
      // check-auth runs before the cache lookup, so caching the site's files is safe.
      ...(onDefault
        ? { ...(f.trigger === "viewer-request" ? { isDefaultOrigin: true } : {}), cachePolicy: { name: "site" }, behavior: { ViewerProtocolPolicy: "redirect-to-https", Compress: true } }
        : { pathPattern: paths[f.behaviour as keyof typeof paths], cachePolicy: { id: CACHING_DISABLED }, behavior: { ViewerProtocolPolicy: "redirect-to-https" } }),
    };
    fns[f.slsName] = {
      handler: `${distDir}/${f.name}/index.handler`,
      description: f.description,
      package: { patterns: ["!**", `${distDir}/${f.name}/**`] },
      // osls would create /aws/lambda/<function>, which Lambda@Edge never writes (shared/config/edge-logging.ts).
      disableLogs: true,
      // Lambda's advanced logging controls: JSON, no START/END/REPORT, the config's level (shared/config/edge-logging.ts).
      logs: { logFormat: logging.LogFormat, systemLogLevel: logging.SystemLogLevel, applicationLogLevel: logging.ApplicationLogLevel },
      events: [{ cloudFront: event }],
    };
  }
  return fns;
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
