/**
 * Resolves the deploy keys of shared/config/schema-operate.ts (the created pool's sign-in options, the dashboard and
 * the alarms): defaults that depend on other keys and the checks that involve several keys. Called from
 * `deployPart` in shared/config/resolve-deploy.ts; every problem names its field.
 */
import type { z } from "zod";
import type { alarmsSchema, dashboardSchema, userPoolSignInShape } from "./schema-operate";
import { edgeCacheRegions } from "./edge-regions";
import type { AlarmSettings, DashboardSettings, MfaMethod, PriceClass, UserPoolSignIn } from "./types";
import type { Fail } from "./resolve-common";

type SignInData = Partial<{ [K in keyof typeof userPoolSignInShape]: z.output<(typeof userPoolSignInShape)[K]> }>;
const F = "deploy.userPool";

/** The created pool's sign-in options with their defaults. */
export function resolveUserPoolSignIn(p: SignInData, fail: Fail): UserPoolSignIn {
  const managedLogin = p.managedLogin ?? "v2";
  const mfa = p.mfa ?? "off";
  const pw = p.passwordPolicy;
  if (p.branding && managedLogin !== "v2") fail(`${F}.branding`, 'styles managed login only: set managedLogin to "v2" or leave branding out');
  if (p.passkeys?.enabled && managedLogin !== "v2")
    fail(`${F}.passkeys`, 'need managedLogin "v2": the classic Hosted UI has no passkey sign-in');
  if (p.mfaMethods !== undefined && mfa === "off") fail(`${F}.mfaMethods`, 'has no effect with mfa "off": set mfa to "optional" or "on"');
  // With MFA required, Cognito lets a passkey in only as both factors, which takes user verification
  // (WebAuthnConfigurationType FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION): "required" is then the
  // default, and "preferred" would leave a passkey without it no way to finish signing in.
  const verification = p.passkeys?.userVerification ?? (mfa === "on" ? "required" : "preferred");
  if (p.passkeys?.enabled && mfa === "on" && verification !== "required")
    fail(
      `${F}.passkeys.userVerification`,
      'must be "required" with mfa "on": a passkey counts as both factors only when it verifies the user (PIN, biometrics); leave it out or set it to "required"',
    );
  const rotation = p.refreshTokenRotation;
  return {
    managedLogin,
    ...(p.branding ? { branding: p.branding } : {}),
    ...(rotation?.enabled ? { refreshTokenRotation: { retryGracePeriodSeconds: rotation.retryGracePeriodSeconds ?? 10 } } : {}),
    ...(p.passkeys?.enabled
      ? { passkeys: { ...(p.passkeys.relyingPartyId ? { relyingPartyId: p.passkeys.relyingPartyId } : {}), userVerification: verification } }
      : {}),
    mfa,
    mfaMethods: [...new Set<MfaMethod>(p.mfaMethods ?? ["totp"])],
    passwordPolicy: {
      minimumLength: pw?.minimumLength ?? 12,
      requireLowercase: pw?.requireLowercase ?? true,
      requireUppercase: pw?.requireUppercase ?? true,
      requireNumbers: pw?.requireNumbers ?? true,
      requireSymbols: pw?.requireSymbols ?? false,
      temporaryPasswordValidityDays: pw?.temporaryPasswordValidityDays ?? 7,
      ...(pw?.passwordHistorySize !== undefined ? { passwordHistorySize: pw.passwordHistorySize } : {}),
    },
  };
}

/** `deploy.alarms` with its defaults. */
export function resolveAlarms(a: z.output<typeof alarmsSchema>): AlarmSettings {
  return {
    enabled: a?.enabled ?? true,
    ...(a?.snsTopicArn ? { snsTopicArn: a.snsTopicArn } : {}),
    rejectionsPerMinute: a?.rejectionsPerMinute ?? 20,
    unavailablePerMinute: a?.unavailablePerMinute ?? 5,
  };
}

/** `deploy.dashboard` with its defaults: the regional edge cache regions of the price class. */
export function resolveDashboard(d: z.output<typeof dashboardSchema>, priceClass: PriceClass): DashboardSettings {
  return { enabled: d?.enabled ?? true, regions: [...new Set(d?.regions ?? edgeCacheRegions(priceClass))] };
}
