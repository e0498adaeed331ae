/**
 * The rules AWS enforces (test/helpers/aws-rules.ts) over every template both deploy paths produce, for a matrix of
 * configs: both hot paths, Serverless (`npm run package`) and CDK (synth), a created and an existing pool, one site
 * and several, the deploy.userPool options, and a distribution of the user's own that allows POST. Each
 * deployment is made once and shared by every rule. Then each rule is shown to fail on a template mutated to
 * break it, and the two deploy paths are held to one pool and one headers policy for the same config.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthConfigInput } from "../../cdk";
import { edgeLoggingConfig } from "../../shared/config/edge-logging";
import type { LogLevel } from "../../shared/config/types";
import { RULES, edgeFunctions, violations } from "../helpers/aws-rules";
import type { Deployment, Json, Resource } from "../helpers/aws-rules";
import { cdkDeployment, serverlessDeployment } from "../helpers/deployments";
import type { CdkCase } from "../helpers/deployments";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwks = { keys: [{ ...publicKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" }] };
const paths = { callback: "/auth/callback", refresh: "/auth/refresh", signOut: "/auth/out", afterSignOut: "/bye", signIn: "/auth/in" };
const secrets = { nonceSigningSecret: "n".repeat(43), session: { signingSecret: "s".repeat(43) } };
const base = { region: "eu-west-1", paths, rules: [{ path: "/admin/*", groups: ["admins"] }] };
const existingPool = { ...base, userPoolId: "eu-west-1_Abc123", clientId: "clientid123", domain: "auth.example.com", jwks };
const twoSites = [{ hosts: ["docs.example.com"] }, { hosts: ["shop.example.com"], paths: { afterSignOut: "/shop-bye" } }];
/** Every deploy.userPool option at once. */
const poolOptions = {
  domainPrefix: "edgeauth-rules-opt",
  branding: { settings: { categories: { global: { colorSchemeMode: "DARK" } } } },
  refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 20 },
  passkeys: { enabled: true, relyingPartyId: "edgeauth-rules-opt.auth.eu-west-1.amazoncognito.com", userVerification: "required" },
  mfa: "on",
  mfaMethods: ["totp"],
  passwordPolicy: { minimumLength: 14, requireSymbols: true, passwordHistorySize: 3 },
};
const triggersV2 = { postConfirmation: { defaultGroup: "users" }, preTokenGeneration: { groupClaims: { claim: "roles", map: { admins: ["admin"] } } } };
const optionsConfig = { ...base, triggers: triggersV2, deploy: { service: "rules-opt", stage: "ci", userPool: poolOptions } };
// logLevel warn: a level other than the default, so the logging controls are seen to follow the config on both paths.
const cffConfig = { ...existingPool, ...secrets, hotPath: "cloudfront-function", logLevel: "warn", headers: { "Permissions-Policy": "camera=()" } };

const SERVERLESS: Record<string, Record<string, unknown>> = {
  /** lambda-edge, an existing pool, one site. */
  existing: existingPool,
  /** A created pool for two sites, no triggers: the plan is never raised. */
  "sites-created": { ...base, sites: twoSites, deploy: { service: "rules-sites", stage: "ci", userPool: { domainPrefix: "rules-sites-ci" }, certificateArn: CERT } },
  /** A created pool with V2_0 triggers and every userPool option. */
  options: optionsConfig,
  /** cloudfront-function hot path, an existing pool, mergeOriginCsp. */
  "cloudfront-function": { ...cffConfig, mergeOriginCsp: true },
  /** cloudfront-function hot path with a created pool and V1_0 pre-token events. */
  "cloudfront-function-created": {
    ...base,
    hotPath: "cloudfront-function",
    triggers: triggersV2,
    deploy: { service: "rules-cff", stage: "ci", userPool: { domainPrefix: "rules-cff-ci", preTokenGenerationVersion: "V1_0" } },
  },
};

const poolIds = { userPoolId: "eu-west-1_FromOutput1", clientId: "clientfromoutputs", domain: "edgeauth-rules-opt.auth.eu-west-1.amazoncognito.com" };
const CDK: Record<string, CdkCase> = {
  existing: { config: { ...existingPool, ...secrets } as AuthConfigInput },
  "cloudfront-function": { config: cffConfig as AuthConfigInput },
  /** EdgeAuthUserPool with every option (its own stack, in eu-west-1) and EdgeAuth given its ids. */
  options: { config: { ...optionsConfig, jwks, ...secrets } as AuthConfigInput, poolIds },
  /** Two sites on a distribution of the user's own whose default behaviour allows POST. */
  "own-distribution-post": {
    config: { ...base, sites: twoSites.map((s, i) => ({ ...s, userPoolId: "eu-west-1_Abc123", clientId: `client${i}`, domain: "auth.example.com" })), jwks, ...secrets, deploy: { certificateArn: CERT } } as AuthConfigInput,
    ownDistribution: (stack) => {
      const origin = new origins.HttpOrigin("origin.example.com");
      const distribution = new cloudfront.Distribution(stack, "Mine", { defaultBehavior: { origin, allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL } });
      return { distribution, origin };
    },
  },
};

const deployments = new Map<string, Deployment>();
const work = mkdtempSync(join(tmpdir(), "edge-auth-rules-"));
const NAMES = [...Object.keys(SERVERLESS).map((n) => `serverless/${n}`), ...Object.keys(CDK).map((n) => `cdk/${n}`)];

beforeAll(() => {
  // One after the other: osls writes through <repo>/.serverless/ whatever --package says.
  for (const [name, config] of Object.entries(SERVERLESS)) deployments.set(`serverless/${name}`, serverlessDeployment(name, config));
  for (const [name, c] of Object.entries(CDK)) deployments.set(`cdk/${name}`, cdkDeployment(name, c, work));
}, 400_000);

const get = (name: string) => deployments.get(name)!;

describe.each(NAMES)("%s", (name) => {
  it.each(RULES.map((r) => [r.id, r] as const))("%s", (_id, rule) => {
    expect(rule.check(get(name)), `${rule.says} (${rule.doc})`).toEqual([]);
  });
});

describe("the matrix covers what the issue asks for", () => {
  it("both hot paths, both deploy paths, created and existing pools, one site and several, every userPool option, a user's distribution", () => {
    const all = [...deployments.values()];
    const has = (type: string) => (d: Deployment) => d.stacks.some((s) => Object.values(s.template.Resources).some((r) => r.Type === type));
    for (const path of ["serverless", "cdk"] as const) {
      const mine = all.filter((d) => d.path === path);
      expect(mine.filter(has("AWS::CloudFront::Function")).length, path).toBeGreaterThan(0);
      expect(mine.filter((d) => !has("AWS::CloudFront::Function")(d)).length, path).toBeGreaterThan(0);
      expect(mine.filter(has("AWS::Cognito::UserPool")).length, path).toBeGreaterThan(0);
      expect(mine.filter((d) => !has("AWS::Cognito::UserPool")(d)).length, path).toBeGreaterThan(0);
    }
    const withSites = (configs: Record<string, unknown>[]) => configs.filter((c) => Array.isArray(c.sites) && c.sites.length > 1).length;
    expect(withSites(Object.values(SERVERLESS))).toBeGreaterThan(0);
    expect(withSites(Object.values(CDK).map((c) => c.config as Record<string, unknown>))).toBeGreaterThan(0);
    expect(all.filter(has("AWS::Cognito::ManagedLoginBranding")).length).toBeGreaterThan(0);
  });
});

describe("Lambda's logging controls follow the config's logLevel", () => {
  const configOf = (name: string): Record<string, unknown> => {
    const [path, c] = name.split("/") as ["serverless" | "cdk", string];
    return path === "serverless" ? SERVERLESS[c]! : (CDK[c]!.config as Record<string, unknown>);
  };
  it.each(NAMES)("%s", (name) => {
    const fns = edgeFunctions(get(name));
    expect(fns.length).toBeGreaterThan(0);
    const want = edgeLoggingConfig((configOf(name).logLevel as LogLevel | undefined) ?? "info");
    for (const f of fns) expect(f.resource.Properties!.LoggingConfig, f.id).toEqual(want);
  });
  it("the matrix has a logLevel other than the default on both paths", () => {
    for (const path of ["serverless", "cdk"]) expect(NAMES.filter((n) => n.startsWith(`${path}/`) && configOf(n).logLevel === "warn").length, path).toBeGreaterThan(0);
  });
});

// ---- each rule fails on a template that breaks it -----------------------------------------------------------------

const clone = (d: Deployment): Deployment => ({ ...d, stacks: structuredClone(d.stacks), kvsImports: [...d.kvsImports] });
const resources = (d: Deployment, stack = 0) => d.stacks[stack]!.template.Resources;
const ofType = (d: Deployment, type: string, stack = 0): [string, Resource][] => Object.entries(resources(d, stack)).filter(([, r]) => r.Type === type);
const first = (d: Deployment, type: string, stack = 0): Json => ofType(d, type, stack)[0]![1].Properties!;
const dc = (d: Deployment): Json => first(d, "AWS::CloudFront::Distribution").DistributionConfig;
const pathBehaviour = (d: Deployment, path: string): Json => dc(d).CacheBehaviors.find((b: Json) => b.PathPattern === path);
/** The function behind the default behaviour's viewer-request association. */
const checkAuthFn = (d: Deployment): Json => {
  const version = dc(d).DefaultCacheBehavior.LambdaFunctionAssociations.find((a: Json) => a.EventType === "viewer-request").LambdaFunctionARN.Ref;
  return resources(d)[resources(d)[version]!.Properties!.FunctionName.Ref]!.Properties!;
};
const poolStack = (d: Deployment) => d.stacks.findIndex((s) => Object.values(s.template.Resources).some((r) => r.Type === "AWS::Cognito::UserPool"));

const MUTATIONS: [rule: string, base: string, how: string, mutate: (d: Deployment) => void][] = [
  ["lambda-edge-us-east-1", "serverless/existing", "the edge stack in eu-west-1", (d) => void (d.stacks[0]!.region = "eu-west-1")],
  ["lambda-edge-published-version", "serverless/existing", "an association naming the function, not a version", (d) => {
    const a = dc(d).DefaultCacheBehavior.LambdaFunctionAssociations[0];
    a.LambdaFunctionARN = { "Fn::GetAtt": [resources(d)[a.LambdaFunctionARN.Ref]!.Properties!.FunctionName.Ref, "Arn"] };
  }],
  ["lambda-edge-published-version", "cdk/existing", "an association naming $LATEST", (d) => void (dc(d).CacheBehaviors[0].LambdaFunctionAssociations[0].LambdaFunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST")],
  ["lambda-edge-no-environment", "serverless/existing", "an environment variable", (d) => void (checkAuthFn(d).Environment = { Variables: { A: "b" } })],
  ["lambda-edge-function-settings", "cdk/existing", "arm64", (d) => void (checkAuthFn(d).Architectures = ["arm64"])],
  ["lambda-edge-limits", "serverless/existing", "a 256 MB viewer function", (d) => void (checkAuthFn(d).MemorySize = 256)],
  ["lambda-edge-limits", "cdk/existing", "a 10 s viewer function", (d) => void (checkAuthFn(d).Timeout = 10)],
  ["lambda-edge-package-size", "serverless/existing", "a 2 MB package", (d) => void (d.codeBytes = () => 2 * 1024 * 1024)],
  ["cloudfront-function-runtime", "serverless/cloudfront-function", "cloudfront-js-1.0", (d) => void (first(d, "AWS::CloudFront::Function").FunctionConfig.Runtime = "cloudfront-js-1.0")],
  ["cloudfront-function-size", "cdk/cloudfront-function", "11 KB of code", (d) => void (first(d, "AWS::CloudFront::Function").FunctionCode = "x".repeat(11 * 1024))],
  ["cloudfront-function-one-kvs", "serverless/cloudfront-function", "two stores", (d) => {
    const kvs = first(d, "AWS::CloudFront::Function").FunctionConfig.KeyValueStoreAssociations;
    kvs.push(kvs[0]);
  }],
  ["cloudfront-function-event", "serverless/cloudfront-function", "a Lambda@Edge on the CloudFront Function's event", (d) => {
    const b = dc(d).DefaultCacheBehavior;
    b.LambdaFunctionAssociations = [...(b.LambdaFunctionAssociations ?? []), { EventType: "viewer-request", LambdaFunctionARN: pathBehaviour(d, "/auth/in").LambdaFunctionAssociations[0].LambdaFunctionARN }];
  }],
  ["kvs-import-format", "serverless/cloudfront-function", "a bare object instead of {data: [...]}", (d) => void (d.kvsImports = [JSON.stringify({ "session-key": "x" })])],
  ["kvs-import-format", "cdk/cloudfront-function", "a value over 1 KB", (d) => void (d.kvsImports = [JSON.stringify({ data: [{ key: "session-key", value: "x".repeat(1025) }] })])],
  ["auth-path-behaviours", "serverless/existing", "the refresh path cached", (d) => void (pathBehaviour(d, "/auth/refresh").CachePolicyId = "658327ea-f89d-4fab-a63d-7e88639e58f6")],
  ["auth-path-behaviours", "cdk/own-distribution-post", "no behaviour for the sign-in path", (d) => void (dc(d).CacheBehaviors = dc(d).CacheBehaviors.filter((b: Json) => b.PathPattern !== "/auth/in"))],
  ["oac-bucket-policy", "serverless/existing", "the bucket policy without AWS:SourceArn", (d) => void delete resources(d).SiteBucketPolicy!.Properties!.PolicyDocument.Statement[0].Condition],
  ["oac-bucket-policy", "cdk/existing", "an OAI beside OAC", (d) => void (dc(d).Origins[0].S3OriginConfig = { OriginAccessIdentity: "origin-access-identity/cloudfront/E1" })],
  ["cognito-trigger-permission", "serverless/options", "the permission's principal", (d) => {
    for (const [, p] of ofType(d, "AWS::Lambda::Permission", poolStack(d))) p.Properties!.Principal = "lambda.amazonaws.com";
  }],
  ["cognito-trigger-permission", "cdk/options", "no SourceArn", (d) => {
    for (const [, p] of ofType(d, "AWS::Lambda::Permission", poolStack(d))) delete p.Properties!.SourceArn;
  }],
  ["cognito-lambda-version-plan", "serverless/options", "V2_0 events on LITE", (d) => void (first(d, "AWS::Cognito::UserPool", poolStack(d)).UserPoolTier = "LITE")],
  ["cognito-managed-login-plan", "serverless/options", "managed login v2 on LITE", (d) => void (first(d, "AWS::Cognito::UserPool", poolStack(d)).UserPoolTier = "LITE")],
  ["csp-override-false", "serverless/cloudfront-function", "Override true", (d) => void (first(d, "AWS::CloudFront::ResponseHeadersPolicy").ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.Override = true)],
  ["methods-site", "serverless/existing", "no AllowedMethods (GET, HEAD only)", (d) => void delete dc(d).DefaultCacheBehavior.AllowedMethods],
  ["methods-site", "cdk/existing", "a method set CloudFront refuses", (d) => void (dc(d).DefaultCacheBehavior.AllowedMethods = ["GET", "HEAD", "OPTIONS", "POST"])],
  ["methods-auth-superset", "cdk/own-distribution-post", "the refresh path without POST", (d) => void (pathBehaviour(d, "/auth/refresh").AllowedMethods = ["GET", "HEAD", "OPTIONS"])],
  ["edge-log-groups", "serverless/existing", "osls's /aws/lambda/<function> group", (d) => {
    resources(d).CheckAuthLogGroup = { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: `/aws/lambda/${checkAuthFn(d).FunctionName}`, RetentionInDays: 30 } };
  }],
  ["edge-log-groups", "cdk/existing", "a retention on /aws/lambda/<function>", (d) => {
    const fnId = Object.entries(resources(d)).find(([, r]) => r.Properties === checkAuthFn(d))![0];
    resources(d).Dead = { Type: "Custom::LogRetention", Properties: { LogGroupName: { "Fn::Join": ["", ["/aws/lambda/", { Ref: fnId }]] }, RetentionInDays: 30 } };
  }],
  ["lambda-edge-logging-controls", "serverless/existing", "no LoggingConfig (START/END/REPORT written)", (d) => void delete checkAuthFn(d).LoggingConfig],
  ["lambda-edge-logging-controls", "cdk/existing", "SystemLogLevel INFO", (d) => void (checkAuthFn(d).LoggingConfig.SystemLogLevel = "INFO")],
  ["lambda-edge-logging-controls", "cdk/existing", "Text format", (d) => void (checkAuthFn(d).LoggingConfig.LogFormat = "Text")],
  ["lambda-edge-logging-controls", "serverless/cloudfront-function", "a custom LogGroup", (d) => {
    const fn = Object.values(resources(d)).find((r) => r.Type === "AWS::Lambda::Function" && r.Properties?.LoggingConfig)!;
    fn.Properties!.LoggingConfig.LogGroup = "/edge-auth";
  }],
  ["lambda-edge-logging-controls", "serverless/existing", "one function at another ApplicationLogLevel", (d) => void (checkAuthFn(d).LoggingConfig.ApplicationLogLevel = "DEBUG")],
];

describe("each rule fails on a template that breaks it", () => {
  it("has a mutation for every rule", () => {
    expect([...new Set(MUTATIONS.map(([rule]) => rule))].sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it.each(MUTATIONS)("%s on %s: %s", (ruleId, baseName, _how, mutate) => {
    const rule = RULES.find((r) => r.id === ruleId)!;
    const d = clone(get(baseName));
    expect(rule.check(d), "holds before the mutation").toEqual([]);
    mutate(d);
    expect(rule.check(d).length).toBeGreaterThan(0);
    // The original is untouched: the matrix above checks the real templates.
    expect(rule.check(get(baseName))).toEqual([]);
  });
});

// ---- one config, two deploy paths, one answer ----------------------------------------------------------------------

/** What a user asks of the pool and the headers, as each path's template says it. */
function contract(d: Deployment): Json {
  const all = d.stacks.flatMap((s) => Object.values(s.template.Resources));
  const one = (type: string): Json => all.find((r) => r.Type === type)?.Properties ?? {};
  const pool = one("AWS::Cognito::UserPool");
  const client = one("AWS::Cognito::UserPoolClient");
  const domain = one("AWS::Cognito::UserPoolDomain");
  const policy = one("AWS::CloudFront::ResponseHeadersPolicy").ResponseHeadersPolicyConfig ?? {};
  return {
    pool: {
      tier: pool.UserPoolTier ?? "ESSENTIALS",
      mfa: pool.MfaConfiguration ?? "OFF",
      mfas: pool.EnabledMfas ?? [],
      password: pool.Policies?.PasswordPolicy ?? {},
      firstFactors: pool.Policies?.SignInPolicy?.AllowedFirstAuthFactors ?? ["PASSWORD"],
      passkeys: { rp: pool.WebAuthnRelyingPartyID, uv: pool.WebAuthnUserVerification },
      preToken: pool.LambdaConfig?.PreTokenGenerationConfig?.LambdaVersion,
    },
    managedLogin: domain.ManagedLoginVersion ?? 1,
    branding: all.some((r) => r.Type === "AWS::Cognito::ManagedLoginBranding"),
    rotation: client.RefreshTokenRotation?.Feature ?? "DISABLED",
    headers: { security: policy.SecurityHeadersConfig, custom: policy.CustomHeadersConfig?.Items?.map((i: Json) => ({ ...i, Header: String(i.Header).toLowerCase() })) },
  };
}

describe("the Serverless and CDK templates of one config ask AWS for the same thing", () => {
  // cdk/cloudfront-function is serverless/cloudfront-function without mergeOriginCsp, which changes no policy.
  it.each([["options"], ["cloudfront-function"]])("%s: pool, client, domain and headers policy", (c) => {
    expect(contract(get(`cdk/${c}`))).toEqual(contract(get(`serverless/${c}`)));
  });
});

describe("violations()", () => {
  it("lists only the rules that have some, by id", () => {
    const d = clone(get("serverless/existing"));
    expect(violations(d)).toEqual({});
    delete dc(d).DefaultCacheBehavior.AllowedMethods;
    expect(Object.keys(violations(d))).toEqual(["methods-site"]);
  });
});
