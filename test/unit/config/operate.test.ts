import { describe, expect, it } from "vitest";
import { resolveDeployConfig } from "../../../shared/config/resolve";
import { COMMERCIAL_REGIONS, edgeCacheRegions } from "../../../shared/config/edge-regions";

const created = { region: "eu-west-1" };
const userPool = (u: Record<string, unknown>) => resolveDeployConfig({ ...created, deploy: { userPool: u } });
const signIn = (u: Record<string, unknown>) => {
  const r = userPool(u);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config.userPool.signIn;
};

describe("deploy.userPool sign-in options", () => {
  it("defaults to managed login v2, no MFA, no passkeys, no rotation, the 12-character policy", () => {
    expect(signIn({})).toEqual({
      managedLogin: "v2",
      mfa: "off",
      mfaMethods: ["totp"],
      passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: false, temporaryPasswordValidityDays: 7 },
    });
  });

  it("takes every option", () => {
    const s = signIn({
      managedLogin: "v2",
      branding: { settings: { components: {} }, assets: [{ category: "FORM_LOGO", colorMode: "LIGHT", extension: "PNG", bytes: "iVBORw0KGgo=" }] },
      refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 30 },
      passkeys: { enabled: true, relyingPartyId: "auth.example.com", userVerification: "required" },
      mfa: "optional",
      mfaMethods: ["totp", "sms", "totp"],
      passwordPolicy: { minimumLength: 16, requireSymbols: true, passwordHistorySize: 5 },
    });
    expect(s).toMatchObject({
      branding: { settings: { components: {} } },
      refreshTokenRotation: { retryGracePeriodSeconds: 30 },
      passkeys: { relyingPartyId: "auth.example.com", userVerification: "required" },
      mfa: "optional",
      mfaMethods: ["totp", "sms"],
      passwordPolicy: { minimumLength: 16, requireSymbols: true, requireLowercase: true, passwordHistorySize: 5 },
    });
  });

  it("leaves rotation and passkeys out when they are not enabled, and gives the grace period a default", () => {
    expect(signIn({ refreshTokenRotation: { enabled: false }, passkeys: { enabled: false } })).not.toHaveProperty("refreshTokenRotation");
    expect(signIn({ passkeys: { enabled: false } })).not.toHaveProperty("passkeys");
    expect(signIn({ refreshTokenRotation: { enabled: true } }).refreshTokenRotation).toEqual({ retryGracePeriodSeconds: 10 });
    expect(signIn({ passkeys: { enabled: true } }).passkeys).toEqual({ userVerification: "preferred" });
  });

  it.each([
    [{ managedLogin: "v3" }, 'deploy.userPool.managedLogin: must be "v2" or "classic"'],
    [{ managedLogin: "classic", passkeys: { enabled: true } }, "deploy.userPool.passkeys: need managedLogin \"v2\""],
    [{ managedLogin: "classic", branding: {} }, "deploy.userPool.branding: styles managed login only"],
    [{ branding: { colour: "red" } }, "deploy.userPool.branding.colour: unknown key"],
    [{ branding: { assets: [{ category: "FORM_LOGO", colorMode: "GREY", extension: "PNG", bytes: "" }] } }, "deploy.userPool.branding.assets[0].colorMode:"],
    [{ refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 61 } }, "deploy.userPool.refreshTokenRotation.retryGracePeriodSeconds: must be a whole number of seconds between 0 and 60"],
    [{ passkeys: { enabled: true, relyingPartyId: "https://auth.example.com" } }, "deploy.userPool.passkeys.relyingPartyId:"],
    [{ passkeys: { enabled: true, userVerification: "always" } }, "deploy.userPool.passkeys.userVerification:"],
    [{ mfa: "required" }, 'deploy.userPool.mfa: must be "off", "optional" or "on"'],
    [{ mfa: "on", mfaMethods: [] }, "deploy.userPool.mfaMethods: must name at least one"],
    [{ mfa: "on", mfaMethods: ["email"] }, "deploy.userPool.mfaMethods[0]:"],
    [{ mfaMethods: ["sms"] }, 'deploy.userPool.mfaMethods: has no effect with mfa "off"'],
    [{ passwordPolicy: { minimumLength: 5 } }, "deploy.userPool.passwordPolicy.minimumLength: must be a whole number of characters between 6 and 99"],
    [{ passwordPolicy: { passwordHistorySize: 25 } }, "deploy.userPool.passwordPolicy.passwordHistorySize:"],
  ])("refuses %j", (u, message) => {
    const r = userPool(u);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join("\n")).toContain(message);
  });
});

describe("deploy.alarms and deploy.dashboard", () => {
  it("default to alarms without a topic and a dashboard of the price class's edge cache regions", () => {
    const r = resolveDeployConfig({ ...created, deploy: { priceClass: "PriceClass_200" } });
    expect(r.ok && r.config.alarms).toEqual({ enabled: true, rejectionsPerMinute: 20, unavailablePerMinute: 5 });
    expect(r.ok && r.config.dashboard).toEqual({ enabled: true, regions: edgeCacheRegions("PriceClass_200") });
  });

  it("takes a topic, thresholds and regions", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:ops-alerts";
    const r = resolveDeployConfig({ ...created, deploy: { alarms: { snsTopicArn: topic, rejectionsPerMinute: 100 }, dashboard: { regions: ["eu-west-1", "eu-west-1", "us-east-1"] } } });
    expect(r.ok && r.config.alarms).toEqual({ enabled: true, snsTopicArn: topic, rejectionsPerMinute: 100, unavailablePerMinute: 5 });
    expect(r.ok && r.config.dashboard.regions).toEqual(["eu-west-1", "us-east-1"]);
  });

  it.each([
    [{ alarms: { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:ops" } }, "deploy.alarms.snsTopicArn: must be the ARN of an SNS topic in us-east-1"],
    [{ alarms: { rejectionsPerMinute: 0 } }, "deploy.alarms.rejectionsPerMinute:"],
    [{ alarms: { email: "me@example.com" } }, "deploy.alarms.email: unknown key"],
    [{ dashboard: { regions: ["mars-1"] } }, "deploy.dashboard.regions[0]:"],
    [{ dashboard: { regions: [] } }, "deploy.dashboard.regions:"],
  ])("refuses %j", (deploy, message) => {
    const r = resolveDeployConfig({ ...created, deploy });
    expect(!r.ok && r.errors.join("\n")).toContain(message);
  });
});

describe("edge regions", () => {
  it("widen with the price class, us-east-1 first", () => {
    expect(edgeCacheRegions("PriceClass_100")[0]).toBe("us-east-1");
    expect(edgeCacheRegions("PriceClass_100")).toHaveLength(7);
    expect(edgeCacheRegions("PriceClass_All")).toEqual(expect.arrayContaining([...edgeCacheRegions("PriceClass_200"), "sa-east-1", "ap-southeast-2"]));
  });

  it("are all commercial regions", () => {
    for (const r of edgeCacheRegions("PriceClass_All")) expect(COMMERCIAL_REGIONS).toContain(r);
    expect(COMMERCIAL_REGIONS.some((r) => /^(us-gov|cn-|eusc-)/.test(r))).toBe(false);
  });
});
