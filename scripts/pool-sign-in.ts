/**
 * How the created user pool signs people in, as CloudFormation: managed login (v2, with a branding style) or the
 * classic Hosted UI, passkeys, multi-factor authentication, the password policy and refresh token rotation, from
 * `deploy.userPool.*` (shared/config/types.ts `UserPoolSignIn`). `poolResources` in scripts/sls-values.ts spreads
 * these fragments into the pool, domain and app client.
 *
 * None of it changes the edge contract: the edge still sends the browser to `/oauth2/authorize` and exchanges the
 * code (or the refresh token) at `/oauth2/token`. With rotation on, that answer carries a new refresh token,
 * which refresh-auth already stores (shared/edge/oauth.ts `TokenSet.refreshToken`).
 *
 * Property names: AWS::Cognito::UserPool, ::UserPoolClient, ::UserPoolDomain and ::ManagedLoginBranding in the
 * CloudFormation template reference (the same names cfn-lint's schemas check).
 */
import type { UserPoolSignIn } from "../shared/config/types";

type Cfn = Record<string, unknown>;

/** Logical ids of the resources this module adds. */
export const SIGN_IN_IDS = { branding: "ManagedLoginBranding", smsRole: "UserPoolSmsRole" } as const;

/** Whether these options need the Essentials plan: passkeys (sign-in policy), password history, a custom style. */
export function needsEssentials(s: UserPoolSignIn): boolean {
  return s.passkeys !== undefined || s.passwordPolicy.passwordHistorySize !== undefined || s.branding?.settings !== undefined || (s.branding?.assets?.length ?? 0) > 0;
}

/** Properties of AWS::Cognito::UserPool: policies, MFA (with the SMS role when SMS is a factor) and passkeys. */
export function userPoolProperties(s: UserPoolSignIn): Cfn {
  const pw = s.passwordPolicy;
  const mfaOn = s.mfa !== "off";
  const sms = mfaOn && s.mfaMethods.includes("sms");
  return {
    Policies: {
      PasswordPolicy: {
        MinimumLength: pw.minimumLength,
        RequireLowercase: pw.requireLowercase,
        RequireUppercase: pw.requireUppercase,
        RequireNumbers: pw.requireNumbers,
        RequireSymbols: pw.requireSymbols,
        TemporaryPasswordValidityDays: pw.temporaryPasswordValidityDays,
        ...(pw.passwordHistorySize !== undefined ? { PasswordHistorySize: pw.passwordHistorySize } : {}),
      },
      ...(s.passkeys ? { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] } } : {}),
    },
    MfaConfiguration: s.mfa.toUpperCase(),
    ...(mfaOn
      ? { EnabledMfas: [...(s.mfaMethods.includes("totp") ? ["SOFTWARE_TOKEN_MFA"] : []), ...(sms ? ["SMS_MFA"] : [])] }
      : {}),
    ...(sms
      ? {
          SmsConfiguration: {
            SnsCallerArn: { "Fn::GetAtt": [SIGN_IN_IDS.smsRole, "Arn"] },
            ExternalId: { "Fn::Sub": "${AWS::StackName}-sms" },
            SnsRegion: { Ref: "AWS::Region" },
          },
        }
      : {}),
    ...(s.passkeys
      ? { ...(s.passkeys.relyingPartyId ? { WebAuthnRelyingPartyID: s.passkeys.relyingPartyId } : {}), WebAuthnUserVerification: s.passkeys.userVerification }
      : {}),
  };
}

/** `ManagedLoginVersion` of AWS::Cognito::UserPoolDomain: 2 for managed login, 1 for the classic Hosted UI. */
export function managedLoginVersion(s: UserPoolSignIn): 1 | 2 {
  return s.managedLogin === "v2" ? 2 : 1;
}

/**
 * Properties of AWS::Cognito::UserPoolClient: rotation, and the API flows the options need. Cognito's token
 * endpoint serves the edge whatever these say; `ExplicitAuthFlows` only governs the user pools API.
 * - Rotation cannot be combined with `ALLOW_REFRESH_TOKEN_AUTH` (Cognito refuses REFRESH_TOKEN_AUTH on a rotating
 *   client), so it is left out.
 * - Passkeys sign in through the choice-based flow, `ALLOW_USER_AUTH`.
 * - An empty list would make Cognito fall back to its defaults (which include ALLOW_REFRESH_TOKEN_AUTH), so the
 *   list is never empty: `ALLOW_USER_SRP_AUTH`, the flow that never sends the password, fills it.
 */
export function appClientProperties(s: UserPoolSignIn): Cfn {
  const flows = [...(s.refreshTokenRotation ? [] : ["ALLOW_REFRESH_TOKEN_AUTH"]), ...(s.passkeys ? ["ALLOW_USER_AUTH"] : [])];
  return {
    ExplicitAuthFlows: flows.length ? flows : ["ALLOW_USER_SRP_AUTH"],
    ...(s.refreshTokenRotation ? { RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: s.refreshTokenRotation.retryGracePeriodSeconds } } : {}),
  };
}

/**
 * Resources these options add: the managed login style (v2), one per app client (`clients`: their logical ids, the
 * first keeping the plain id), and the role Cognito sends SMS with.
 */
export function signInResources(s: UserPoolSignIn, clients: readonly string[] = ["UserPoolClient"]): Cfn {
  const out: Cfn = {};
  if (s.managedLogin === "v2") clients.forEach((client, i) => {
    const b = s.branding;
    const custom = b?.settings !== undefined || (b?.assets?.length ?? 0) > 0;
    out[`${SIGN_IN_IDS.branding}${i === 0 ? "" : client.slice("UserPoolClient".length)}`] = {
      Type: "AWS::Cognito::ManagedLoginBranding",
      // The style belongs to the app client on a v2 domain.
      DependsOn: ["UserPoolDomain"],
      Properties: {
        UserPoolId: { Ref: "UserPool" },
        ClientId: { Ref: client },
        ...(custom
          ? { ...(b?.settings ? { Settings: b.settings } : {}), ...(b?.assets?.length ? { Assets: b.assets.map((a) => ({ Category: a.category, ColorMode: a.colorMode, Extension: a.extension, Bytes: a.bytes })) } : {}) }
          : { UseCognitoProvidedValues: true }),
      },
    };
  });
  if (s.mfa !== "off" && s.mfaMethods.includes("sms")) {
    // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-sms-settings.html: Cognito assumes this
    // role (bound to the pool by the external id) to publish text messages with SNS.
    out[SIGN_IN_IDS.smsRole] = {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "cognito-idp.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "sts:ExternalId": { "Fn::Sub": "${AWS::StackName}-sms" } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: "cognito-sends-sms",
            PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sns:Publish", Resource: "*" }] },
          },
        ],
      },
    };
  }
  return out;
}
