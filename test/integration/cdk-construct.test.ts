/**
 * The CDK constructs on their templates (aws-cdk-lib/assertions): the functions of each hot path and where they are
 * attached, the private bucket with Origin Access Control, a distribution of the user's own, the created pool and
 * its client, and config mistakes failing synth with the field named. The bundles are the real build's; one build
 * serves every construct with the same config.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { EdgeAuth, EdgeAuthUserPool, configCreatesUserPool, poolIdsFromOutputs, siteHostsFromOutputs } from "../../cdk";
import type { AuthConfigInput } from "../../cdk";
import { resolveOrThrow } from "../../shared/config/load";
import { RESPONSE_HEADERS_POLICY_ID, hotPathParts } from "../../scripts/sls-hot-path";
import { DEFAULT_SECURITY_HEADERS } from "../../shared/config/types";

const root = resolve(__dirname, "../..");
const example = JSON.parse(readFileSync(join(root, "examples/cdk/auth.config.example.json"), "utf8")) as AuthConfigInput;
/** The runtime serverless.yml deploys the functions on: the CDK path must use the same one. */
const RUNTIME = /^\s+runtime:\s*(nodejs\S+)/m.exec(readFileSync(join(root, "serverless.yml"), "utf8"))![1];
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const work = mkdtempSync(join(tmpdir(), "edge-auth-cdk-test-"));

/** An existing pool's config with fixed secrets, so every construct built from it shares one build. */
const existing: AuthConfigInput = {
  ...example,
  $schema: undefined,
  paths: { callback: "/auth/callback", refresh: "/auth/refresh", signOut: "/auth/out", afterSignOut: "/bye", signIn: "/auth/in" },
  nonceSigningSecret: "n".repeat(43),
  session: { signingSecret: "s".repeat(43) },
};
const cff: AuthConfigInput = { ...existing, hotPath: "cloudfront-function", headers: { "permissions-policy": "camera=()" } };
const PATHS = { "sign-in": "/auth/in", "parse-auth": "/auth/callback", "refresh-auth": "/auth/refresh", "sign-out": "/auth/out" } as const;

// `any`: CloudFormation JSON from the template; the assertions check its shape.
type Json = Record<string, any>;

function stack(region = "us-east-1"): { app: App; stack: Stack } {
  const app = new App({ outdir: mkdtempSync(join(work, "out-")), builtinCloudFormationValidation: false });
  return { app, stack: new Stack(app, "Site", { env: { account: "123456789012", region } }) };
}

function synth(config: AuthConfigInput, region?: string): { template: Template; auth: EdgeAuth; app: App } {
  const s = stack(region);
  const auth = new EdgeAuth(s.stack, "EdgeAuth", { config, secretsFile: join(work, "secrets.json") });
  return { template: Template.fromStack(s.stack), auth, app: s.app };
}

const only = <T>(m: Record<string, T>): T => {
  const values = Object.values(m);
  expect(values).toHaveLength(1);
  return values[0]!;
};
/** The headers of the one response headers policy (SecurityHeadersConfig, CustomHeadersConfig). */
function policyHeadersOf(t: Template): Json {
  const { SecurityHeadersConfig, CustomHeadersConfig } = only(t.findResources("AWS::CloudFront::ResponseHeadersPolicy")).Properties.ResponseHeadersPolicyConfig;
  return { SecurityHeadersConfig, ...(CustomHeadersConfig ? { CustomHeadersConfig } : {}) };
}
/** The same headers as the Serverless edge stack has them (scripts/sls-hot-path.ts, over stand-in build files). */
function serverlessPolicy(config: AuthConfigInput): Json {
  const resolved = resolveOrThrow(config, "test", { jwks: { keys: [] }, nonceSigningSecret: "x".repeat(32), sessionSigningSecret: "x".repeat(43), errorPages: {} }, () => undefined);
  const fake = mkdtempSync(join(work, "sls-"));
  mkdirSync(join(fake, "dist", "check-auth-function"), { recursive: true });
  for (const f of ["index.js", "kvs.json"]) writeFileSync(join(fake, "dist", "check-auth-function", f), "{}");
  const parts = hotPathParts(fake, "dist", resolved.edge, resolved.deploy, "SitePolicy");
  const { SecurityHeadersConfig, CustomHeadersConfig } = (parts.resources[RESPONSE_HEADERS_POLICY_ID] as Json).Properties.ResponseHeadersPolicyConfig;
  return { SecurityHeadersConfig, ...(CustomHeadersConfig ? { CustomHeadersConfig } : {}) };
}
const distributionConfig = (t: Template): Json => only(t.findResources("AWS::CloudFront::Distribution")).Properties.DistributionConfig;
/** The logical id of the published version of an edge function, by its construct id (`CheckAuth`, ...). */
const versionOf = (t: Template, id: string): string => {
  const ids = Object.keys(t.findResources("AWS::Lambda::Version")).filter((k) => k.startsWith(`EdgeAuth${id}FnCurrentVersion`));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

/** The Lambda@Edge functions of a template: every Lambda function but CDK's LogRetention provider. */
const edgeLambdas = (t: Template): Record<string, Json> => Object.fromEntries(Object.entries(t.findResources("AWS::Lambda::Function")).filter(([id]) => !id.startsWith("LogRetention")));

describe("EdgeAuth, lambda-edge hot path, created bucket and distribution", () => {
  const { template: t } = synth(existing);

  it("creates the catalogue's Lambda@Edge functions within Lambda@Edge's limits, trusted by edgelambda", () => {
    const fns = edgeLambdas(t);
    expect(Object.keys(fns).map((k) => k.replace(/Fn[0-9A-F]{8}$/, "")).sort()).toEqual(
      ["CheckAuth", "HttpHeaders", "ParseAuth", "RefreshAuth", "SignIn", "SignOut"].map((n) => `EdgeAuth${n}`),
    );
    for (const fn of Object.values(fns)) {
      expect(fn.Properties).toMatchObject({ Runtime: RUNTIME, MemorySize: 128, Timeout: 5, Handler: "index.handler", Architectures: ["x86_64"] });
      expect(fn.Properties.Environment).toBeUndefined();
    }
    for (const [id, role] of Object.entries(t.findResources("AWS::IAM::Role")).filter(([id]) => !id.startsWith("LogRetention")))
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument), id).toContain("edgelambda.amazonaws.com");
  });

  it("sets the retention of each function's /aws/lambda/us-east-1.<function> log group in every edge cache region, and makes no /aws/lambda/<function> group", () => {
    const retention = Object.values(t.findResources("Custom::LogRetention")).map((r) => r.Properties);
    const regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-south-1", "ap-southeast-2", "sa-east-1"];
    expect(retention).toHaveLength(6 * regions.length);
    for (const id of Object.keys(edgeLambdas(t))) {
      const mine = retention.filter((r) => JSON.stringify(r.LogGroupName) === JSON.stringify({ "Fn::Join": ["", ["/aws/lambda/us-east-1.", { Ref: id }]] }));
      expect(mine.map((r) => r.LogGroupRegion).sort(), id).toEqual([...regions].sort());
      for (const r of mine) expect(r.RetentionInDays).toBe(30);
    }
    t.resourceCountIs("AWS::Logs::LogGroup", 0);
  });

  it("puts check-auth (viewer request) and http-headers (origin response) on the default behaviour, one behaviour per auth path", () => {
    const dc = distributionConfig(t);
    expect(dc.DefaultCacheBehavior.LambdaFunctionAssociations).toEqual([
      { EventType: "viewer-request", LambdaFunctionARN: { Ref: versionOf(t, "CheckAuth") } },
      { EventType: "origin-response", LambdaFunctionARN: { Ref: versionOf(t, "HttpHeaders") } },
    ]);
    expect(dc.DefaultCacheBehavior.FunctionAssociations).toBeUndefined();
    expect(dc.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    const behaviours = Object.fromEntries((dc.CacheBehaviors as Json[]).map((b) => [b.PathPattern, b]));
    expect(Object.keys(behaviours).sort()).toEqual(Object.values(PATHS).sort());
    for (const [id, path] of [["SignIn", PATHS["sign-in"]], ["ParseAuth", PATHS["parse-auth"]], ["RefreshAuth", PATHS["refresh-auth"]], ["SignOut", PATHS["sign-out"]]] as const) {
      expect(behaviours[path]!.LambdaFunctionAssociations).toEqual([{ EventType: "viewer-request", LambdaFunctionARN: { Ref: versionOf(t, id) } }]);
      expect(behaviours[path]).toMatchObject({ CachePolicyId: CACHING_DISABLED, ViewerProtocolPolicy: "redirect-to-https" });
      expect(behaviours[path]!.ResponseHeadersPolicyId).toBeUndefined();
    }
    expect(dc).toMatchObject({ DefaultRootObject: "index.html", HttpVersion: "http2and3", IPV6Enabled: true, PriceClass: "PriceClass_100" });
    t.resourceCountIs("AWS::CloudFront::Function", 0);
    t.resourceCountIs("AWS::CloudFront::ResponseHeadersPolicy", 0);
  });

  it("keeps the bucket private: Block Public Access, SSE-S3, HTTPS only, read by this distribution through OAC", () => {
    t.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
    });
    t.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Retain" });
    t.hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: { OriginAccessControlOriginType: "s3", SigningBehavior: "always", SigningProtocol: "sigv4" },
    });
    const [origin] = distributionConfig(t).Origins as Json[];
    expect(origin!.OriginAccessControlId["Fn::GetAtt"][0]).toMatch(/OriginAccessControl/);
    expect(origin!.S3OriginConfig).toEqual({ OriginAccessIdentity: "" });
    const statements = only(t.findResources("AWS::S3::BucketPolicy")).Properties.PolicyDocument.Statement as Json[];
    const allow = statements.filter((s) => s.Effect === "Allow");
    expect(allow).toHaveLength(1);
    expect(allow[0]).toMatchObject({ Action: "s3:GetObject", Principal: { Service: "cloudfront.amazonaws.com" } });
    const distributionId = Object.keys(t.findResources("AWS::CloudFront::Distribution"))[0]!;
    expect(JSON.stringify(allow[0]!.Condition.StringEquals["AWS:SourceArn"])).toContain(`":distribution/",{"Ref":"${distributionId}"}`);
    expect(statements.find((s) => s.Effect === "Deny")).toMatchObject({ Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("caches the site's files 5 minutes by default, with nothing of the request in the key", () => {
    t.hasResourceProperties("AWS::CloudFront::CachePolicy", {
      CachePolicyConfig: Match.objectLike({
        DefaultTTL: 300,
        MinTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          CookiesConfig: { CookieBehavior: "none" },
          HeadersConfig: { HeaderBehavior: "none" },
          QueryStringsConfig: { QueryStringBehavior: "none" },
        }),
      }),
    });
  });

  it("outputs the site URL, the distribution's domain and the bucket", () => {
    const outputs = Object.keys(t.findOutputs("*"));
    for (const o of ["SiteUrl", "DistributionDomainName", "DistributionId", "SiteBucketName"]) expect(outputs.some((k) => k.startsWith(`EdgeAuth${o}`))).toBe(true);
  });
});

describe("EdgeAuth, cloudfront-function hot path", () => {
  const { template: t, auth } = synth(cff);

  it("runs the built CloudFront Function (cloudfront-js-2.0) on viewer requests, with its key value store", () => {
    const fn = only(t.findResources("AWS::CloudFront::Function")).Properties;
    expect(fn.FunctionConfig.Runtime).toBe("cloudfront-js-2.0");
    expect(fn.AutoPublish).toBe(true);
    expect(fn.FunctionCode).toContain("import cf from 'cloudfront'");
    expect(fn.FunctionCode).toContain(existing.clientId as string);
    const kvsId = Object.keys(t.findResources("AWS::CloudFront::KeyValueStore"))[0]!;
    expect(fn.FunctionConfig.KeyValueStoreAssociations).toEqual([{ KeyValueStoreARN: { "Fn::GetAtt": [kvsId, "Arn"] } }]);
    // The key is imported from the build's kvs.json (an asset), never written into the template.
    const kvs = only(t.findResources("AWS::CloudFront::KeyValueStore")).Properties;
    expect(kvs.ImportSource.SourceType).toBe("S3");
    expect(JSON.stringify(t.toJSON())).not.toContain("s".repeat(43));
    const dc = distributionConfig(t);
    const fnId = Object.keys(t.findResources("AWS::CloudFront::Function"))[0]!;
    expect(dc.DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: "viewer-request", FunctionARN: { "Fn::GetAtt": [fnId, "FunctionARN"] } }]);
    expect(dc.DefaultCacheBehavior.LambdaFunctionAssociations).toBeUndefined();
    expect(auth.edgeFunctions["check-auth"]).toBeUndefined();
    expect(auth.edgeFunctions["http-headers"]).toBeUndefined();
  });

  it("keeps Lambda@Edge on the auth paths, and puts the security headers policy on every behaviour", () => {
    const dc = distributionConfig(t);
    const policyId = Object.keys(t.findResources("AWS::CloudFront::ResponseHeadersPolicy"))[0]!;
    const ref = { Ref: policyId };
    expect(dc.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(ref);
    expect((dc.CacheBehaviors as Json[]).map((b) => b.PathPattern).sort()).toEqual(Object.values(PATHS).sort());
    for (const b of dc.CacheBehaviors as Json[]) {
      expect(b.ResponseHeadersPolicyId).toEqual(ref);
      expect(b.LambdaFunctionAssociations).toHaveLength(1);
    }
    // The same policy as the Serverless stack's, which keeps the site's own Content-Security-Policy (Override false).
    expect(policyHeadersOf(t)).toEqual(serverlessPolicy(cff));
    expect(policyHeadersOf(t)).toEqual({
      SecurityHeadersConfig: {
        StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: false, Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: "DENY", Override: true },
        ContentSecurityPolicy: { ContentSecurityPolicy: "frame-ancestors 'none'", Override: false },
        ReferrerPolicy: { ReferrerPolicy: "strict-origin-when-cross-origin", Override: true },
      },
      CustomHeadersConfig: { Items: [{ Header: "Permissions-Policy", Value: "camera=()", Override: true }] },
    });
  });

  it.each<[string, Record<string, string>]>([
    ["a CSP of the config's, HSTS with preload, an XSS setting and a custom header", { "Content-Security-Policy": "default-src 'self'", "Strict-Transport-Security": "max-age=300; preload", "X-XSS-Protection": "1; mode=block", "X-Custom": "a" }],
    ["CSP and X-Frame-Options dropped", { "content-security-policy": "false", "x-frame-options": "false" }],
  ])("builds the Serverless stack's policy for %s", (_name, headers) => {
    const config = { ...cff, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === "false" ? false : v])) };
    expect(policyHeadersOf(synth(config).template)).toEqual(serverlessPolicy(config));
  });

  it("makes no response headers policy when every header is turned off, as the Serverless stack", () => {
    const off = Object.fromEntries(Object.keys(DEFAULT_SECURITY_HEADERS).map((k) => [k, false]));
    const { template } = synth({ ...cff, headers: off });
    template.resourceCountIs("AWS::CloudFront::ResponseHeadersPolicy", 0);
  });

  it("adds http-headers on origin responses only with mergeOriginCsp, whose merged CSP the policy then keeps", () => {
    const { template } = synth({ ...cff, mergeOriginCsp: true });
    expect(policyHeadersOf(template)).toEqual(serverlessPolicy({ ...cff, mergeOriginCsp: true }));
    expect(policyHeadersOf(template).SecurityHeadersConfig.ContentSecurityPolicy.Override).toBe(false);
    const dc = distributionConfig(template);
    expect(dc.DefaultCacheBehavior.LambdaFunctionAssociations).toEqual([{ EventType: "origin-response", LambdaFunctionARN: { Ref: versionOf(template, "HttpHeaders") } }]);
    expect(dc.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
  });

  it("refuses a header a response headers policy cannot set, naming it", () => {
    expect(() => synth({ ...cff, headers: { "X-Frame-Options": "ALLOW-FROM https://x.example" } })).toThrow(/headers\.x-frame-options: must be "DENY" or "SAMEORIGIN"/);
  });
});

describe("EdgeAuth on a distribution of the user's", () => {
  function userStack(defaultBehavior: Partial<cloudfront.BehaviorOptions> = {}) {
    const s = stack();
    const origin = new origins.HttpOrigin("origin.example.com");
    const distribution = new cloudfront.Distribution(s.stack, "Mine", { defaultBehavior: { origin, ...defaultBehavior } });
    return { ...s, origin, distribution };
  }

  it("attaches the viewer check and the auth paths, and creates no bucket or distribution of its own", () => {
    const { stack: st, origin, distribution } = userStack();
    new EdgeAuth(st, "EdgeAuth", { config: existing, distribution, origin, secretsFile: join(work, "secrets.json") });
    const t = Template.fromStack(st);
    t.resourceCountIs("AWS::CloudFront::Distribution", 1);
    t.resourceCountIs("AWS::S3::Bucket", 0);
    const dc = distributionConfig(t);
    expect(dc.Origins).toHaveLength(1);
    expect(dc.Origins[0].DomainName).toBe("origin.example.com");
    expect(dc.DefaultCacheBehavior.LambdaFunctionAssociations).toEqual([
      { EventType: "viewer-request", LambdaFunctionARN: { Ref: versionOf(t, "CheckAuth") } },
      { EventType: "origin-response", LambdaFunctionARN: { Ref: versionOf(t, "HttpHeaders") } },
    ]);
    expect((dc.CacheBehaviors as Json[]).map((b) => [b.PathPattern, b.TargetOriginId === dc.DefaultCacheBehavior.TargetOriginId])).toEqual(
      expect.arrayContaining(Object.values(PATHS).map((p) => [p, true])),
    );
  });

  it.each([
    ["GET, HEAD (CloudFront's default)", undefined, ["GET", "HEAD", "OPTIONS"]],
    ["GET, HEAD, OPTIONS", cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS, ["GET", "HEAD", "OPTIONS"]],
    ["every method", cloudfront.AllowedMethods.ALLOW_ALL, ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]],
  ] as const)("lets preflights reach the check, and the auth paths take what the default behaviour allows: %s", (_, allowedMethods, expected) => {
    const { stack: st, origin, distribution } = userStack(allowedMethods ? { allowedMethods } : {});
    new EdgeAuth(st, "EdgeAuth", { config: existing, distribution, origin, secretsFile: join(work, "secrets.json") });
    const dc = distributionConfig(Template.fromStack(st));
    expect([...dc.DefaultCacheBehavior.AllowedMethods].sort()).toEqual([...expected].sort());
    for (const b of dc.CacheBehaviors as Json[]) expect([...b.AllowedMethods].sort(), b.PathPattern).toEqual([...expected].sort());
  });

  it("attaches the CloudFront Function and the headers policy", () => {
    const { stack: st, origin, distribution } = userStack();
    new EdgeAuth(st, "EdgeAuth", { config: cff, distribution, origin, secretsFile: join(work, "secrets.json") });
    const t = Template.fromStack(st);
    const dc = distributionConfig(t);
    expect(dc.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1);
    expect(dc.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: Object.keys(t.findResources("AWS::CloudFront::ResponseHeadersPolicy"))[0] });
  });

  it("refuses a default behaviour that already has a viewer-request function, and a distribution without its origin", () => {
    const s = userStack();
    const mine = new cloudfront.Function(s.stack, "MineFn", { code: cloudfront.FunctionCode.fromInline("function handler(e) { return e.request; }"), runtime: cloudfront.FunctionRuntime.JS_2_0 });
    const taken = userStack({ functionAssociations: [{ function: mine, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }] });
    expect(() => new EdgeAuth(taken.stack, "EdgeAuth", { config: cff, distribution: taken.distribution, origin: taken.origin, secretsFile: join(work, "secrets.json") })).toThrow(
      /default behaviour already has a viewer-request function/,
    );
    expect(() => new EdgeAuth(s.stack, "EdgeAuth", { config: existing, distribution: s.distribution })).toThrow(/`origin` is required with `distribution`/);
  });
});

describe("EdgeAuth's config at synth", () => {
  it.each([
    [{ ...existing, rule: [] }, /rule: unknown key; did you mean "rules"\?/],
    [{ ...existing, region: "us-east-1" }, /region: is us-east-1, but userPoolId eu-west-1_ExAmPle12 is a pool in eu-west-1/],
    [{ ...existing, paths: { callback: "parseauth" } }, /paths\.callback: must be a path starting with "\/"/],
    [{ ...existing, hotPath: "edge" }, /hotPath: /],
  ])("fails synth naming the field (%#)", (config, message) => {
    expect(() => synth(config as AuthConfigInput)).toThrow(message);
  });

  it("reads a config file, with errors naming the file", () => {
    const file = join(work, "auth.config.json");
    writeFileSync(file, "{\n  \"region\": \"eu-west-1\",\n}\n");
    expect(() => new EdgeAuth(stack().stack, "EdgeAuth", { config: file })).toThrow(new RegExp(`config file ${file} is not valid JSON: .* line 3`));
  });

  it("says how to get the ids when the config creates its pool, and refuses tokens as ids", () => {
    const creates = { region: "eu-west-1", deploy: { userPool: { domainPrefix: "edge-auth-test" } } };
    expect(configCreatesUserPool(creates)).toBe(true);
    expect(configCreatesUserPool(existing)).toBe(false);
    expect(() => synth(creates)).toThrow(/userPoolId: is required: this config creates its user pool .* EdgeAuthUserPool/);
    const s = stack("eu-west-1");
    const pool = new EdgeAuthUserPool(s.stack, "Pool", { config: creates });
    expect(
      () =>
        new EdgeAuth(s.stack, "EdgeAuth", {
          config: creates,
          userPool: { userPoolId: pool.userPool.userPoolId, clientId: pool.userPoolClient.userPoolClientId, domain: pool.hostedUiDomain },
        }),
    ).toThrow(/userPool\.userPoolId is a token .* baked into their code/);
  });

  it("bakes ids given as userPool into the bundles, over a config that creates its pool", () => {
    const s = stack();
    const auth = new EdgeAuth(s.stack, "EdgeAuth", {
      config: { region: "eu-west-1", jwks: example.jwks, nonceSigningSecret: "n".repeat(43), deploy: { userPool: { domainPrefix: "edge-auth-test" } } },
      userPool: { userPoolId: "eu-west-1_FromOutput1", clientId: "clientfromoutputs", domain: "edge-auth-test.auth.eu-west-1.amazoncognito.com" },
      secretsFile: join(work, "secrets.json"),
    });
    expect(auth.config).toMatchObject({ userPoolId: "eu-west-1_FromOutput1", clientId: "clientfromoutputs", issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_FromOutput1" });
    const checkAuth = only(Template.fromStack(s.stack).findResources("AWS::Lambda::Function", { Properties: { Description: Match.stringLikeRegexp("^Verifies") } }));
    const code = readFileSync(join(s.app.outdir, `asset.${String(checkAuth.Properties.Code.S3Key).replace(/\.zip$/, "")}`, "index.js"), "utf8");
    expect(code).toContain("clientfromoutputs");
    expect(code).toContain("edge-auth-test.auth.eu-west-1.amazoncognito.com");
  });

  it("keeps generated secrets in the secrets file, so a second synth builds the same bundles", () => {
    const file = join(work, "kept", "secrets.json");
    const noSecrets = Object.fromEntries(Object.entries(existing).filter(([k]) => k !== "nonceSigningSecret" && k !== "session"));
    const code = (t: Template) => Object.keys(t.findResources("AWS::Lambda::Version")).sort();
    const a = new EdgeAuth(stack().stack, "EdgeAuth", { config: noSecrets, secretsFile: file });
    const b = new EdgeAuth(stack().stack, "EdgeAuth", { config: noSecrets, secretsFile: file });
    expect(existsSync(file)).toBe(true);
    const kept = JSON.parse(readFileSync(file, "utf8")) as { nonceSigningSecret: string; sessionSigningSecret: string };
    expect(kept.nonceSigningSecret).toMatch(/^[\w-]{43}$/);
    expect(a.config.nonceSigningSecret).toBe(kept.nonceSigningSecret);
    expect(b.config.session.signingSecret).toBe(kept.sessionSigningSecret);
    expect(code(Template.fromStack(Stack.of(a)))).toEqual(code(Template.fromStack(Stack.of(b))));
  });

  it("serves many sites from one distribution: their hosts as aliases under one certificate, which it asks for", () => {
    const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
    const { clientId: _c, ...shared } = existing;
    const sites = { ...shared, sites: [{ hosts: ["docs.example.com"], clientId: "clientdocs" }, { hosts: ["shop.example.com"], clientId: "clientshop" }] };
    expect(() => synth(sites)).toThrow(/deploy\.certificateArn: is required: the sites' host names \(docs\.example\.com, shop\.example\.com\)/);
    const { template } = synth({ ...sites, deploy: { certificateArn: CERT } });
    expect(distributionConfig(template)).toMatchObject({ Aliases: ["docs.example.com", "shop.example.com"], ViewerCertificate: { AcmCertificateArn: CERT, SslSupportMethod: "sni-only" } });
    // A client each: one EdgeAuthUserPool (or userPool ids) stands for one client, so it says how to do it.
    expect(() => new EdgeAuthUserPool(stack("eu-west-1").stack, "Pool", { config: { region: "eu-west-1", sites: [{ hosts: ["a.example.com"] }] } })).toThrow(/sites: each site needs an app client of its own/);
    expect(() => new EdgeAuth(stack().stack, "EdgeAuth", { config: sites, userPool: { userPoolId: "eu-west-1_AbC123", clientId: "x", domain: "auth.example.com" } })).toThrow(/sites: each site needs an app client of its own/);
  });

  it("needs an explicit region (Lambda@Edge lives in us-east-1)", () => {
    const app = new App({ outdir: mkdtempSync(join(work, "out-")), builtinCloudFormationValidation: false });
    expect(() => new EdgeAuth(new Stack(app, "NoEnv"), "EdgeAuth", { config: existing })).toThrow(/needs an explicit region/);
  });
});

describe("cross-region: a site stack outside us-east-1", () => {
  const { template: t, app } = synth(existing, "eu-west-1");

  it("puts the Lambda@Edge functions in a us-east-1 stack and reads their versions back", () => {
    const edgeStacks = app.node.children.filter((c): c is Stack => c instanceof Stack && c.region === "us-east-1");
    expect(edgeStacks).toHaveLength(1);
    expect(Object.keys(edgeLambdas(Template.fromStack(edgeStacks[0]!)))).toHaveLength(6);
    // The log retention lives beside the functions, in the us-east-1 stack.
    Template.fromStack(edgeStacks[0]!).resourceCountIs("Custom::LogRetention", 6 * 13);
    t.resourceCountIs("Custom::LogRetention", 0);
    Template.fromStack(edgeStacks[0]!).resourceCountIs("AWS::SSM::Parameter", 6);
    t.resourceCountIs("Custom::CrossRegionStringParameterReader", 6);
    t.resourceCountIs("AWS::S3::Bucket", 1);
    expect(distributionConfig(t).DefaultCacheBehavior.LambdaFunctionAssociations[0].LambdaFunctionARN["Fn::GetAtt"][1]).toBe("FunctionArn");
  });
});

describe("EdgeAuthUserPool", () => {
  const config: AuthConfigInput = {
    region: "eu-west-1",
    paths: { callback: "/auth/callback", afterSignOut: "/bye" },
    rules: [{ path: "/admin/*", groups: ["admins"] }, { path: "/edit/*", groups: ["editors", "admins"] }],
    triggers: { postConfirmation: { defaultGroup: "users" }, preTokenGeneration: { groupClaims: { claim: "roles", map: { admins: ["admin"] } } } },
    deploy: { service: "edgeauth-test", stage: "ci", userPool: { domainPrefix: "edgeauth-test-ci" }, aliases: ["www.example.com"], certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012" },
  };
  const s = stack("eu-west-1");
  Validations.of(s.app).addPlugins(new AwsSolutionsChecks(s.app));
  const pool = new EdgeAuthUserPool(s.stack, "Pool", { config, siteHosts: ["d111111abcdef8.cloudfront.net"] });
  const t = Template.fromStack(s.stack);

  it("raises no unacknowledged cdk-nag AwsSolutions finding, and passes cfn-lint", () => {
    // Template.fromStack synthesized the app with the AwsSolutions pack registered: a finding would have thrown.
    const file = join(work, "pool.template.json");
    writeFileSync(file, JSON.stringify(t.toJSON()));
    const res = spawnSync("cfn-lint", ["--format", "parseable", file], { encoding: "utf8" });
    if (res.error) throw new Error(`cfn-lint is not installed (pip install cfn-lint): ${res.error.message}`);
    expect((res.status ?? 2) & 2, res.stdout).toBe(0);
  });

  it("keeps the triggers' logs as long as serverless.pool.yml does (logRetentionInDays)", () => {
    const days = Number(/^\s*logRetentionInDays:\s*(\d+)/m.exec(readFileSync(join(root, "serverless.pool.yml"), "utf8"))![1]);
    const retention = Object.values(t.findResources("Custom::LogRetention")).map((r) => (r as { Properties: { RetentionInDays: number } }).Properties.RetentionInDays);
    expect(retention).toEqual([days, days]);
  });

  it("creates the pool: e-mail sign-in, 12-character passwords, deletion protection, managed login v2 on Essentials", () => {
    t.hasResource("AWS::Cognito::UserPool", { DeletionPolicy: "Retain" });
    t.hasResourceProperties("AWS::Cognito::UserPool", {
      UsernameAttributes: ["email"],
      AutoVerifiedAttributes: ["email"],
      UsernameConfiguration: { CaseSensitive: false },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: false }) },
      UserPoolTier: "ESSENTIALS",
      DeletionProtection: "ACTIVE",
    });
    t.hasResourceProperties("AWS::Cognito::UserPoolDomain", { Domain: "edgeauth-test-ci", ManagedLoginVersion: 2 });
    expect(pool.hostedUiDomain).toBe("edgeauth-test-ci.auth.eu-west-1.amazoncognito.com");
  });

  it("creates a code-grant client with the scopes, callback and sign-out URLs for every host, and revocation", () => {
    t.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      ClientName: "edgeauth-test-ci-edge",
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email", "profile"],
      CallbackURLs: ["https://www.example.com/auth/callback", "https://d111111abcdef8.cloudfront.net/auth/callback"],
      LogoutURLs: ["https://www.example.com/bye", "https://d111111abcdef8.cloudfront.net/bye"],
      SupportedIdentityProviders: ["COGNITO"],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: "ENABLED",
      ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
    });
  });

  it("creates the groups of the rules and the default group", () => {
    const names = Object.values(t.findResources("AWS::Cognito::UserPoolGroup")).map((g) => g.Properties.GroupName).sort();
    expect(names).toEqual(["admins", "editors", "users"]);
  });

  it("wires both triggers with invoke permissions, V2_0 events, and a pool-scoped AdminAddUserToGroup", () => {
    const lambdaConfig = only(t.findResources("AWS::Cognito::UserPool")).Properties.LambdaConfig;
    expect(lambdaConfig.PreTokenGenerationConfig.LambdaVersion).toBe("V2_0");
    expect(lambdaConfig.PostConfirmation).toBeDefined();
    const perms = Object.values(t.findResources("AWS::Lambda::Permission")).map((p) => p.Properties);
    expect(perms).toHaveLength(2);
    for (const p of perms) expect(p).toMatchObject({ Principal: "cognito-idp.amazonaws.com", Action: "lambda:InvokeFunction" });
    const poolId = Object.keys(t.findResources("AWS::Cognito::UserPool"))[0]!;
    // The triggers' own (CDK's LogRetention provider, which sets their log retention, has its role and function).
    const ours = (type: string) => Object.entries(t.findResources(type)).filter(([id]) => !id.startsWith("LogRetention")).map(([, r]) => r);
    const statements = ours("AWS::IAM::Policy").flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
    expect(statements).toEqual([{ Effect: "Allow", Action: "cognito-idp:AdminAddUserToGroup", Resource: { "Fn::GetAtt": [poolId, "Arn"] } }]);
    const functions = ours("AWS::Lambda::Function");
    expect(functions).toHaveLength(2);
    for (const fn of functions) expect(fn.Properties).toMatchObject({ Runtime: RUNTIME, Timeout: 5 });
  });

  it("outputs the ids EdgeAuth needs, which poolIdsFromOutputs reads back from `cdk deploy --outputs-file`", () => {
    const outputs = t.findOutputs("*");
    expect(Object.keys(outputs).sort()).toEqual(["EdgeAuthHostedUiDomain", "EdgeAuthUserPoolClientId", "EdgeAuthUserPoolId"]);
    const file = join(work, "cdk-outputs.json");
    expect(poolIdsFromOutputs(file, "EdgeAuthPool")).toBeUndefined();
    writeFileSync(
      file,
      JSON.stringify({
        EdgeAuthPool: { EdgeAuthUserPoolId: "eu-west-1_Abc", EdgeAuthUserPoolClientId: "cid", EdgeAuthHostedUiDomain: "p.auth.eu-west-1.amazoncognito.com" },
        EdgeAuthSite: { EdgeAuthDistributionDomainNameA1B2C3D4: "d1.cloudfront.net", EdgeAuthSiteUrl12345678: "https://d1.cloudfront.net" },
      }),
    );
    expect(poolIdsFromOutputs(file, "EdgeAuthPool")).toEqual({ userPoolId: "eu-west-1_Abc", clientId: "cid", domain: "p.auth.eu-west-1.amazoncognito.com" });
    expect(siteHostsFromOutputs(file, "EdgeAuthSite")).toEqual(["d1.cloudfront.net"]);
  });

  it("refuses a config that names an existing pool, and a stack in another region than the pool's", () => {
    expect(() => new EdgeAuthUserPool(stack().stack, "Pool", { config: existing })).toThrow(/deploy\.createUserPool: is false/);
    expect(() => new EdgeAuthUserPool(stack("us-east-1").stack, "Pool", { config })).toThrow(/region: is eu-west-1, but EdgeAuthUserPool .* is in a stack in us-east-1/);
  });
});
