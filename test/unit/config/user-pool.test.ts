import { describe, expect, it } from "vitest";
import { resolveDeployConfig } from "../../../shared/config/resolve";
import type { UserPoolSettings } from "../../../shared/config/types";
import { brandingProperties, clientProperties, domainProperties, essentialsFeatures, featurePlan, needsSmsRole, userPoolProperties } from "../../../shared/config/user-pool";
import type { PoolTriggers } from "../../../shared/config/user-pool";

function pool(userPool: Record<string, unknown>): UserPoolSettings {
  const r = resolveDeployConfig({ region: "eu-west-1", deploy: { userPool } });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config.userPool;
}
function refuse(userPool: Record<string, unknown>): string {
  const r = resolveDeployConfig({ region: "eu-west-1", deploy: { userPool } });
  if (r.ok) throw new Error(`accepted ${JSON.stringify(userPool)}`);
  return r.errors.join("\n");
}

const refs = { userPoolId: { Ref: "P" }, smsRoleArn: { "Fn::GetAtt": ["R", "Arn"] } };
const client = { name: "c", scopes: ["openid"], callbackUrls: ["https://a/cb"], logoutUrls: ["https://a/"] };
const PRE: PoolTriggers = { preTokenGenerationArn: "arn:pre" };

describe("the feature plan, chosen from every feature that needs one", () => {
  it.each<[string, Record<string, unknown>, PoolTriggers, string[]]>([
    ["classic, nothing else", { managedLogin: "classic" }, {}, []],
    ["classic, V1_0 trigger", { managedLogin: "classic", preTokenGenerationVersion: "V1_0" }, PRE, []],
    ["classic, V2_0 setting but no trigger attached", { managedLogin: "classic" }, {}, []],
    ["classic, MFA with TOTP and SMS", { managedLogin: "classic", mfa: "on", mfaMethods: ["totp", "sms"] }, {}, []],
    ["managed login v2 (the default)", {}, {}, ["deploy.userPool.managedLogin"]],
    ["v2 with V1_0 trigger", { preTokenGenerationVersion: "V1_0" }, PRE, ["deploy.userPool.managedLogin"]],
    ["classic, V2_0 trigger", { managedLogin: "classic" }, PRE, ["deploy.userPool.preTokenGenerationVersion"]],
    ["classic, password history", { managedLogin: "classic", passwordPolicy: { passwordHistorySize: 2 } }, {}, ["deploy.userPool.passwordPolicy.passwordHistorySize"]],
    ["classic, rotation", { managedLogin: "classic", refreshTokenRotation: { enabled: true } }, {}, ["deploy.userPool.refreshTokenRotation"]],
    ["classic, rotation switched off", { managedLogin: "classic", refreshTokenRotation: { enabled: false } }, {}, []],
    ["v2, passkeys", { passkeys: { enabled: true } }, {}, ["deploy.userPool.managedLogin", "deploy.userPool.passkeys"]],
    ["v2, Cognito's style", { branding: {} }, {}, ["deploy.userPool.managedLogin"]],
    ["v2, a style of one's own", { branding: { settings: {} } }, {}, ["deploy.userPool.managedLogin", "deploy.userPool.branding"]],
  ])("%s", (_name, u, t, keys) => {
    const { plan, because } = featurePlan(pool(u), t);
    expect(because.map((f) => f.key)).toEqual(keys);
    expect(plan).toBe(keys.length ? "ESSENTIALS" : "LITE");
    expect(userPoolProperties(pool(u), t, refs).UserPoolTier).toBe(plan);
  });

  it("names an AWS documentation page for every row", () => {
    for (const f of essentialsFeatures()) expect(f.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/cognito/);
  });

  it("never puts managed login v2 on Lite (the Lite plan offers only the classic Hosted UI)", () => {
    for (const u of [{}, { preTokenGenerationVersion: "V1_0" }, { mfa: "optional" }]) {
      const p = pool(u);
      expect(domainProperties(p, refs).ManagedLoginVersion).toBe(2);
      expect(userPoolProperties(p, {}, refs).UserPoolTier).toBe("ESSENTIALS");
    }
  });
});

describe("the created pool's sign-in as CloudFormation", () => {
  it("keeps the classic Hosted UI selectable: version 1, no branding style", () => {
    const p = pool({ managedLogin: "classic" });
    expect(domainProperties(p, refs)).toEqual({ Domain: "edge-auth-dev", UserPoolId: { Ref: "P" }, ManagedLoginVersion: 1 });
    expect(brandingProperties(p, "cid", refs)).toBeUndefined();
  });

  it("turns optional TOTP-only MFA into EnabledMfas without an SMS role", () => {
    const p = pool({ mfa: "optional" });
    expect(userPoolProperties(p, {}, refs)).toMatchObject({ MfaConfiguration: "OPTIONAL", EnabledMfas: ["SOFTWARE_TOKEN_MFA"] });
    expect(userPoolProperties(p, {}, refs)).not.toHaveProperty("SmsConfiguration");
    expect(needsSmsRole(p.signIn)).toBe(false);
    expect(brandingProperties(p, "cid", refs)).toEqual({ UserPoolId: { Ref: "P" }, ClientId: "cid", UseCognitoProvidedValues: true });
  });

  it("gives SMS MFA the role Cognito publishes with, and only then", () => {
    const p = pool({ mfa: "on", mfaMethods: ["sms"] });
    expect(userPoolProperties(p, {}, refs)).toMatchObject({ MfaConfiguration: "ON", EnabledMfas: ["SMS_MFA"], SmsConfiguration: { SnsCallerArn: { "Fn::GetAtt": ["R", "Arn"] } } });
    expect(needsSmsRole(p.signIn)).toBe(true);
  });

  it("lets passkeys default their relying party to the pool's domain, as a single factor without required MFA", () => {
    const p = userPoolProperties(pool({ passkeys: { enabled: true } }), {}, refs);
    expect(p).not.toHaveProperty("WebAuthnRelyingPartyID");
    expect(p).not.toHaveProperty("WebAuthnFactorConfiguration");
    expect(p).toMatchObject({ WebAuthnUserVerification: "preferred", Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] } } });
  });

  it("wires the triggers with the configured event version", () => {
    const p = pool({ preTokenGenerationVersion: "V1_0" });
    expect(userPoolProperties(p, { preTokenGenerationArn: "a", postConfirmationArn: "b" }, refs).LambdaConfig).toEqual({
      PreTokenGenerationConfig: { LambdaArn: "a", LambdaVersion: "V1_0" },
      PostConfirmation: "b",
    });
    expect(userPoolProperties(p, {}, refs)).not.toHaveProperty("LambdaConfig");
  });

  it.each([
    [{}, ["ALLOW_REFRESH_TOKEN_AUTH"]],
    [{ refreshTokenRotation: { enabled: true } }, ["ALLOW_USER_SRP_AUTH"]],
    [{ passkeys: { enabled: true } }, ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH"]],
    [{ passkeys: { enabled: true }, refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 0 } }, ["ALLOW_USER_AUTH"]],
  ])("app client flows for %j: %j, never empty, never REFRESH_TOKEN_AUTH with rotation", (u, flows) => {
    const c = clientProperties(pool(u), client, refs);
    expect(c.ExplicitAuthFlows).toEqual(flows);
    if ((u as { refreshTokenRotation?: unknown }).refreshTokenRotation) expect(c.RefreshTokenRotation).toMatchObject({ Feature: "ENABLED" });
  });
});

describe("passkeys with MFA required", () => {
  it("makes a passkey that verifies the user count as both factors, with user verification required by default", () => {
    const p = pool({ mfa: "on", passkeys: { enabled: true } });
    expect(p.signIn.passkeys).toEqual({ userVerification: "required" });
    expect(userPoolProperties(p, {}, refs)).toMatchObject({
      MfaConfiguration: "ON",
      WebAuthnUserVerification: "required",
      WebAuthnFactorConfiguration: "MULTI_FACTOR_WITH_USER_VERIFICATION",
      Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] } },
    });
  });

  it("refuses user verification merely preferred, naming the field", () => {
    expect(refuse({ mfa: "on", passkeys: { enabled: true, userVerification: "preferred" } })).toContain('deploy.userPool.passkeys.userVerification: must be "required" with mfa "on"');
  });

  it.each([["optional"], ["off"]])("keeps a passkey a single factor with mfa %s", (mfa) => {
    const p = pool({ mfa, passkeys: { enabled: true } });
    expect(p.signIn.passkeys?.userVerification).toBe("preferred");
    expect(userPoolProperties(p, {}, refs)).not.toHaveProperty("WebAuthnFactorConfiguration");
  });
});
