/**
 * The created user pool (`deploy.createUserPool`) as CloudFormation: the pool, its domain, each app client, the
 * managed login style and the role Cognito sends SMS with, from `deploy.userPool` (shared/config/types.ts
 * `UserPoolSettings`). Both deploy paths take their properties from here: scripts/sls-values.ts puts them into the
 * pool stack of serverless.pool.yml, cdk/user-pool.ts (`EdgeAuthUserPool`) onto its CloudFormation resources. A
 * deploy path only says how it names the other resources (`PoolRefs`); test/integration/pool-parity.test.ts holds
 * the two templates to one answer.
 *
 * None of it changes the edge contract: the edge sends the browser to `/oauth2/authorize` and exchanges the code (or
 * the refresh token) at `/oauth2/token`. With rotation on, that answer carries a new refresh token, which
 * refresh-auth stores (shared/edge/oauth.ts `TokenSet.refreshToken`).
 *
 * Property names: AWS::Cognito::UserPool, ::UserPoolClient, ::UserPoolDomain and ::ManagedLoginBranding in the
 * CloudFormation template reference (the names cfn-lint's schemas check).
 */
import type { PoolClient } from "./deploy";
import type { UserPoolSettings, UserPoolSignIn } from "./types";

type Cfn = Record<string, unknown>;

/** Cognito's feature plans (`UserPoolTier`). Plus (threat protection) is never chosen: nothing here needs it. */
export type FeaturePlan = "LITE" | "ESSENTIALS";

/** A setting that needs a plan above Lite, and the AWS page that says so. */
export interface PlanFeature {
  /** The config key that turns it on, e.g. `deploy.userPool.passkeys`. */
  key: string;
  /** What it is, for messages and docs. */
  feature: string;
  /** The AWS documentation page behind the rule. */
  source: string;
}

/** What decides the plan besides `deploy.userPool`: the pre-token-generation trigger, when one is attached. */
export interface PoolTriggers {
  /** The pre-token-generation function's ARN (as the deploy path refers to it); absent: no trigger. */
  preTokenGenerationArn?: unknown;
  /** The post-confirmation function's ARN; absent: no trigger. */
  postConfirmationArn?: unknown;
}

/** The feature plans page: what each plan includes and costs. */
export const FEATURES_PAGE = "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html";

/**
 * Every setting that needs the Essentials plan, each with the page that says so. The plan is chosen from this
 * table only (`featurePlan`); the docs (docs/deploy-serverless.md, docs/operate.md) name the same rows.
 */
const ESSENTIALS_FEATURES: ReadonlyArray<PlanFeature & { on: (p: UserPoolSettings, t: PoolTriggers) => boolean }> = [
  {
    key: "deploy.userPool.managedLogin",
    feature: 'managed login ("v2")',
    // "In the Lite feature plan, the classic hosted UI is your only option for user pool domain services."
    source: "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-managed-login.html",
    on: (p) => p.signIn.managedLogin === "v2",
  },
  {
    key: "deploy.userPool.branding",
    feature: "a managed login branding style of your own",
    source: "https://docs.aws.amazon.com/cognito/latest/developerguide/managed-login-branding.html",
    on: (p) => customBranding(p.signIn),
  },
  {
    key: "deploy.userPool.passkeys",
    feature: "passkey sign-in",
    // WebAuthnConfigurationType: "your user pool must be in the Essentials tier or higher".
    source: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html",
    on: (p) => p.signIn.passkeys !== undefined,
  },
  {
    key: "deploy.userPool.passwordPolicy.passwordHistorySize",
    feature: "password history",
    source: "https://docs.aws.amazon.com/cognito/latest/developerguide/feature-plans-features-essentials.html",
    on: (p) => p.signIn.passwordPolicy.passwordHistorySize !== undefined,
  },
  {
    key: "deploy.userPool.refreshTokenRotation",
    feature: "refresh token rotation",
    // The launch note (What's New, April 2025): rotation is for user pools on the Essentials or Plus plan.
    source: "https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html",
    on: (p) => p.signIn.refreshTokenRotation !== undefined,
  },
  {
    key: "deploy.userPool.preTokenGenerationVersion",
    feature: "access token customisation (a V2_0 pre-token-generation trigger)",
    source: "https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html",
    on: (p, t) => t.preTokenGenerationArn !== undefined && p.preTokenGenerationVersion !== "V1_0",
  },
];

/**
 * The feature plan the pool needs (`UserPoolTier`) and why: Essentials when any setting of `ESSENTIALS_FEATURES` is
 * on, Lite (the cheapest) otherwise. https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
 */
export function featurePlan(p: UserPoolSettings, t: PoolTriggers): { plan: FeaturePlan; because: PlanFeature[] } {
  const because = ESSENTIALS_FEATURES.filter((f) => f.on(p, t)).map(({ key, feature, source }) => ({ key, feature, source }));
  return { plan: because.length ? "ESSENTIALS" : "LITE", because };
}

/** The rows of the plan table, for docs and tests. */
export function essentialsFeatures(): PlanFeature[] {
  return ESSENTIALS_FEATURES.map(({ key, feature, source }) => ({ key, feature, source }));
}

/** How a deploy path refers to the pool stack's other resources (CloudFormation intrinsics, or CDK tokens). */
export interface PoolRefs {
  /** The pool's id (`{ Ref: <pool> }`). */
  userPoolId: unknown;
  /** The SMS role's ARN; read only when SMS is a second factor (`needsSmsRole`). */
  smsRoleArn?: unknown;
}

/** The external id binding the SMS role to this pool's stack (sts:ExternalId), in the role and in the pool. */
export const SMS_EXTERNAL_ID = { "Fn::Sub": "${AWS::StackName}-sms" } as const;

/** Whether SMS is a second factor, so Cognito needs a role to publish through SNS (`smsRoleProperties`). */
export function needsSmsRole(s: UserPoolSignIn): boolean {
  return s.mfa !== "off" && s.mfaMethods.includes("sms");
}

/** A style of the user's own (settings or images), rather than Cognito's (`UseCognitoProvidedValues`). */
function customBranding(s: UserPoolSignIn): boolean {
  return s.branding?.settings !== undefined || (s.branding?.assets?.length ?? 0) > 0;
}

/**
 * Properties of AWS::Cognito::UserPool: e-mail addresses as user names, administrators create users unless
 * `selfSignUp`, the password policy, MFA (with the SMS role when SMS is a factor), passkeys, the triggers, the plan
 * and deletion protection.
 */
export function userPoolProperties(p: UserPoolSettings, triggers: PoolTriggers, refs: PoolRefs): Cfn {
  const s = p.signIn;
  const pw = s.passwordPolicy;
  const mfaOn = s.mfa !== "off";
  const lambdaConfig: Cfn = {
    ...(triggers.preTokenGenerationArn !== undefined
      ? { PreTokenGenerationConfig: { LambdaArn: triggers.preTokenGenerationArn, LambdaVersion: p.preTokenGenerationVersion } }
      : {}),
    ...(triggers.postConfirmationArn !== undefined ? { PostConfirmation: triggers.postConfirmationArn } : {}),
  };
  return {
    UserPoolName: p.name,
    UsernameAttributes: ["email"],
    AutoVerifiedAttributes: ["email"],
    UsernameConfiguration: { CaseSensitive: false },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: !p.selfSignUp },
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
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
    ...(mfaOn ? { EnabledMfas: [...(s.mfaMethods.includes("totp") ? ["SOFTWARE_TOKEN_MFA"] : []), ...(needsSmsRole(s) ? ["SMS_MFA"] : [])] } : {}),
    ...(needsSmsRole(s) ? { SmsConfiguration: { SnsCallerArn: refs.smsRoleArn, ExternalId: SMS_EXTERNAL_ID, SnsRegion: { Ref: "AWS::Region" } } } : {}),
    ...(s.passkeys
      ? {
          ...(s.passkeys.relyingPartyId ? { WebAuthnRelyingPartyID: s.passkeys.relyingPartyId } : {}),
          WebAuthnUserVerification: s.passkeys.userVerification,
          // With MFA required, a passkey is a way in only when it counts as both factors: "When set to
          // MULTI_FACTOR_WITH_USER_VERIFICATION, passkey authentication with user verification satisfies MFA
          // requirements" (WebAuthnConfigurationType). resolve-operate.ts makes user verification required then.
          ...(s.mfa === "on" ? { WebAuthnFactorConfiguration: "MULTI_FACTOR_WITH_USER_VERIFICATION" } : {}),
        }
      : {}),
    UserPoolTier: featurePlan(p, triggers).plan,
    DeletionProtection: p.deletionProtection ? "ACTIVE" : "INACTIVE",
    ...(Object.keys(lambdaConfig).length ? { LambdaConfig: lambdaConfig } : {}),
  };
}

/** Properties of AWS::Cognito::UserPoolDomain: the prefix domain, managed login (2) or the classic Hosted UI (1). */
export function domainProperties(p: UserPoolSettings, refs: PoolRefs): Cfn {
  return { Domain: p.domainPrefix, UserPoolId: refs.userPoolId, ManagedLoginVersion: p.signIn.managedLogin === "v2" ? 2 : 1 };
}

/**
 * Properties of AWS::Cognito::UserPoolClient: the code grant for the client's callback and sign-out URLs, token
 * revocation, rotation, token lifetimes, and the API flows the options need. Cognito's token endpoint serves the
 * edge whatever `ExplicitAuthFlows` says; it only governs the user pools API:
 * - rotation cannot be combined with `ALLOW_REFRESH_TOKEN_AUTH` (Cognito refuses REFRESH_TOKEN_AUTH on a rotating
 *   client), so it is left out;
 * - passkeys sign in through the choice-based flow, `ALLOW_USER_AUTH`;
 * - an empty list would make Cognito fall back to its defaults (which include ALLOW_REFRESH_TOKEN_AUTH), so the
 *   list is never empty: `ALLOW_USER_SRP_AUTH`, the flow that never sends the password, fills it.
 */
export function clientProperties(p: UserPoolSettings, c: Pick<PoolClient, "name" | "scopes" | "callbackUrls" | "logoutUrls">, refs: PoolRefs): Cfn {
  const s = p.signIn;
  const flows = [...(s.refreshTokenRotation ? [] : ["ALLOW_REFRESH_TOKEN_AUTH"]), ...(s.passkeys ? ["ALLOW_USER_AUTH"] : [])];
  return {
    UserPoolId: refs.userPoolId,
    ClientName: c.name,
    GenerateSecret: p.generateSecret,
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ["code"],
    AllowedOAuthScopes: c.scopes,
    CallbackURLs: c.callbackUrls,
    LogoutURLs: c.logoutUrls,
    SupportedIdentityProviders: ["COGNITO"],
    EnableTokenRevocation: true,
    PreventUserExistenceErrors: "ENABLED",
    ExplicitAuthFlows: flows.length ? flows : ["ALLOW_USER_SRP_AUTH"],
    ...(s.refreshTokenRotation ? { RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: s.refreshTokenRotation.retryGracePeriodSeconds } } : {}),
    AccessTokenValidity: 60,
    IdTokenValidity: 60,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
  };
}

/**
 * Properties of the AWS::Cognito::ManagedLoginBranding of one app client (managed login v2 only; undefined for the
 * classic Hosted UI): the user's style, or Cognito's own. It must be created after the v2 domain.
 */
export function brandingProperties(p: UserPoolSettings, clientId: unknown, refs: PoolRefs): Cfn | undefined {
  const s = p.signIn;
  if (s.managedLogin !== "v2") return undefined;
  const b = s.branding;
  return {
    UserPoolId: refs.userPoolId,
    ClientId: clientId,
    ...(customBranding(s)
      ? {
          ...(b?.settings ? { Settings: b.settings } : {}),
          ...(b?.assets?.length ? { Assets: b.assets.map((a) => ({ Category: a.category, ColorMode: a.colorMode, Extension: a.extension, Bytes: a.bytes })) } : {}),
        }
      : { UseCognitoProvidedValues: true }),
  };
}

/**
 * Properties of the AWS::IAM::Role Cognito assumes (bound to the stack by the external id) to publish text messages
 * with SNS. https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-sms-settings.html
 */
export function smsRoleProperties(): Cfn {
  return {
    AssumeRolePolicyDocument: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "cognito-idp.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": SMS_EXTERNAL_ID } },
        },
      ],
    },
    Policies: [{ PolicyName: "cognito-sends-sms", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sns:Publish", Resource: "*" }] } }],
  };
}
