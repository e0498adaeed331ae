/**
 * The zod shapes of the deploy keys for running the product in the user's own stack: the created pool's sign-in
 * options (`deploy.userPool.managedLogin`, `branding`, `refreshTokenRotation`, `passkeys`, `mfa`,
 * `passwordPolicy`) and the edge stack's dashboard and alarms (`deploy.dashboard`, `deploy.alarms`).
 * shared/config/schema.ts puts them into the deploy schema; shared/config/resolve-operate.ts resolves them.
 * Build-time only, like the rest of the schema.
 *
 * CloudFormation names behind each value: AWS::Cognito::UserPool (`MfaConfiguration`, `EnabledMfas`,
 * `WebAuthnRelyingPartyID`, `WebAuthnUserVerification`, `Policies.SignInPolicy`, `Policies.PasswordPolicy`),
 * AWS::Cognito::UserPoolClient `RefreshTokenRotation`, AWS::Cognito::UserPoolDomain `ManagedLoginVersion`,
 * AWS::Cognito::ManagedLoginBranding, AWS::CloudWatch::Dashboard and AWS::CloudWatch::Alarm.
 */
import { z } from "zod";
import { AWS_REGIONS } from "./regions";

const int = (min: number, max: number, what: string) => {
  const hint = `must be a whole number ${what} between ${min} and ${max}`;
  return z.number().int({ error: hint }).min(min, { error: hint }).max(max, { error: hint });
};

/** Relying party ids are host names (WebAuthn): the site's domain or a parent of it; at most 63 characters. */
const RP_ID = /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** The created pool's sign-in options, spread into `deploy.userPool`. */
export const userPoolSignInShape = {
  managedLogin: z
    .enum(["v2", "classic"], { error: 'must be "v2" or "classic"' })
    .default("v2")
    .describe("Sign-in pages: v2 (managed login, ManagedLoginVersion 2, with a branding style; needs the Essentials plan, which the pool is then put on) or classic (the classic Hosted UI, the only one the cheaper Lite plan offers)."),
  branding: z
    .strictObject(
      {
        settings: z
          .record(z.string(), z.unknown(), { error: "must be the JSON object the branding designer exports" })
          .optional()
          .describe("Managed login style settings (the JSON the Cognito branding designer exports). Default: Cognito's own style."),
        assets: z
          .array(
            z.strictObject(
              {
                category: z.string().describe("e.g. FORM_LOGO, PAGE_BACKGROUND, FAVICON_ICO. Required."),
                colorMode: z.enum(["LIGHT", "DARK", "DYNAMIC"], { error: 'must be "LIGHT", "DARK" or "DYNAMIC"' }).describe("Required."),
                extension: z.enum(["ICO", "JPEG", "PNG", "SVG", "WEBP"], { error: 'must be "ICO", "JPEG", "PNG", "SVG" or "WEBP"' }).describe("Required."),
                bytes: z.string().describe("The image, base64. Required."),
              },
              { error: 'must be { "category", "colorMode", "extension", "bytes" }' },
            ),
            { error: "must be an array of image assets" },
          )
          .optional()
          .describe("Images of the managed login style (logos, backgrounds). Default: none."),
      },
      { error: 'must be an object { "settings", "assets" }' },
    )
    .optional()
    .describe("The managed login branding style (managedLogin v2 only). Default: Cognito's own style (UseCognitoProvidedValues)."),
  refreshTokenRotation: z
    .strictObject(
      {
        enabled: z.boolean().default(false).describe("Issue a new refresh token on every refresh and retire the old one."),
        retryGracePeriodSeconds: int(0, 60, "of seconds")
          .default(10)
          .describe("How long a rotated-out refresh token still works, so two refreshes racing from one browser both succeed."),
      },
      { error: 'must be an object { "enabled", "retryGracePeriodSeconds" }' },
    )
    .optional()
    .describe("Refresh token rotation on the app client (puts the pool on the Essentials plan). Default: off."),
  passkeys: z
    .strictObject(
      {
        enabled: z.boolean().default(false).describe("Offer passkeys (WebAuthn) as a first sign-in factor besides the password."),
        relyingPartyId: z
          .string()
          .regex(RP_ID, { error: "must be a lower-case host name such as auth.example.com (at most 63 characters)" })
          .optional()
          .describe("The passkeys' relying party id. Default: the pool's domain (<prefix>.auth.<region>.amazoncognito.com)."),
        userVerification: z
          .enum(["preferred", "required"], { error: 'must be "preferred" or "required"' })
          .optional()
          .describe('Whether passkeys must verify the user (PIN, biometrics). Default: "required" with mfa "on" (a passkey then counts as both factors, WebAuthnFactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION), "preferred" otherwise.'),
      },
      { error: 'must be an object { "enabled", "relyingPartyId", "userVerification" }' },
    )
    .optional()
    .describe('Passkey sign-in (needs managedLogin v2; puts the pool on the Essentials plan). With mfa "on" a passkey that verifies the user counts as both factors. Default: off.'),
  mfa: z.enum(["off", "optional", "on"], { error: 'must be "off", "optional" or "on"' }).default("off").describe("Multi-factor authentication: off, optional (users choose) or on (required)."),
  mfaMethods: z
    .array(z.enum(["totp", "sms"], { error: 'must be "totp" or "sms"' }), { error: 'must be an array of "totp" and "sms"' })
    .min(1, { error: 'must name at least one of "totp", "sms"' })
    .optional()
    .describe('Second factors with mfa on or optional: totp (authenticator apps) and sms (text messages; a role lets Cognito publish through SNS). Default: ["totp"].'),
  passwordPolicy: z
    .strictObject(
      {
        minimumLength: int(6, 99, "of characters").default(12).describe("Shortest password accepted."),
        requireLowercase: z.boolean().default(true).describe("Require a lower-case letter."),
        requireUppercase: z.boolean().default(true).describe("Require an upper-case letter."),
        requireNumbers: z.boolean().default(true).describe("Require a digit."),
        requireSymbols: z.boolean().default(false).describe("Require a symbol."),
        temporaryPasswordValidityDays: int(0, 365, "of days").default(7).describe("How long an administrator's temporary password works."),
        passwordHistorySize: int(0, 24, "of passwords").optional().describe("Refuse the last N passwords again (Essentials plan). Default: none."),
      },
      { error: "must be an object" },
    )
    .optional()
    .describe("Password rules of the pool. Default: 12 characters, lower and upper case and a digit."),
};

const PER_MINUTE = (dflt: number, what: string) => int(1, 100000, "per minute").default(dflt).describe(what);

/** `deploy.alarms`: alarms on the EMF metrics, with an optional SNS topic. */
export const alarmsSchema = z
  .strictObject(
    {
      enabled: z.boolean().default(true).describe("Create the alarms."),
      snsTopicArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:us-east-1:\d{12}:[\w-]{1,256}$/, { error: "must be the ARN of an SNS topic in us-east-1 (where the alarms are)" })
        .optional()
        .describe("SNS topic (in us-east-1) told when an alarm fires and when it is back to OK. Default: none (the alarms only show in the console)."),
      rejectionsPerMinute: PER_MINUTE(20, "Alarm when more tokens than this are rejected (rejected:*) in a minute, in 2 of 5 minutes."),
      unavailablePerMinute: PER_MINUTE(5, "Alarm when Cognito is unreachable (cognito-unavailable, cognito-unavailable:jwks) more often than this in a minute, in 2 of 5 minutes."),
    },
    { error: "must be an object" },
  )
  .optional()
  .describe("CloudWatch alarms of the edge stack. Default: on, no SNS topic.");

const REGIONS_HINT = 'must be an array of AWS regions, e.g. ["us-east-1", "eu-west-1"]';

/** `deploy.dashboard`: the CloudWatch dashboard and the regions it shows. */
export const dashboardSchema = z
  .strictObject(
    {
      enabled: z.boolean().default(true).describe("Create the dashboard."),
      regions: z
        .array(z.enum(AWS_REGIONS as [string, ...string[]], { error: REGIONS_HINT }), { error: REGIONS_HINT })
        .min(1, { error: REGIONS_HINT })
        .max(20, { error: "must list at most 20 regions" })
        .optional()
        .describe("Regions whose metrics the dashboard shows (Lambda@Edge logs, and so its metrics, land in the region that served the viewer). Default: the regional edge cache regions of deploy.priceClass."),
    },
    { error: "must be an object" },
  )
  .optional()
  .describe("CloudWatch dashboard of the edge functions' decisions. Default: on.");
