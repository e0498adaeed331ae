/**
 * Runs `npm run package` (build + `sls package`, offline, no AWS credentials) for the two kinds of config —
 * one that creates a user pool and one that uses an existing pool — and checks the CloudFormation templates
 * against Lambda@Edge's limits and the requirements, then runs cfn-lint on every template.
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { inflateRawSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const EDGE = { checkAuth: "check-auth", httpHeaders: "http-headers", parseAuth: "parse-auth", refreshAuth: "refresh-auth", signOut: "sign-out", signIn: "sign-in" };

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

const cases = {
  create: {
    ...base,
    triggers: { postConfirmation: { defaultGroup: "users" }, preTokenGeneration: { groupClaims: { claim: "roles", map: { admins: ["admin"] } } } },
    deploy: { service: "edgeauth-test", stage: "ci", userPool: { domainPrefix: "edgeauth-test-ci" }, aliases: ["www.example.com"], certificateArn: CERT },
  },
  existing: { ...base, userPoolId: "eu-west-1_Abc123", clientId: "clientid123", domain: "auth.example.com", jwks: jwks() },
};
type Case = keyof typeof cases;

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
const templates: Partial<Record<Case, { edge: Template; pool?: Template }>> = {};

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
  const res = spawnSync("npm", ["run", "--silent", "package"], { cwd: root, env, encoding: "utf8", timeout: 90_000 });
  if (res.status !== 0) throw new Error(`npm run package failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  const read = (stack: string) => JSON.parse(readFileSync(join(pkg, stack, "cloudformation-template-update-stack.json"), "utf8")) as Template;
  templates[c] = { edge: read("edge"), ...(existsSync(join(pkg, "pool")) ? { pool: read("pool") } : {}) };
}

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const distribution = (t: Template) => t.Resources.CloudFrontDistribution!.Properties.DistributionConfig;

beforeAll(() => {
  // One after the other: osls writes through <repo>/.serverless/ whatever --package says.
  runPackage("existing");
  runPackage("create");
}, 110_000);

describe.each(["existing", "create"] as const)("npm run package, %s pool", (c) => {
  const edge = () => templates[c]!.edge;

  it("packages each edge function with Lambda@Edge's limits and no environment", () => {
    const fns = ofType(edge(), "AWS::Lambda::Function");
    expect(fns.map(([id]) => id).sort()).toEqual(Object.keys(EDGE).map((k) => `${k[0]!.toUpperCase()}${k.slice(1)}LambdaFunction`).sort());
    for (const [, fn] of fns) {
      expect(fn.Properties.Environment).toBeUndefined();
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
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
    for (const [key, name] of Object.entries(EDGE)) {
      const zip = join(pkg, "edge", `${key}.zip`);
      expect(statSync(zip).size).toBeLessThan(1024 * 1024);
      const entries = unzip(zip);
      expect([...entries.keys()]).toEqual([`${distDir}/${name}/index.js`]);
      expect(entries.get(`${distDir}/${name}/index.js`)!.equals(readFileSync(join(out, name, "index.js")))).toBe(true);
      const fn = edge().Resources[`${key[0]!.toUpperCase()}${key.slice(1)}LambdaFunction`]!;
      expect(fn.Properties.Handler).toBe(`${distDir}/${name}/index.handler`);
    }
  });

  it("associates published versions: check-auth and http-headers on the default behaviour, one behaviour per auth path", () => {
    const dc = distribution(edge());
    const versionOf = (fn: string) => {
      const [id] = ofType(edge(), "AWS::Lambda::Version").find(([, v]) => v.Properties.FunctionName.Ref === fn)!;
      return { Ref: id };
    };
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
    const { pkg } = dirs(c);
    const files = readdirSync(pkg).flatMap((stack) => readdirSync(join(pkg, stack)).filter((f) => f.startsWith("cloudformation-template")).map((f) => join(pkg, stack, f)));
    expect(files.length).toBeGreaterThanOrEqual(c === "create" ? 4 : 2);
    const res = spawnSync("cfn-lint", ["--format", "parseable", ...files], { encoding: "utf8" });
    if (res.error) throw new Error(`cfn-lint is not installed (pip install cfn-lint): ${res.error.message}`);
    // cfn-lint's exit code is a bit field: 2 = errors, 4 = warnings, 8 = informational.
    expect((res.status ?? 2) & 2, res.stdout).toBe(0);
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
    for (const [, fn] of ofType(pool(), "AWS::Lambda::Function")) expect(fn.Properties.Runtime).toBe("nodejs22.x");
    const statements = ofType(pool(), "AWS::IAM::Policy").flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{ Effect: "Allow", Action: "cognito-idp:AdminAddUserToGroup", Resource: { "Fn::GetAtt": ["UserPool", "Arn"] } }]);
    expect(r.PostConfirmationLambdaFunction!.Properties.Role).toEqual({ "Fn::GetAtt": ["PostConfirmationRole", "Arn"] });
    // Only post-confirmation's own role may add users to groups.
    expect(JSON.stringify(r.IamRoleLambdaExecution ?? {})).not.toContain("cognito-idp");
  });
});

describe("existing-pool case", () => {
  it("creates no Cognito resources and no pool stack", () => {
    expect(templates.existing!.pool).toBeUndefined();
    expect(Object.values(templates.existing!.edge.Resources).filter((r) => r.Type.startsWith("AWS::Cognito::"))).toEqual([]);
    expect(distribution(templates.existing!.edge).Aliases).toBeUndefined();
  });
});
