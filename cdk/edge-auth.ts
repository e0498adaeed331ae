/**
 * `EdgeAuth`: Cognito sign-in in front of a CloudFront distribution, from the same `auth.config.json` as
 * `npm run deploy`. It builds the functions of the catalogue (shared/catalogue.ts) at synth and either creates the
 * private site bucket and the distribution, or attaches to a distribution of yours.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Annotations, CfnOutput, Duration, Names, RemovalPolicy, Stack, Token, Validations } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { IConstruct } from "constructs";
import type { DeployConfig, LogLevel, ResolvedConfig } from "../shared/config/types";
import { EDGE_LOG_RETENTION_DAYS, edgeLogGroupName, edgeLogRegions, edgeLoggingConfig } from "../shared/config/edge-logging";
import { allowedMethodSetFor } from "../shared/config/methods";
import { deployedEdgeFunctions } from "../shared/catalogue";
import type { FunctionSpec } from "../shared/catalogue";
import { buildBundles } from "./bundles";
import { absolutePaths, keptSecrets, readInput, resolveForSynth, withPoolIds } from "./config";
import type { AuthConfigInput, PoolIds } from "./config";
import { responseHeadersBehaviour } from "./response-headers";

/** What `EdgeAuth` is built from. */
export interface EdgeAuthProps {
  /**
   * Required. The config: a path to an `auth.config.json` (relative to the current directory) or the same content as an
   * object. It goes through the same pipeline as `npm run build`: a mistake fails synth with a message naming the
   * field. File paths inside it (`errorPages`, `triggers.preTokenGeneration.module`) are relative to the file, or
   * to the current directory for an object. Only its edge keys and `deploy.aliases`, `deploy.certificateArn`,
   * `deploy.priceClass` and `deploy.bucketName` are used here; the pool comes from `EdgeAuthUserPool`.
   */
  readonly config: string | AuthConfigInput;
  /**
   * The user pool's ids, when the config does not carry them (e.g. from a deployed `EdgeAuthUserPool` stack, read
   * with `poolIdsFromOutputs`). They override the config's `userPoolId`, `clientId`, `domain` and `clientSecret`.
   * Plain strings only: the ids are baked into the functions' code at synth, so a token fails synth.
   * @default - the ids in the config
   */
  readonly userPool?: PoolIds;
  /**
   * A distribution of yours to attach to, instead of creating the bucket and a distribution. Its default
   * behaviour gets the viewer check (and, with `hotPath: "lambda-edge"`, http-headers on origin responses), and a
   * behaviour is added for each auth path. Its default behaviour must not have a viewer-request function yet.
   * @default - a private S3 bucket and a distribution are created
   */
  readonly distribution?: cloudfront.Distribution;
  /**
   * With `distribution`: the origin of its default behaviour. The auth paths' behaviours point at it (CloudFront
   * never calls it for them: their function always answers), so no origin is added.
   * @default - required with `distribution`
   */
  readonly origin?: cloudfront.IOrigin;
  /**
   * Where the secrets generated for this construct are kept between synths (the sign-in cookies' HMAC key, and the
   * session cookie's key of the CloudFront Function hot path), created with mode 0600. Keep the file (never commit
   * it): a new secret changes every bundle, so every function is published again and sign-ins in progress start
   * over. The config's `nonceSigningSecret` and `session.signingSecret`, when set, win.
   * @default - `.edge-auth/<unique id of this construct>.secrets.json` in the current directory
   */
  readonly secretsFile?: string;
}

/** Managed policy: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html */
const CACHING_DISABLED = cloudfront.CachePolicy.CACHING_DISABLED;

/** Lambda@Edge: x86_64 only, viewer triggers at most 128 MB and 5 s.
 *  https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-restrictions.html */
const EDGE_LIMITS = { memorySize: 128, timeout: Duration.seconds(5), architecture: lambda.Architecture.X86_64 } as const;

/** Lambda@Edge runtime: the one the bundles are built and tested for, as in serverless.yml. */
const EDGE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Cognito sign-in in front of a static site on CloudFront. See docs/deploy-cdk.md.
 *
 * Lambda@Edge functions are `cloudfront.experimental.EdgeFunction`s: created in place when the stack is in
 * us-east-1, otherwise in a us-east-1 stack CDK adds (and whose version ARN it reads back through SSM).
 */
export class EdgeAuth extends Construct {
  /** The resolved edge config baked into the functions (secrets included: do not log it). */
  readonly config: ResolvedConfig;
  /** The distribution: created, or the one passed in. */
  readonly distribution: cloudfront.Distribution;
  /** The site bucket, when the construct created it (upload your site's files there). */
  readonly bucket?: s3.Bucket;
  /** The Lambda@Edge functions by catalogue name (`check-auth`, `parse-auth`, ...): their published versions. */
  readonly edgeFunctions: Readonly<Record<string, cloudfront.experimental.EdgeFunction>>;
  /** The CloudFront Function of the `cloudfront-function` hot path. */
  readonly viewerFunction?: cloudfront.Function;
  /** The key value store holding the CloudFront Function's session key. */
  readonly keyValueStore?: cloudfront.KeyValueStore;
  /** The security headers as a response headers policy, on every behaviour (the `cloudfront-function` hot path). */
  readonly responseHeadersPolicy?: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: EdgeAuthProps) {
    super(scope, id);
    if (props.distribution && !props.origin) throw new Error(`EdgeAuth ${this.node.path}: \`origin\` is required with \`distribution\` (the origin of its default behaviour)`);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region))
      throw new Error(`EdgeAuth ${this.node.path}: the stack needs an explicit region (env: { region: "us-east-1" } is simplest): Lambda@Edge functions are created in us-east-1`);

    const input = readInput(props.config);
    let raw = input.raw;
    if (props.userPool) raw = withPoolIds(raw, props.userPool, input.label);
    raw = absolutePaths(raw, input.baseDir);
    // Validate before anything is written: the secrets file only for a config that is otherwise right.
    resolveForSynth(raw, input.label, (w) => Annotations.of(this).addWarningV2("edge-auth:config", w));
    raw = keptSecrets(raw, props.secretsFile ?? join(process.cwd(), ".edge-auth", `${Names.uniqueId(this)}.secrets.json`));
    const all = resolveForSynth(raw, input.label, () => undefined);
    const outdir = buildBundles(raw, input.label);
    this.config = all.edge;
    const edge = all.edge;
    const deploy = all.deploy;

    const deployed = deployedEdgeFunctions(edge);
    const edgeFunctions: Record<string, cloudfront.experimental.EdgeFunction> = {};
    for (const spec of deployed.filter((f) => f.runtime === "lambda-edge")) edgeFunctions[spec.name] = this.edgeFunction(spec, outdir, edge.logLevel);
    this.edgeFunctions = edgeFunctions;

    let viewer: { edgeLambdas?: cloudfront.EdgeLambda[]; functionAssociations?: cloudfront.FunctionAssociation[] };
    if (edge.hotPath === "cloudfront-function") {
      const spec = deployed.find((f) => f.runtime === "cloudfront-function")!;
      const kvsFile = join(outdir, spec.name, "kvs.json");
      // The store's import source cannot be updated (AWS::CloudFront::KeyValueStore): a new key makes a new store.
      const kvsHash = createHash("sha256").update(readFileSync(kvsFile)).digest("hex").slice(0, 8);
      this.keyValueStore = new cloudfront.KeyValueStore(this, `SessionKeyStore${kvsHash}`, {
        comment: "edge-auth: the session cookie's HMAC key",
        source: cloudfront.ImportSource.fromAsset(kvsFile),
      });
      this.viewerFunction = new cloudfront.Function(this, "CheckAuthFunction", {
        code: cloudfront.FunctionCode.fromFile({ filePath: join(outdir, spec.name, "index.js") }),
        runtime: cloudfront.FunctionRuntime.JS_2_0,
        keyValueStore: this.keyValueStore,
        comment: spec.description,
      });
      viewer = { functionAssociations: [{ function: this.viewerFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }] };
      // As the Serverless stack (scripts/sls-hot-path.ts): no policy when every header is turned off.
      const headers = responseHeadersBehaviour(edge.headers);
      if (Object.keys(headers).length)
        this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", { comment: "edge-auth: the config's security headers", ...headers });
    } else {
      viewer = { edgeLambdas: [{ functionVersion: edgeFunctions["check-auth"]!, eventType: cloudfront.LambdaEdgeEventType.VIEWER_REQUEST }] };
    }
    const httpHeaders = edgeFunctions["http-headers"];
    const defaultEdge = {
      edgeLambdas: [
        ...(viewer.edgeLambdas ?? []),
        ...(httpHeaders ? [{ functionVersion: httpHeaders, eventType: cloudfront.LambdaEdgeEventType.ORIGIN_RESPONSE }] : []),
      ],
      functionAssociations: viewer.functionAssociations ?? [],
    };

    // The auth paths' behaviours allow whatever the default behaviour allows: check-auth redirects any request it
    // handles there (an expired POST is sent to paths.refresh with a 307, which keeps the method).
    let defaultMethods: readonly string[];
    if (props.distribution) {
      this.distribution = props.distribution;
      defaultMethods = this.attachDefault(props.distribution, defaultEdge);
    } else {
      const site = this.siteDistribution(deploy, defaultEdge);
      this.bucket = site.bucket;
      this.distribution = site.distribution;
      defaultMethods = cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS.methods;
    }
    const origin = props.origin ?? this.siteOrigin!;
    for (const spec of deployed.filter((f) => f.runtime === "lambda-edge" && f.trigger === "viewer-request" && f.behaviour !== "default")) {
      this.distribution.addBehavior(edge.paths[spec.behaviour as keyof ResolvedConfig["paths"]], origin, {
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: allowedMethodsOf(defaultMethods),
        cachePolicy: CACHING_DISABLED,
        edgeLambdas: [{ functionVersion: edgeFunctions[spec.name]!, eventType: cloudfront.LambdaEdgeEventType.VIEWER_REQUEST }],
        ...(this.responseHeadersPolicy ? { responseHeadersPolicy: this.responseHeadersPolicy } : {}),
      });
    }

    const siteUrl = deploy.aliases[0] ? `https://${deploy.aliases[0]}` : `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, "SiteUrl", { description: "URL of the site", value: siteUrl });
    new CfnOutput(this, "DistributionDomainName", { description: "The distribution's domain: add https://<it><paths.callback> to the app client's callback URLs", value: this.distribution.distributionDomainName });
    new CfnOutput(this, "DistributionId", { description: "The distribution's id (for invalidations)", value: this.distribution.distributionId });
    if (this.bucket) new CfnOutput(this, "SiteBucketName", { description: "Bucket holding the site's files", value: this.bucket.bucketName });
  }

  /** Set when the construct creates the bucket: the S3 origin with Origin Access Control. */
  private siteOrigin?: cloudfront.IOrigin;

  private edgeFunction(spec: FunctionSpec, outdir: string, logLevel: LogLevel): cloudfront.experimental.EdgeFunction {
    const id = spec.slsName.charAt(0).toUpperCase() + spec.slsName.slice(1);
    // Lambda's advanced logging controls: JSON, no START/END/REPORT, the config's level (shared/config/edge-logging.ts).
    const logging = edgeLoggingConfig(logLevel);
    const fn = new cloudfront.experimental.EdgeFunction(this, id, {
      ...EDGE_LIMITS,
      runtime: EDGE_RUNTIME,
      handler: "index.handler",
      code: lambda.Code.fromAsset(join(outdir, spec.name)),
      description: spec.description,
      loggingFormat: lambda.LoggingFormat[logging.LogFormat],
      systemLogLevelV2: lambda.SystemLogLevel[logging.SystemLogLevel],
      applicationLogLevelV2: lambda.ApplicationLogLevel[logging.ApplicationLogLevel],
    });
    acknowledge(fn.lambda.role!, [
      [IAM4_BASIC_EXECUTION, "AWSLambdaBasicExecutionRole lets the function write its logs; Lambda@Edge writes them in the region nearest each viewer, so no narrower, single-region policy fits."],
    ]);
    acknowledge(fn.lambda.node.defaultChild!, [
      ["AwsSolutions-L1", "nodejs24.x is the runtime the bundles are built and tested for (as in serverless.yml); Lambda@Edge supports a runtime only some time after Lambda does."],
    ]);
    // Lambda@Edge logs to /aws/lambda/us-east-1.<function> in each region it runs in, and creates that group with
    // no retention: CDK's LogRetention creates it in every edge cache region first, with the retention
    // (shared/config/edge-logging.ts). No /aws/lambda/<function> group is made: Lambda@Edge never writes there.
    // In the function's own stack: with a site stack outside us-east-1, that is the us-east-1 stack CDK adds.
    for (const region of edgeLogRegions()) {
      new logs.LogRetention(fn.lambda, `Logs${region.replace(/-/g, "")}`, {
        logGroupName: edgeLogGroupName(fn.lambda.functionName),
        logGroupRegion: region,
        retention: EDGE_LOG_RETENTION_DAYS as logs.RetentionDays,
      });
    }
    acknowledgeLogRetentionProvider(Stack.of(fn.lambda));
    return fn;
  }

  /** The private bucket, its Origin Access Control, the cache policy and the distribution, as serverless.yml makes them. */
  private siteDistribution(d: DeployConfig, defaultEdge: Pick<cloudfront.BehaviorOptions, "edgeLambdas" | "functionAssociations">): { bucket: s3.Bucket; distribution: cloudfront.Distribution } {
    const bucket = new s3.Bucket(this, "SiteBucket", {
      ...(d.bucketName ? { bucketName: d.bucketName } : {}),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(bucket, [
      ["AwsSolutions-S1", "Only CloudFront reads this bucket (Origin Access Control); every request's sign-in decision is logged by the edge functions (CloudWatch, EMF). Add server access logging if you need object-level audit."],
    ]);
    this.siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(bucket, { originAccessLevels: [cloudfront.AccessLevel.READ] });
    // Like Managed-CachingOptimized, but files without Cache-Control stay 5 minutes instead of a day, so an upload
    // shows up soon. Nothing of the request is in the key: the sign-in check has decided before the cache is consulted.
    const cachePolicy = new cloudfront.CachePolicy(this, "SiteCachePolicy", {
      comment: "edge-auth: the site's files (5 minutes without Cache-Control)",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.minutes(5),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
    });
    const distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "edge-auth: Cognito sign-in in front of the site",
      defaultBehavior: {
        origin: this.siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        // What the viewer check handles, as serverless.yml (shared/config/methods.ts SITE_METHODS).
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        compress: true,
        cachePolicy,
        ...(defaultEdge.edgeLambdas?.length ? { edgeLambdas: defaultEdge.edgeLambdas } : {}),
        ...(defaultEdge.functionAssociations?.length ? { functionAssociations: defaultEdge.functionAssociations } : {}),
        ...(this.responseHeadersPolicy ? { responseHeadersPolicy: this.responseHeadersPolicy } : {}),
      },
      defaultRootObject: "index.html",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: d.priceClass as cloudfront.PriceClass,
      ...(d.aliases.length
        ? {
            domainNames: d.aliases,
            certificate: acm.Certificate.fromCertificateArn(this, "Certificate", d.certificateArn!),
            sslSupportMethod: cloudfront.SSLMethod.SNI,
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    acknowledge(distribution, [
      ["AwsSolutions-CFR1", "The site is for signed-in users wherever they are; add geoRestriction if your audience allows it."],
      ["AwsSolutions-CFR2", "Every request passes the sign-in check at the edge before it reaches the origin; attach a web ACL (attachWebAclId) for rate limiting if you need it."],
      ["AwsSolutions-CFR3", "Every sign-in decision is logged by the edge functions (CloudWatch, EMF metrics); enable standard logging with a log bucket of your choice if you need request logs."],
      ...(d.aliases.length ? [] : ([["AwsSolutions-CFR4", "Without deploy.aliases the distribution uses the default *.cloudfront.net certificate, whose TLS versions CloudFront sets; with aliases the minimum is TLSv1.2_2021."]] as const)),
    ]);
    return { bucket, distribution };
  }

  /**
   * Puts the viewer check (and origin-response function, response headers policy) on the default behaviour of a
   * distribution defined elsewhere. The L2 Distribution renders its default behaviour once, so it is set on the
   * CloudFormation resource; an existing viewer-request function there is an error (one per event type).
   */
  private attachDefault(distribution: cloudfront.Distribution, defaultEdge: { edgeLambdas: cloudfront.EdgeLambda[]; functionAssociations: cloudfront.FunctionAssociation[] }): readonly string[] {
    const cfn = distribution.node.defaultChild as cloudfront.CfnDistribution;
    const config = cfn.distributionConfig as cloudfront.CfnDistribution.DistributionConfigProperty;
    const dcb = config.defaultCacheBehavior as cloudfront.CfnDistribution.DefaultCacheBehaviorProperty;
    const lambdas = (dcb.lambdaFunctionAssociations ?? []) as cloudfront.CfnDistribution.LambdaFunctionAssociationProperty[];
    const functions = (dcb.functionAssociations ?? []) as cloudfront.CfnDistribution.FunctionAssociationProperty[];
    const ours = new Set([...defaultEdge.edgeLambdas.map((l) => l.eventType as string), ...defaultEdge.functionAssociations.map((f) => f.eventType as string)]);
    const clash = [...lambdas.map((l) => l.eventType), ...functions.map((f) => f.eventType)].filter((t) => t !== undefined && ours.has(t));
    if (clash.length)
      throw new Error(`EdgeAuth ${this.node.path}: the distribution's default behaviour already has a ${clash.join(" and ")} function; EdgeAuth needs that event for the sign-in check`);
    if (this.responseHeadersPolicy && dcb.responseHeadersPolicyId)
      Annotations.of(this).addWarningV2("edge-auth:headers", "the distribution's default behaviour keeps its own response headers policy, so the config's security headers are not added there");
    // The viewer check lets CORS preflights through: the default behaviour must allow OPTIONS for them to reach it.
    const allowedMethods = allowedMethodSetFor([...((dcb.allowedMethods as string[] | undefined) ?? ["GET", "HEAD"]), "OPTIONS"]);
    cfn.distributionConfig = {
      ...config,
      defaultCacheBehavior: {
        ...dcb,
        allowedMethods: [...allowedMethods],
        lambdaFunctionAssociations: [
          ...lambdas,
          ...defaultEdge.edgeLambdas.map((l) => ({ eventType: l.eventType, lambdaFunctionArn: l.functionVersion.edgeArn, includeBody: l.includeBody })),
        ],
        functionAssociations: [...functions, ...defaultEdge.functionAssociations.map((f) => ({ eventType: f.eventType, functionArn: f.function.functionRef.functionArn }))],
        ...(this.responseHeadersPolicy && !dcb.responseHeadersPolicyId ? { responseHeadersPolicyId: this.responseHeadersPolicy.responseHeadersPolicyId } : {}),
      },
    };
    return allowedMethods;
  }
}

/** The id CDK gives its LogRetention provider (one a stack): aws-cdk-lib/aws-logs/lib/log-retention. */
const LOG_RETENTION_PROVIDER_ID = "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a";

/** cdk-nag's findings on CDK's LogRetention provider (one a stack), acknowledged with their reasons. */
export function acknowledgeLogRetentionProvider(stack: Stack): void {
  const providerRole = stack.node.tryFindChild(LOG_RETENTION_PROVIDER_ID)?.node.tryFindChild("ServiceRole");
  if (providerRole)
    acknowledge(providerRole, [
      [IAM4_BASIC_EXECUTION, "CDK's LogRetention provider writes its own logs with the basic execution role; it runs only during deploys."],
      ["AwsSolutions-IAM5[Resource::*]", "CDK's LogRetention provider sets the retention of log groups (Lambda@Edge's in other regions too), whose ARNs no single-region policy can name in advance."],
    ]);
}

/** The L2 value for one of CloudFront's allowed method sets. */
function allowedMethodsOf(methods: readonly string[]): cloudfront.AllowedMethods {
  const set = allowedMethodSetFor(methods);
  return [cloudfront.AllowedMethods.ALLOW_GET_HEAD, cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS, cloudfront.AllowedMethods.ALLOW_ALL].find((m) => m.methods.length === set.length)!;
}

/** cdk-nag's finding for the managed policy every Lambda role CDK creates carries. */
export const IAM4_BASIC_EXECUTION = "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]";

/** Acknowledges cdk-nag rules on a construct, each with its reason (CDK's own acknowledgement, which cdk-nag 3 reads). */
export function acknowledge(scope: IConstruct, rules: ReadonlyArray<readonly [id: string, reason: string]>): void {
  Validations.of(scope).acknowledge(...rules.map(([id, reason]) => ({ id, reason })));
}
