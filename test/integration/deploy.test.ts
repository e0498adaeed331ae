/**
 * Runs `npm run package` (build + `sls package`, offline, no AWS credentials) for the kinds of config — one that
 * creates a user pool and one that uses an existing pool (hot path lambda-edge), and the CloudFront Function hot
 * path without and with `mergeOriginCsp` — and checks the CloudFormation templates against Lambda@Edge's limits
 * and the requirements, then runs cfn-lint on every template.
 */
import { spawnSync } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { inflateRawSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { withOslsLockSync } from "../helpers/osls-lock";

const root = resolve(__dirname, "../..");
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:edge-auth-alerts";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const EDGE = { checkAuth: "check-auth", httpHeaders: "http-headers", parseAuth: "parse-auth", refreshAuth: "refresh-auth", signOut: "sign-out", signIn: "sign-in" };
type EdgeKey = keyof typeof EDGE;
const ON_PATHS: EdgeKey[] = ["parseAuth", "refreshAuth", "signOut", "signIn"];

// `any`: templates are untyped CloudFormation JSON; the assertions below check the shapes.
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };

function jwks() {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { keys: [{ ...publicKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" }] };
}

const base = {
  region: "eu-west-1",
  paths: { callback: "/auth/callback", refresh: "/auth/refresh", signOut: "/auth/out", afterSignOut: "/bye", signIn: "/auth/in" },
  publicPaths: ["/public/*"],
  rules: [
    { path: "/admin/*", groups: ["admins"] },
    { path: "/edit/*", groups: ["editors", "admins"] },
  ],
};

const existingPool = { ...base, userPoolId: "eu-west-1_Abc123", clientId: "clientid123", domain: "auth.example.com", jwks: jwks() };
const cases = {
  create: {
    ...base,
    triggers: { postConfirmation: { defaultGroup: "users" }, preTokenGeneration: { groupClaims: { claim: "roles", map: { admins: ["admin"] } } } },
    deploy: { service: "edgeauth-test", stage: "ci", userPool: { domainPrefix: "edgeauth-test-ci" }, aliases: ["www.example.com"], certificateArn: CERT },
  },
  existing: existingPool,
  /** Every pool option and the observability keys at once. */
  options: {
    ...base,
    deploy: {
      service: "edgeauth-opt",
      stage: "ci",
      userPool: {
        domainPrefix: "edgeauth-opt-ci",
        branding: { settings: { categories: { global: { colorSchemeMode: "DARK" } } } },
        refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 20 },
        passkeys: { enabled: true, relyingPartyId: "edgeauth-opt-ci.auth.eu-west-1.amazoncognito.com", userVerification: "required" },
        mfa: "on",
        mfaMethods: ["totp", "sms"],
        passwordPolicy: { minimumLength: 14, requireSymbols: true, passwordHistorySize: 3 },
      },
      alarms: { snsTopicArn: TOPIC, rejectionsPerMinute: 50, unavailablePerMinute: 2 },
      dashboard: { regions: ["us-east-1", "eu-west-1"] },
    },
  },
  /** Two sites from one deployment, with a pool created for them: a client each. */
  sites: {
    ...base,
    sites: [
      { hosts: ["docs.example.com", "*.docs.example.com"] },
      { hosts: ["shop.example.com"], rules: [{ path: "/staff/*", groups: ["staff"] }], paths: { afterSignOut: "/shop-bye" } },
    ],
    deploy: { service: "edgeauth-sites", stage: "ci", userPool: { domainPrefix: "edgeauth-sites-ci" }, certificateArn: CERT },
  },
  "cloudfront-function": { ...existingPool, hotPath: "cloudfront-function", headers: { "Permissions-Policy": "camera=()" } },
  "cloudfront-function-merge": { ...existingPool, hotPath: "cloudfront-function", mergeOriginCsp: true },
};
type Case = keyof typeof cases;
const ALL_CASES = Object.keys(cases) as Case[];
const CFF_CASES = ["cloudfront-function", "cloudfront-function-merge"] as const;

/** The Lambda@Edge functions each case deploys: the hot path's check or none, http-headers or none, the paths. */
const LAMBDAS: Record<Case, EdgeKey[]> = {
  create: Object.keys(EDGE) as EdgeKey[],
  existing: Object.keys(EDGE) as EdgeKey[],
  options: Object.keys(EDGE) as EdgeKey[],
  sites: Object.keys(EDGE) as EdgeKey[],
  "cloudfront-function": ON_PATHS,
  "cloudfront-function-merge": ["httpHeaders", ...ON_PATHS],
};
const lambdaId = (key: string) => `${key[0]!.toUpperCase()}${key.slice(1)}LambdaFunction`;

/** Lists a zip's entries (name and content) by reading its central directory. */
function unzip(file: string): Map<string, Buffer> {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataStart, dataStart + compressed);
    const content = method === 8 ? inflateRawSync(data) : data;
    if (content.length !== size) throw new Error(`${file}: ${name} is ${content.length} bytes, the zip says ${size}`);
    out.set(name, content);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const dirs = (c: Case) => ({ work: join(root, ".build", `test-deploy-${c}`), out: join(root, ".build", `test-deploy-${c}`, "dist"), pkg: join(root, ".build", `test-deploy-${c}`, "pkg") });
const templates: Partial<Record<Case, { edge: Template; pool?: Template; output: string }>> = {};

function runPackage(c: Case) {
  const { work, out, pkg } = dirs(c);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const configPath = join(work, "auth.config.json");
  writeFileSync(configPath, JSON.stringify(cases[c]));
  const env: NodeJS.ProcessEnv = { ...process.env, AUTH_CONFIG: configPath, AUTH_OUTDIR: out, EDGE_AUTH_PACKAGE_DIR: pkg };
  // No credentials: packaging must not need AWS.
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) delete env[k];
  env.AWS_CONFIG_FILE = env.AWS_SHARED_CREDENTIALS_FILE = join(work, "no-such-file");
  const res = withOslsLockSync(() => spawnSync("npm", ["run", "--silent", "package"], { cwd: root, env, encoding: "utf8", timeout: 120_000 }));
  if (res.status !== 0) throw new Error(`npm run package failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  const read = (stack: string) => JSON.parse(readFileSync(join(pkg, stack, "cloudformation-template-update-stack.json"), "utf8")) as Template;
  templates[c] = { edge: read("edge"), ...(existsSync(join(pkg, "pool")) ? { pool: read("pool") } : {}), output: `${res.stdout}\n${res.stderr}` };
}

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
/** `{ Ref }` to the published version of a Lambda function. */
function versionOfIn(t: Template, fn: string) {
  const [id] = ofType(t, "AWS::Lambda::Version").find(([, v]) => v.Properties.FunctionName.Ref === fn)!;
  return { Ref: id };
}
/** The CloudFormation templates of a case's package. */
function templateFiles(c: Case): string[] {
  const { pkg } = dirs(c);
  return readdirSync(pkg).flatMap((stack) => readdirSync(join(pkg, stack)).filter((f) => f.startsWith("cloudformation-template")).map((f) => join(pkg, stack, f)));
}

let lintResult: { status: number; output: string; errors: string[] } | undefined;
/** cfn-lint over every case's templates at once (it takes seconds to start); its error lines (rule E…). */
function cfnLint() {
  if (lintResult) return lintResult;
  const res = spawnSync("cfn-lint", ["--format", "parseable", ...ALL_CASES.flatMap(templateFiles)], { encoding: "utf8" });
  if (res.error) throw new Error(`cfn-lint is not installed (pip install cfn-lint): ${res.error.message}`);
  // parseable: <file>:<line>:<column>:<end line>:<end column>:<rule>:<message>
  const errors = res.stdout.split("\n").filter((line) => /^[^:]+(:\d+){4}:E\d+:/.test(line));
  lintResult = { status: res.status ?? 2, output: res.stdout + res.stderr, errors };
  return lintResult;
}

const distribution = (t: Template) => t.Resources.CloudFrontDistribution!.Properties.DistributionConfig;

beforeAll(() => {
  // One after the other: osls writes through <repo>/.serverless/ whatever --package says.
  for (const c of ALL_CASES) runPackage(c);
}, 400_000);

describe.each(ALL_CASES)("npm run package, %s", (c) => {
  const edge = () => templates[c]!.edge;

  it("packages each Lambda@Edge function of the hot path with Lambda@Edge's limits and no environment", () => {
    const fns = ofType(edge(), "AWS::Lambda::Function");
    expect(fns.map(([id]) => id).sort()).toEqual(LAMBDAS[c].map(lambdaId).sort());
    for (const [, fn] of fns) {
      expect(fn.Properties.Environment).toBeUndefined();
      expect(fn.Properties.Runtime).toBe("nodejs24.x");
      expect(fn.Properties.MemorySize).toBe(128);
      expect(fn.Properties.Timeout).toBeLessThanOrEqual(5);
      expect(fn.Properties.Architectures ?? ["x86_64"]).toEqual(["x86_64"]);
      expect(fn.Properties.Role).toEqual({ "Fn::GetAtt": ["IamRoleLambdaExecution", "Arn"] });
    }
    const role = edge().Resources.IamRoleLambdaExecution!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal.Service).toContain("edgelambda.amazonaws.com");
  });

  it("puts only our bundle, under 1 MB, in each zip, at the handler's path", () => {
    const { out, pkg } = dirs(c);
    const distDir = out.slice(root.length + 1);
    for (const key of LAMBDAS[c]) {
      const name = EDGE[key];
      const zip = join(pkg, "edge", `${key}.zip`);
      expect(statSync(zip).size).toBeLessThan(1024 * 1024);
      const entries = unzip(zip);
      expect([...entries.keys()]).toEqual([`${distDir}/${name}/index.js`]);
      expect(entries.get(`${distDir}/${name}/index.js`)!.equals(readFileSync(join(out, name, "index.js")))).toBe(true);
      const fn = edge().Resources[lambdaId(key)]!;
      expect(fn.Properties.Handler).toBe(`${distDir}/${name}/index.handler`);
    }
  });

  it("keeps the sign-in and auth paths on their own Lambda@Edge behaviours, caching disabled", () => {
    const dc = distribution(edge());
    const behaviours = Object.fromEntries((dc.CacheBehaviors as Record<string, any>[]).map((b) => [b.PathPattern, b])); // any: CloudFormation JSON
    expect(Object.keys(behaviours).sort()).toEqual(["/auth/callback", "/auth/in", "/auth/out", "/auth/refresh"]);
    for (const [path, fn] of [["/auth/callback", "ParseAuth"], ["/auth/refresh", "RefreshAuth"], ["/auth/out", "SignOut"], ["/auth/in", "SignIn"]] as const) {
      expect(behaviours[path].LambdaFunctionAssociations).toEqual([{ EventType: "viewer-request", LambdaFunctionARN: versionOfIn(edge(), `${fn}LambdaFunction`) }]);
      expect(behaviours[path].FunctionAssociations).toBeUndefined();
      expect(behaviours[path].ViewerProtocolPolicy).toBe("redirect-to-https");
      expect(behaviours[path].CachePolicyId).toBe(CACHING_DISABLED);
    }
  });
  it("keeps the bucket private: Block Public Access, encryption, OAC, a policy scoped to this distribution", () => {
    const r = edge().Resources;
    const bucket = r.SiteBucket!.Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe("AES256");
    expect(bucket.OwnershipControls.Rules[0].ObjectOwnership).toBe("BucketOwnerEnforced");
    expect(r.SiteOriginAccessControl!.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: "s3", SigningBehavior: "always", SigningProtocol: "sigv4" });
    const [origin] = distribution(edge()).Origins;
    expect(origin).toMatchObject({ S3OriginConfig: {}, OriginAccessControlId: { "Fn::GetAtt": ["SiteOriginAccessControl", "Id"] }, DomainName: { "Fn::GetAtt": ["SiteBucket", "RegionalDomainName"] } });
    const [allow, ...rest] = r.SiteBucketPolicy!.Properties.PolicyDocument.Statement;
    expect(allow).toMatchObject({ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject" });
    expect(JSON.stringify(allow.Condition.StringEquals["AWS:SourceArn"])).toContain(":distribution/${CloudFrontDistribution}");
    expect(rest.every((s: { Effect: string }) => s.Effect === "Deny")).toBe(true);
  });

  it("passes cfn-lint with no errors (warnings allowed: osls's own Retain-without-UpdateReplacePolicy)", () => {
    const files = templateFiles(c);
    expect(files.length).toBe(c === "create" || c === "options" || c === "sites" ? 4 : 2);
    const lint = cfnLint();
    // cfn-lint's exit code is a bit field: 2 = errors, 4 = warnings, 8 = informational.
    expect(lint.status & ~(2 | 4 | 8), lint.output).toBe(0);
    expect(lint.errors.filter((line) => files.some((f) => line.startsWith(`${f}:`))), lint.output).toEqual([]);
  }, 120_000);
});

describe.each(["existing", "create"] as const)("hot path lambda-edge, %s pool", (c) => {
  const edge = () => templates[c]!.edge;

  it("associates published versions: check-auth and http-headers on the default behaviour, one behaviour per auth path", () => {
    const dc = distribution(edge());
    const versionOf = (fn: string) => versionOfIn(edge(), fn);
    expect(dc.DefaultCacheBehavior.LambdaFunctionAssociations).toEqual([
      { EventType: "viewer-request", LambdaFunctionARN: versionOf("CheckAuthLambdaFunction") },
      { EventType: "origin-response", LambdaFunctionARN: versionOf("HttpHeadersLambdaFunction") },
    ]);
    expect(dc.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    expect(dc.DefaultCacheBehavior.CachePolicyId).toEqual({ Ref: expect.stringMatching(/CachePolicy/) });
    const behaviours = Object.fromEntries((dc.CacheBehaviors as Record<string, any>[]).map((b) => [b.PathPattern, b])); // any: CloudFormation JSON
    expect(Object.keys(behaviours).sort()).toEqual(["/auth/callback", "/auth/in", "/auth/out", "/auth/refresh"]);
    for (const [path, fn] of [["/auth/callback", "ParseAuth"], ["/auth/refresh", "RefreshAuth"], ["/auth/out", "SignOut"], ["/auth/in", "SignIn"]] as const) {
      expect(behaviours[path].LambdaFunctionAssociations).toEqual([{ EventType: "viewer-request", LambdaFunctionARN: versionOf(`${fn}LambdaFunction`) }]);
      expect(behaviours[path].ViewerProtocolPolicy).toBe("redirect-to-https");
      expect(behaviours[path].CachePolicyId).toBe(CACHING_DISABLED);
    }
    expect(dc.DefaultRootObject).toBe("index.html");
    for (const [, p] of ofType(edge(), "AWS::Lambda::Permission")) expect(p.Properties.Principal).toBe("edgelambda.amazonaws.com");
  });


  it("adds no CloudFront Function, key value store or response headers policy", () => {
    for (const type of ["AWS::CloudFront::Function", "AWS::CloudFront::KeyValueStore", "AWS::CloudFront::ResponseHeadersPolicy"]) expect(ofType(edge(), type)).toEqual([]);
    const dc = distribution(edge());
    for (const b of [dc.DefaultCacheBehavior, ...dc.CacheBehaviors]) {
      expect(b.FunctionAssociations).toBeUndefined();
      expect(b.ResponseHeadersPolicyId).toBeUndefined();
    }
    expect(readdirSync(join(dirs(c).pkg, "edge")).filter((f) => f.startsWith("kvs-import"))).toEqual([]);
  });
});

describe.each(CFF_CASES)("hot path cloudfront-function, %s", (c) => {
  const edge = () => templates[c]!.edge;
  const built = (file: string) => readFileSync(join(dirs(c).out, "check-auth-function", file), "utf8");
  const onlyOne = (type: string) => {
    const found = ofType(edge(), type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };

  it("runs the CloudFront Function on the default behaviour's viewer request, and no Lambda@Edge there", () => {
    const [id, fn] = onlyOne("AWS::CloudFront::Function");
    expect(fn.Properties).toMatchObject({ Name: "edge-auth-dev-check-auth-function", AutoPublish: true, FunctionConfig: { Runtime: "cloudfront-js-2.0" } });
    expect(fn.Properties.FunctionCode).toBe(built("index.js"));
    expect(edge().Resources.CheckAuthLambdaFunction).toBeUndefined();
    const d = distribution(edge()).DefaultCacheBehavior;
    expect(d.FunctionAssociations).toEqual([{ EventType: "viewer-request", FunctionARN: { "Fn::GetAtt": [id, "FunctionMetadata.FunctionARN"] } }]);
    expect((d.LambdaFunctionAssociations ?? []).filter((a: { EventType: string }) => a.EventType === "viewer-request")).toEqual([]);
    // Set in full, not copied from a path behaviour: the site is cached, compressed, HTTPS only.
    expect(d).toMatchObject({ ViewerProtocolPolicy: "redirect-to-https", Compress: true, CachePolicyId: { Ref: "CloudFrontCachePolicySite" } });
  });

  it(c === "cloudfront-function" ? "runs no Lambda@Edge on the default behaviour" : "runs http-headers on the default behaviour's origin response (mergeOriginCsp)", () => {
    const d = distribution(edge()).DefaultCacheBehavior;
    const expected = c === "cloudfront-function" ? undefined : [{ EventType: "origin-response", LambdaFunctionARN: versionOfIn(edge(), "HttpHeadersLambdaFunction") }];
    expect(d.LambdaFunctionAssociations).toEqual(expected);
  });

  it("creates the key value store from the built kvs.json in the deployment bucket, named by its hash, for the function", () => {
    const hash = createHash("sha256").update(built("kvs.json")).digest("hex").slice(0, 16);
    const [storeId, store] = onlyOne("AWS::CloudFront::KeyValueStore");
    const key = `serverless/edge-auth/dev/kvs-import/${hash}.json`;
    expect(store.Properties.Name).toBe(`edge-auth-dev-session-${hash}`);
    expect(store.Properties.ImportSource).toEqual({ SourceType: "S3", SourceArn: { "Fn::Sub": `arn:\${AWS::Partition}:s3:::\${ServerlessDeploymentBucket}/${key}` } });
    const [, fn] = onlyOne("AWS::CloudFront::Function");
    expect(fn.Properties.FunctionConfig.KeyValueStoreAssociations).toEqual([{ KeyValueStoreARN: { "Fn::GetAtt": [storeId, "Arn"] } }]);
    // What `sls deploy` uploads to that key (deploy/kvs-import.js): the file as built, in the package.
    const pkg = join(dirs(c).pkg, "edge");
    expect(readFileSync(join(pkg, `kvs-import-${hash}.json`), "utf8")).toBe(built("kvs.json"));
    const state = JSON.parse(readFileSync(join(pkg, "serverless-state.json"), "utf8"));
    expect(state.service.custom.keyValueStoreImports).toEqual([{ file: `${dirs(c).out.slice(root.length + 1)}/check-auth-function/kvs.json`, key, hash }]);
  });

  it("never puts the session key in a template, an output, the package's state or the command's output", () => {
    const secret = (JSON.parse(built("kvs.json")) as { data: { key: string; value: string }[] }).data.find((e) => e.key === "session-key")!.value;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    const pkg = join(dirs(c).pkg, "edge");
    const files = readdirSync(pkg).filter((f) => f.endsWith(".json") && !f.startsWith("kvs-import-"));
    expect(files).toEqual(expect.arrayContaining(["cloudformation-template-create-stack.json", "cloudformation-template-update-stack.json", "serverless-state.json"]));
    for (const f of files) expect(readFileSync(join(pkg, f), "utf8"), f).not.toContain(secret);
    expect(JSON.stringify(edge().Outputs)).not.toContain(secret);
    expect(templates[c]!.output).not.toContain(secret);
  });

  it("sends the security headers from a response headers policy on every behaviour", () => {
    const [policyId, policy] = onlyOne("AWS::CloudFront::ResponseHeadersPolicy");
    const config = policy.Properties.ResponseHeadersPolicyConfig;
    expect(config.Name).toBe("edge-auth-dev-security-headers");
    expect(config.SecurityHeadersConfig).toEqual({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: false, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: "DENY", Override: true },
      // Kept when the origin sends one (a policy cannot merge): see shared/config/response-headers.ts.
      ContentSecurityPolicy: { ContentSecurityPolicy: "frame-ancestors 'none'", Override: false },
      ReferrerPolicy: { ReferrerPolicy: "strict-origin-when-cross-origin", Override: true },
    });
    expect(config.CustomHeadersConfig).toEqual(c === "cloudfront-function" ? { Items: [{ Header: "Permissions-Policy", Value: "camera=()", Override: true }] } : undefined);
    const dc = distribution(edge());
    const behaviours = [dc.DefaultCacheBehavior, ...dc.CacheBehaviors];
    expect(behaviours).toHaveLength(5);
    for (const b of behaviours) expect(b.ResponseHeadersPolicyId, b.PathPattern ?? "default").toEqual({ Ref: policyId });
  });

  it("keeps the site cache policy exactly as the lambda-edge stack has it, so switching hot paths leaves it alone", () => {
    const policies = (t: Template) => Object.fromEntries(ofType(t, "AWS::CloudFront::CachePolicy"));
    expect(policies(edge())).toEqual(policies(templates.existing!.edge));
    expect(Object.keys(policies(edge()))).toEqual(["CloudFrontCachePolicySite"]);
  });

  it("says nothing misleading while packaging (no unused cache policy warning)", () => {
    expect(templates[c]!.output).not.toMatch(/is not used by any cloudFront event/);
  });
});

describe("create-pool case", () => {
  const pool = () => templates.create!.pool!;

  it("uses the custom domain with SNI and TLSv1.2_2021", () => {
    const dc = distribution(templates.create!.edge);
    expect(dc.Aliases).toEqual(["www.example.com"]);
    expect(dc.ViewerCertificate).toEqual({ AcmCertificateArn: CERT, SslSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" });
  });

  it("creates the pool, Hosted UI domain and an app client with code grant, scopes, URLs and revocation", () => {
    const r = pool().Resources;
    expect(r.UserPool!.Properties.UsernameAttributes).toEqual(["email"]);
    expect(r.UserPoolDomain!.Properties).toMatchObject({ Domain: "edgeauth-test-ci", UserPoolId: { Ref: "UserPool" } });
    expect(r.UserPoolClient!.Properties).toMatchObject({
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", "email", "profile"],
      CallbackURLs: ["https://www.example.com/auth/callback"],
      LogoutURLs: ["https://www.example.com/bye"],
      EnableTokenRevocation: true,
      SupportedIdentityProviders: ["COGNITO"],
      GenerateSecret: false,
    });
    expect(Object.keys(pool().Outputs!)).toEqual(expect.arrayContaining(["UserPoolId", "UserPoolClientId", "HostedUiDomain"]));
  });

  it("creates the groups of the rules and the default group", () => {
    const groups = ofType(pool(), "AWS::Cognito::UserPoolGroup").map(([, g]) => g.Properties.GroupName).sort();
    expect(groups).toEqual(["admins", "editors", "users"]);
  });

  it("wires both triggers with invoke permissions, V2_0 pre-token events, and a pool-scoped AdminAddUserToGroup", () => {
    const r = pool().Resources;
    expect(r.UserPool!.Properties.LambdaConfig).toEqual({
      PreTokenGenerationConfig: { LambdaArn: { "Fn::GetAtt": ["PreTokenGenerationLambdaFunction", "Arn"] }, LambdaVersion: "V2_0" },
      PostConfirmation: { "Fn::GetAtt": ["PostConfirmationLambdaFunction", "Arn"] },
    });
    expect(r.UserPool!.Properties.UserPoolTier).toBe("ESSENTIALS");
    const perms = ofType(pool(), "AWS::Lambda::Permission").map(([, p]) => p.Properties);
    expect(perms).toHaveLength(2);
    for (const p of perms) expect(p).toMatchObject({ Principal: "cognito-idp.amazonaws.com", SourceArn: { "Fn::GetAtt": ["UserPool", "Arn"] } });
    for (const [, fn] of ofType(pool(), "AWS::Lambda::Function")) expect(fn.Properties.Runtime).toBe("nodejs24.x");
    const statements = ofType(pool(), "AWS::IAM::Policy").flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{ Effect: "Allow", Action: "cognito-idp:AdminAddUserToGroup", Resource: { "Fn::GetAtt": ["UserPool", "Arn"] } }]);
    expect(r.PostConfirmationLambdaFunction!.Properties.Role).toEqual({ "Fn::GetAtt": ["PostConfirmationRole", "Arn"] });
    // Only post-confirmation's own role may add users to groups.
    expect(JSON.stringify(r.IamRoleLambdaExecution ?? {})).not.toContain("cognito-idp");
  });
});

describe("sites case", () => {
  it("serves every site's host names from one distribution, under the one certificate", () => {
    const dc = distribution(templates.sites!.edge);
    expect(dc.Aliases).toEqual(["docs.example.com", "*.docs.example.com", "shop.example.com"]);
    expect(dc.ViewerCertificate).toMatchObject({ AcmCertificateArn: CERT, SslSupportMethod: "sni-only" });
  });

  it("gives each site an app client of its own with its URLs, and an output for each id", () => {
    const pool = templates.sites!.pool!;
    const clients = Object.fromEntries(ofType(pool, "AWS::Cognito::UserPoolClient"));
    expect(Object.keys(clients)).toEqual(["UserPoolClient", "UserPoolClientSite2"]);
    expect(clients.UserPoolClient!.Properties).toMatchObject({ CallbackURLs: ["https://docs.example.com/auth/callback"], LogoutURLs: ["https://docs.example.com/bye"] });
    expect(clients.UserPoolClientSite2!.Properties).toMatchObject({ CallbackURLs: ["https://shop.example.com/auth/callback"], LogoutURLs: ["https://shop.example.com/shop-bye"] });
    expect(pool.Outputs).toMatchObject({ UserPoolClientId: { Value: { Ref: "UserPoolClient" } }, UserPoolClientIdSite2: { Value: { Ref: "UserPoolClientSite2" } } });
    const groups = ofType(pool, "AWS::Cognito::UserPoolGroup").map(([, g]) => g.Properties.GroupName).sort();
    expect(groups).toEqual(["admins", "editors", "staff"]);
  });

  it("bakes both sites into the bundles, each with a stand-in client until the pool exists", () => {
    const code = readFileSync(join(dirs("sites").out, "check-auth", "index.js"), "utf8");
    for (const s of ["docs.example.com", "*.docs.example.com", "shop.example.com", "placeholderclientid1", "placeholderclientid2"]) expect(code).toContain(s);
  });
});

describe("existing-pool case", () => {
  it("creates no Cognito resources and no pool stack", () => {
    expect(templates.existing!.pool).toBeUndefined();
    expect(Object.values(templates.existing!.edge.Resources).filter((r) => r.Type.startsWith("AWS::Cognito::"))).toEqual([]);
    expect(distribution(templates.existing!.edge).Aliases).toBeUndefined();
  });
});

describe("operating it: dashboard and alarms in the edge stack", () => {
  const edge = (c: Case) => templates[c]!.edge;
  const body = (c: Case) => JSON.parse(ofType(edge(c), "AWS::CloudWatch::Dashboard")[0]![1].Properties.DashboardBody) as { widgets: { type: string; properties: Record<string, any> }[] }; // any: dashboard JSON
  const alarms = (c: Case) => Object.fromEntries(ofType(edge(c), "AWS::CloudWatch::Alarm").map(([, a]) => [a.Properties.AlarmName as string, a.Properties]));

  it("graphs decisions by reason, sign-ins, refreshes, rejections and Cognito outages, one row per region", () => {
    const widgets = body("create").widgets.filter((w) => w.type === "metric");
    const regions = [...new Set(widgets.map((w) => w.properties.region))];
    expect(regions).toEqual(["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1"]);
    const queries = widgets.filter((w) => w.properties.region === "eu-west-1").flatMap((w) => w.properties.metrics.map((m: [{ expression: string }]) => m[0].expression));
    expect(queries).toEqual([
      'SELECT SUM(Decisions) FROM SCHEMA("EdgeAuth", "Function", "Reason") GROUP BY Reason',
      'SELECT SUM(SignIns) FROM SCHEMA("EdgeAuth", "Function", "Reason")',
      'SELECT SUM(Refreshes) FROM SCHEMA("EdgeAuth", "Function", "Reason")',
      'SELECT SUM(Rejections) FROM SCHEMA("EdgeAuth", "Function", "Reason") GROUP BY Reason',
      `SELECT SUM(Decisions) FROM SCHEMA("EdgeAuth", "Function", "Reason") WHERE Reason IN ('cognito-unavailable', 'cognito-unavailable:jwks')`,
    ]);
    expect([...new Set(body("options").widgets.filter((w) => w.type === "metric").map((w) => w.properties.region))]).toEqual(["us-east-1", "eu-west-1"]);
    expect(edge("create").Outputs).toHaveProperty("DashboardUrl");
  });

  it("alarms on a spike of rejections and of Cognito being unreachable, told to the SNS topic when one is given", () => {
    const plain = alarms("create");
    expect(Object.keys(plain).sort()).toEqual(["edgeauth-test-ci-cognito-unavailable", "edgeauth-test-ci-token-rejections"]);
    expect(plain["edgeauth-test-ci-token-rejections"]).toMatchObject({
      Metrics: [{ Id: "q1", Expression: 'SELECT SUM(Rejections) FROM SCHEMA("EdgeAuth", "Function", "Reason")', Period: 60, ReturnData: true }],
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 20,
      TreatMissingData: "notBreaching",
    });
    expect(plain["edgeauth-test-ci-cognito-unavailable"]!.Threshold).toBe(5);
    expect(plain["edgeauth-test-ci-token-rejections"]!.AlarmActions).toBeUndefined();
    const told = alarms("options");
    expect(told["edgeauth-opt-ci-token-rejections"]).toMatchObject({ Threshold: 50, AlarmActions: [TOPIC], OKActions: [TOPIC] });
    expect(told["edgeauth-opt-ci-cognito-unavailable"]).toMatchObject({ Threshold: 2, AlarmActions: [TOPIC], OKActions: [TOPIC] });
  });

  it("adds nothing to a pool stack, and nothing Cognito to the edge stack", () => {
    expect(ofType(templates.options!.pool!, "AWS::CloudWatch::Alarm")).toEqual([]);
    expect(ofType(edge("options"), "AWS::Cognito::ManagedLoginBranding")).toEqual([]);
  });
});

describe("Cognito of today in the pool stack", () => {
  const r = (c: Case) => templates[c]!.pool!.Resources;

  it("defaults to managed login v2 with Cognito's own style, no MFA, the 12-character policy, refresh tokens not rotated", () => {
    expect(r("create").UserPoolDomain!.Properties.ManagedLoginVersion).toBe(2);
    expect(r("create").ManagedLoginBranding).toEqual({
      Type: "AWS::Cognito::ManagedLoginBranding",
      DependsOn: ["UserPoolDomain"],
      Properties: { UserPoolId: { Ref: "UserPool" }, ClientId: { Ref: "UserPoolClient" }, UseCognitoProvidedValues: true },
    });
    const pool = r("create").UserPool!.Properties;
    expect(pool.MfaConfiguration).toBe("OFF");
    expect(pool.EnabledMfas).toBeUndefined();
    expect(pool.Policies).toEqual({
      PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: false, TemporaryPasswordValidityDays: 7 },
    });
    expect(r("create").UserPoolClient!.Properties.ExplicitAuthFlows).toEqual(["ALLOW_REFRESH_TOKEN_AUTH"]);
    expect(r("create").UserPoolClient!.Properties.RefreshTokenRotation).toBeUndefined();
  });

  it("takes the style, rotation, passkeys, MFA with TOTP and SMS (and its role) and the password policy from the config", () => {
    const res = r("options");
    expect(res.ManagedLoginBranding!.Properties).toEqual({
      UserPoolId: { Ref: "UserPool" },
      ClientId: { Ref: "UserPoolClient" },
      Settings: { categories: { global: { colorSchemeMode: "DARK" } } },
    });
    expect(res.UserPoolClient!.Properties.RefreshTokenRotation).toEqual({ Feature: "ENABLED", RetryGracePeriodSeconds: 20 });
    // A rotating client cannot use REFRESH_TOKEN_AUTH; passkeys sign in through USER_AUTH.
    expect(res.UserPoolClient!.Properties.ExplicitAuthFlows).toEqual(["ALLOW_USER_AUTH"]);
    const pool = res.UserPool!.Properties;
    expect(pool).toMatchObject({
      UserPoolTier: "ESSENTIALS",
      WebAuthnRelyingPartyID: "edgeauth-opt-ci.auth.eu-west-1.amazoncognito.com",
      WebAuthnUserVerification: "required",
      MfaConfiguration: "ON",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA", "SMS_MFA"],
      SmsConfiguration: { SnsCallerArn: { "Fn::GetAtt": ["UserPoolSmsRole", "Arn"] }, ExternalId: { "Fn::Sub": "${AWS::StackName}-sms" } },
    });
    expect(pool.Policies).toEqual({
      PasswordPolicy: { MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7, PasswordHistorySize: 3 },
      SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] },
    });
    const role = res.UserPoolSmsRole!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "cognito-idp.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": { "Fn::Sub": "${AWS::StackName}-sms" } } } },
    ]);
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([{ Effect: "Allow", Action: "sns:Publish", Resource: "*" }]);
  });

  it("runs every function on nodejs24.x", () => {
    for (const c of ["create", "options"] as const) {
      for (const t of [templates[c]!.edge, templates[c]!.pool!]) for (const [, fn] of ofType(t, "AWS::Lambda::Function")) expect(fn.Properties.Runtime).toBe("nodejs24.x");
    }
  });
});
