import { describe, expect, it } from "vitest";
import { resolveDeployConfig } from "../../../shared/config/resolve";
import type { UserPoolSignIn } from "../../../shared/config/types";
import { appClientProperties, managedLoginVersion, needsEssentials, signInResources, userPoolProperties } from "../../../scripts/pool-sign-in";

function signIn(userPool: Record<string, unknown>): UserPoolSignIn {
  const r = resolveDeployConfig({ region: "eu-west-1", deploy: { userPool } });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config.userPool.signIn;
}

describe("the created pool's sign-in as CloudFormation", () => {
  it("keeps the classic Hosted UI selectable: version 1, no branding style", () => {
    const s = signIn({ managedLogin: "classic" });
    expect(managedLoginVersion(s)).toBe(1);
    expect(signInResources(s)).toEqual({});
  });

  it("turns optional TOTP-only MFA into EnabledMfas without an SMS role", () => {
    const s = signIn({ mfa: "optional" });
    expect(userPoolProperties(s)).toMatchObject({ MfaConfiguration: "OPTIONAL", EnabledMfas: ["SOFTWARE_TOKEN_MFA"] });
    expect(userPoolProperties(s)).not.toHaveProperty("SmsConfiguration");
    expect(Object.keys(signInResources(s))).toEqual(["ManagedLoginBranding"]);
  });

  it("gives SMS MFA the role Cognito publishes with, and only then", () => {
    const s = signIn({ mfa: "on", mfaMethods: ["sms"] });
    expect(userPoolProperties(s)).toMatchObject({ MfaConfiguration: "ON", EnabledMfas: ["SMS_MFA"], SmsConfiguration: { SnsCallerArn: { "Fn::GetAtt": ["UserPoolSmsRole", "Arn"] } } });
    expect(signInResources(s)).toHaveProperty("UserPoolSmsRole");
  });

  it("lets passkeys default their relying party to the pool's domain (no WebAuthnRelyingPartyID)", () => {
    const p = userPoolProperties(signIn({ passkeys: { enabled: true } }));
    expect(p).not.toHaveProperty("WebAuthnRelyingPartyID");
    expect(p).toMatchObject({ WebAuthnUserVerification: "preferred", Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] } } });
  });

  it.each([
    [{}, ["ALLOW_REFRESH_TOKEN_AUTH"]],
    [{ refreshTokenRotation: { enabled: true } }, ["ALLOW_USER_SRP_AUTH"]],
    [{ passkeys: { enabled: true } }, ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH"]],
    [{ passkeys: { enabled: true }, refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 0 } }, ["ALLOW_USER_AUTH"]],
  ])("app client flows for %j: %j, never empty, never REFRESH_TOKEN_AUTH with rotation", (u, flows) => {
    const c = appClientProperties(signIn(u));
    expect(c.ExplicitAuthFlows).toEqual(flows);
    if ((u as { refreshTokenRotation?: unknown }).refreshTokenRotation) expect(c.RefreshTokenRotation).toMatchObject({ Feature: "ENABLED" });
  });

  it.each([
    [{}, false],
    [{ mfa: "on" }, false],
    [{ branding: {} }, false],
    [{ passkeys: { enabled: true } }, true],
    [{ passwordPolicy: { passwordHistorySize: 2 } }, true],
    [{ branding: { settings: {} } }, true],
  ])("Essentials plan for %j: %s", (u, expected) => {
    expect(needsEssentials(signIn(u))).toBe(expected);
  });
});
