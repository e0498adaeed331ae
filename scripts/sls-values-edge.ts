/**
 * The edge stack's values (serverless.yml, us-east-1): the distribution's settings and behaviours, the site cache
 * policy, the bucket and its Origin Access Control, the Lambda@Edge functions from the catalogue, and the hot
 * path's parts (scripts/sls-hot-path.ts). scripts/sls-values.ts composes them with the pool stack's.
 */
import { resolve } from "node:path";
import { edgeLoggingConfig } from "../shared/config/edge-logging";
import type { AuthConfig } from "../shared/config/resolve";
import type { DeployConfig, ResolvedConfig } from "../shared/config/types";
import { deployedEdgeFunctions } from "../shared/catalogue";
import { withObservability } from "./observability";
import { hotPathParts, noHotPathParts } from "./sls-hot-path";
import type { FunctionCodeFile, HotPathParts, KeyValueStoreImport } from "./sls-hot-path";

const root = resolve(__dirname, "..");

/** Managed cache policies: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html */
export const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
/** A CloudFormation fragment. */
export type Cfn = Record<string, unknown>;

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
/** What serverless.yml reads, e.g. `${file(./scripts/sls-config.js):edgeFunctions}`. */
export interface EdgeValues {
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
}

/**
 * The edge stack's values. The hot path's parts are read lazily, and once: only the edge stack reads them, and
 * they need the built CloudFront Function (`withoutBuild`: a command that packages nothing reads none).
 */
export function edgeValues(config: AuthConfig, distDir: string, withoutBuild: boolean): EdgeValues {
  const d = config.deploy;
  let hot: HotPathParts | undefined;
  const hotPath = () => (hot ??= withoutBuild ? noHotPathParts() : hotPathParts(root, distDir, config.edge, d, SITE_CACHE_POLICY_ID));
  // osls creates `cachePolicies` entries as resources but warns about one no cloudFront event names: with no Lambda
  // on the default behaviour (the CloudFront Function hot path) the policy is ours, with the same id and name, so
  // switching hot paths leaves it as it is.
  const lambdaOnDefault = deployedEdgeFunctions(config.edge).some((f) => f.runtime === "lambda-edge" && f.behaviour === "default");
  return {
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
    edgeFunctions: edgeFunctions(distDir, config.edge),
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
