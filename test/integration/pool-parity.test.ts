/**
 * One created pool, two deploy paths: for a matrix of `deploy.userPool` options, the pool stack osls packages from
 * serverless.pool.yml (the `sls package` step of `npm run package`, offline) and the stack `EdgeAuthUserPool`
 * synthesizes must hold the same pool, domain, app client, managed login style and SMS role, property for property.
 * References between them are compared by what they point at (the resource's type), since each path names its
 * resources its own way. The matrix has no triggers, so neither path needs a build; the trigger wiring is one
 * function of shared/config/user-pool.ts (test/unit/config/user-pool.test.ts) and is checked for both paths by
 * test/integration/deploy.test.ts and cdk-construct.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { EdgeAuthUserPool } from "../../cdk";
import { deploySchema } from "../../shared/config/schema";
import { sls } from "../../scripts/sls";
import { withOslsLock } from "../helpers/osls-lock";

const root = resolve(__dirname, "../..");
const work = join(root, ".build", "test-pool-parity");
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const PNG = Buffer.from("89504e470d0a1a0a", "hex").toString("base64");

/** The resource types a created pool consists of (the triggers aside). */
const POOL_TYPES = ["AWS::Cognito::UserPool", "AWS::Cognito::UserPoolDomain", "AWS::Cognito::UserPoolClient", "AWS::Cognito::ManagedLoginBranding", "AWS::IAM::Role"];

const MATRIX: Record<string, Record<string, unknown>> = {
  defaults: {},
  "classic on Lite": { managedLogin: "classic", preTokenGenerationVersion: "V1_0", mfa: "optional" },
  "every option": {
    name: "parity pool",
    generateSecret: true,
    selfSignUp: true,
    deletionProtection: false,
    branding: { settings: { categories: { global: { colorSchemeMode: "DARK" } } }, assets: [{ category: "FORM_LOGO", colorMode: "LIGHT", extension: "PNG", bytes: PNG }] },
    refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 20 },
    passkeys: { enabled: true, relyingPartyId: "edgeauth-parity-ci.auth.eu-west-1.amazoncognito.com" },
    mfa: "on",
    mfaMethods: ["totp", "sms"],
    passwordPolicy: { minimumLength: 14, requireSymbols: true, requireLowercase: false, temporaryPasswordValidityDays: 3, passwordHistorySize: 3 },
  },
  "optional SMS, passkeys, Cognito's style, rotation without grace": {
    mfa: "optional",
    mfaMethods: ["sms"],
    passkeys: { enabled: true, userVerification: "required" },
    branding: {},
    refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 0 },
  },
  "classic with required TOTP and password history": { managedLogin: "classic", mfa: "on", passwordPolicy: { passwordHistorySize: 1 } },
};
const CASES = Object.keys(MATRIX);

function config(userPool: Record<string, unknown>): Record<string, unknown> {
  return {
    region: "eu-west-1",
    paths: { callback: "/auth/callback", afterSignOut: "/bye" },
    rules: [{ path: "/admin/*", groups: ["admins"] }],
    deploy: { service: "edgeauth-parity", stage: "ci", aliases: ["www.example.com"], certificateArn: CERT, userPool: { domainPrefix: "edgeauth-parity-ci", ...userPool } },
  };
}

// `any`: CloudFormation JSON.
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Resources = Record<string, Resource>;

/** The pool's resources, with references replaced by the type they point at, sorted so the two paths line up. */
function normalised(resources: Resources): unknown[] {
  const typeOf = (id: unknown) => (typeof id === "string" && resources[id] ? `<${resources[id]!.Type}>` : id);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (Object.keys(o).length === 1 && "Ref" in o) return { Ref: typeOf(o.Ref) };
      if (Object.keys(o).length === 1 && Array.isArray(o["Fn::GetAtt"])) {
        const [id, attr] = o["Fn::GetAtt"] as [string, string];
        return { "Fn::GetAtt": [typeOf(id), attr] };
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return Object.values(resources)
    .filter((r) => POOL_TYPES.includes(r.Type))
    .map((r) => ({
      Type: r.Type,
      Properties: walk(r.Properties),
      DependsOn: (r.DependsOn ?? []).map(typeOf).sort(),
      DeletionPolicy: r.DeletionPolicy ?? "Delete",
      UpdateReplacePolicy: r.UpdateReplacePolicy ?? "Delete",
    }))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

const serverless: Record<string, Resources> = {};
const cdk: Record<string, Resources> = {};
const files: string[] = [];

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  // One after the other: osls writes through <repo>/.serverless/ whatever --package says.
  for (const [i, name] of CASES.entries()) {
    const dir = join(work, String(i));
    mkdirSync(dir, { recursive: true });
    const configPath = join(dir, "auth.config.json");
    writeFileSync(configPath, JSON.stringify(config(MATRIX[name]!)));
    await withOslsLock(() => sls("pool", ["package", "--package", join(dir, "pkg")], { configPath, outdir: join(dir, "dist"), siteHosts: ["d111111abcdef8.cloudfront.net"] }, { quiet: true }));
    serverless[name] = (JSON.parse(readFileSync(join(dir, "pkg", "cloudformation-template-update-stack.json"), "utf8")) as { Resources: Resources }).Resources;

    const app = new App({ outdir: join(dir, "cdk.out") });
    const stack = new Stack(app, "Pool", { env: { account: "123456789012", region: "eu-west-1" } });
    new EdgeAuthUserPool(stack, "Pool", { config: config(MATRIX[name]!), siteHosts: ["d111111abcdef8.cloudfront.net"] });
    const template = Template.fromStack(stack).toJSON();
    cdk[name] = template.Resources as Resources;
    writeFileSync(join(dir, "cdk.template.json"), JSON.stringify(template));
    files.push(join(dir, "pkg", "cloudformation-template-update-stack.json"), join(dir, "cdk.template.json"));
  }
}, 300_000);

describe("the created pool on both deploy paths", () => {
  it.each(CASES)("%s: same pool, domain, client, style and SMS role", (name) => {
    const s = normalised(serverless[name]!);
    expect(s.length).toBeGreaterThanOrEqual(3);
    expect(normalised(cdk[name]!)).toEqual(s);
  });

  it("passes cfn-lint on both paths' templates", () => {
    const res = spawnSync("cfn-lint", ["--format", "parseable", ...files], { encoding: "utf8" });
    if (res.error) throw new Error(`cfn-lint is not installed (pip install cfn-lint): ${res.error.message}`);
    expect((res.status ?? 2) & 2, res.stdout).toBe(0);
  });

  it("the matrix sets every deploy.userPool key, so a new key cannot skip a path unnoticed", () => {
    // any: zod's optional wrapper, unwrapped to reach the object's shape.
    const keys = Object.keys((deploySchema as any).unwrap().shape.userPool.unwrap().shape as object);
    const covered = new Set(Object.values(MATRIX).flatMap((u) => Object.keys(u)));
    expect(keys.filter((k) => k !== "domainPrefix" && !covered.has(k))).toEqual([]);
  });

  it("puts managed login v2 on Essentials and the classic Hosted UI alone on Lite, on both paths", () => {
    const tier = (r: Resources) => Object.values(r).find((x) => x.Type === "AWS::Cognito::UserPool")!.Properties.UserPoolTier;
    for (const from of [serverless, cdk]) {
      expect(tier(from.defaults!)).toBe("ESSENTIALS");
      expect(tier(from["classic on Lite"]!)).toBe("LITE");
      expect(tier(from["classic with required TOTP and password history"]!)).toBe("ESSENTIALS");
    }
  });
});
