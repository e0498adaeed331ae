import { describe, expect, it } from "vitest";
import { resolveAuthConfig, resolveDeployConfig } from "../../../shared/config/resolve";
import { clientUrls, cloudFrontName, hostedUiDomain, poolGroups, stackNames } from "../../../shared/config/deploy";

const existing = { region: "eu-west-1", userPoolId: "eu-west-1_Abc123", clientId: "abc123", domain: "auth.example.com" };
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";

describe("resolveDeployConfig", () => {
  it("gives every key a default, so an existing pool's edge config deploys as it is", () => {
    const r = resolveDeployConfig(existing);
    expect(r).toEqual({
      ok: true,
      config: {
        service: "edge-auth",
        stage: "dev",
        createUserPool: false,
        userPool: {
          name: "edge-auth-dev",
          domainPrefix: "edge-auth-dev",
          generateSecret: false,
          selfSignUp: false,
          preTokenGenerationVersion: "V2_0",
          deletionProtection: true,
          signIn: {
            managedLogin: "v2",
            mfa: "off",
            mfaMethods: ["totp"],
            passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: false, temporaryPasswordValidityDays: 7 },
          },
        },
        aliases: [],
        priceClass: "PriceClass_100",
        siteDir: "site",
        alarms: { enabled: true, rejectionsPerMinute: 20, unavailablePerMinute: 5 },
        dashboard: { enabled: true, regions: ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1"] },
      },
    });
  });

  it("creates a pool by default when the config names none", () => {
    const r = resolveDeployConfig({ region: "us-east-1" });
    expect(r.ok && r.config.createUserPool).toBe(true);
  });

  it("accepts a custom domain with its certificate", () => {
    const r = resolveDeployConfig({ ...existing, deploy: { aliases: ["www.example.com", "www.example.com"], certificateArn: CERT } });
    expect(r.ok && r.config.aliases).toEqual(["www.example.com"]);
    expect(r.ok && r.config.certificateArn).toBe(CERT);
  });

  it.each([
    [{ deploy: [] }, "deploy: must be an object"],
    [{ deploy: { stage: "a b" } }, "deploy.stage:"],
    [{ deploy: { service: "9lives" } }, "deploy.service:"],
    [{ deploy: { createUserPool: "yes" } }, "deploy.createUserPool: must be true or false"],
    [{ deploy: { createUserPool: true } }, 'deploy.createUserPool: is true, so "userPoolId" must be left out'],
    [{ deploy: { aliases: "www.example.com", certificateArn: CERT } }, "deploy.aliases: must be an array"],
    [{ deploy: { aliases: ["WWW.example.com"], certificateArn: CERT } }, "deploy.aliases[0]:"],
    [{ deploy: { aliases: ["www.example.com"] } }, "deploy.certificateArn: is required with deploy.aliases"],
    [{ deploy: { aliases: ["www.example.com"], certificateArn: CERT.replace("us-east-1", "eu-west-1") } }, "deploy.certificateArn: must be the ARN of an ACM certificate in us-east-1"],
    [{ deploy: { certificateArn: CERT } }, "deploy.aliases: is required with deploy.certificateArn"],
    [{ deploy: { priceClass: "PriceClass_50" } }, "deploy.priceClass:"],
    [{ deploy: { siteDir: "../elsewhere" } }, "deploy.siteDir:"],
    [{ deploy: { siteDir: "/abs" } }, "deploy.siteDir:"],
    [{ deploy: { bucketName: "Bad_Bucket" } }, "deploy.bucketName:"],
    [{ deploy: { userPool: { domainPrefix: "my-cognito-login" } } }, "deploy.userPool.domainPrefix:"],
    [{ deploy: { userPool: { domainPrefix: "-x" } } }, "deploy.userPool.domainPrefix:"],
    [{ deploy: { userPool: { preTokenGenerationVersion: "V3_0" } } }, "deploy.userPool.preTokenGenerationVersion:"],
    [{ deploy: { userPool: { generateSecret: 1 } } }, "deploy.userPool.generateSecret: must be true or false"],
    [{ deploy: { userPool: { colour: "blue" } } }, "deploy.userPool.colour: unknown key"],
    [{ deploy: { regoin: "us-east-1" } }, "deploy.regoin: unknown key"],
    [{ deploy: { service: "aws-site" } }, 'deploy.userPool.domainPrefix: the default "aws-site-dev" is not a valid'],
  ])("rejects %j naming the field", (extra, message) => {
    const r = resolveDeployConfig({ ...existing, ...extra });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors.join("\n")).toContain(message);
  });

  it("reports every problem at once", () => {
    const r = resolveDeployConfig({ ...existing, deploy: { stage: "", priceClass: 1, siteDir: ".." } });
    expect(r.ok ? 0 : r.errors.length).toBe(3);
  });
});

describe("helpers", () => {
  it("names the stacks after service and stage", () => {
    expect(stackNames({ service: "site", stage: "prod" })).toEqual({ edge: "site-prod", pool: "site-pool-prod" });
  });

  it("builds the Hosted UI host of a prefix domain", () => {
    expect(hostedUiDomain("my-site", "eu-west-1")).toBe("my-site.auth.eu-west-1.amazoncognito.com");
  });

  it("builds callback and sign-out URLs for every host", () => {
    expect(clientUrls(["a.example.com", "d123.cloudfront.net"], { callback: "/cb", afterSignOut: "/bye" })).toEqual({
      callbackUrls: ["https://a.example.com/cb", "https://d123.cloudfront.net/cb"],
      logoutUrls: ["https://a.example.com/bye", "https://d123.cloudfront.net/bye"],
    });
  });

  /** The resolved edge rules and triggers of a raw config (the pool stack reads the resolved config only). */
  const groupsOf = (raw: Record<string, unknown>) => {
    const r = resolveAuthConfig({ ...existing, ...raw });
    if (!r.ok) throw new Error(r.errors.join("; "));
    return poolGroups(r.config.edge.rules, r.config.triggers);
  };

  it.each([
    [{}, []],
    [{ rules: [{ path: "/a/*", groups: ["admins", "editors"] }, { path: "/b/*", groups: ["admins"] }] }, ["admins", "editors"]],
    [{ triggers: { postConfirmation: { defaultGroup: "users" } } }, ["users"]],
    [{ triggers: { postConfirmation: {} } }, []],
  ])("groups of %j", (raw, names) => {
    expect(groupsOf(raw).map((g) => g.name)).toEqual(names);
  });

  it("gives a group a logical id that depends only on its name", () => {
    const a = groupsOf({ rules: [{ path: "/x", groups: ["a-b", "ab"] }] });
    const b = groupsOf({ rules: [{ path: "/y", groups: ["ab"] }, { path: "/z", groups: ["a-b"] }] });
    expect(a).toEqual(b);
    expect(new Set(a.map((g) => g.logicalId)).size).toBe(2);
    for (const g of a) expect(g.logicalId).toMatch(/^[A-Za-z0-9]{1,255}$/);
  });
});

describe("cloudFrontName", () => {
  it.each([
    ["edge-auth-dev", "check-auth"],
    ["a".repeat(30) + "-" + "b".repeat(16), "session-0123456789abcdef"],
    ["a".repeat(30) + "-" + "c".repeat(16), "session-0123456789abcdef"],
  ])("%s + %s: at most 64 of [A-Za-z0-9_-], suffix whole", (stack, suffix) => {
    const name = cloudFrontName(stack, suffix);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(name.endsWith(`-${suffix}`)).toBe(true);
    expect(name.startsWith(stack.slice(0, 10))).toBe(true);
  });

  it("keeps the plain name when it fits, and different long stacks apart", () => {
    expect(cloudFrontName("edge-auth-dev", "check-auth")).toBe("edge-auth-dev-check-auth");
    const long = (stage: string) => cloudFrontName(`${"a".repeat(30)}-${stage}`, "session-0123456789abcdef");
    expect(long("x".repeat(16))).not.toBe(long("y".repeat(16)));
  });
});
