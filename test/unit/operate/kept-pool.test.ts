/**
 * The pool stack's part of npm run remove against an SDK v3 Cognito client stubbed by aws-sdk-client-mock: a kept
 * pool (deletion protection) loses our triggers before the stack and its functions go, and keeps every other
 * setting, since UpdateUserPool resets whatever it is not given.
 */
import { CognitoIdentityProviderClient, DescribeUserPoolCommand, UpdateUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { UserPoolType } from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { detachRequest, removePoolStack, triggerFunctionNames } from "../../../scripts/operate/kept-pool";

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

const D = { service: "edge-auth", stage: "dev" };
const OURS = triggerFunctionNames(D);
const fnArn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;

/** A pool as DescribeUserPool returns it after `npm run deploy` with both triggers, MFA and SMS. */
const POOL: UserPoolType = {
  Id: "eu-west-1_Kept",
  Name: "edge-auth-dev",
  Arn: "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Kept",
  Status: "Enabled",
  CreationDate: new Date(0),
  LastModifiedDate: new Date(0),
  EstimatedNumberOfUsers: 42,
  Policies: {
    PasswordPolicy: { MinimumLength: 14, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3, PasswordHistorySize: 3 },
    SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] },
  },
  DeletionProtection: "ACTIVE",
  LambdaConfig: {
    PreTokenGeneration: fnArn("edge-auth-pool-dev-preTokenGeneration"),
    PreTokenGenerationConfig: { LambdaArn: fnArn("edge-auth-pool-dev-preTokenGeneration"), LambdaVersion: "V2_0" },
    PostConfirmation: fnArn("edge-auth-pool-dev-postConfirmation"),
    CustomMessage: fnArn("someone-elses-function"),
  },
  UsernameAttributes: ["email"],
  AutoVerifiedAttributes: ["email"],
  UsernameConfiguration: { CaseSensitive: false },
  VerificationMessageTemplate: { DefaultEmailOption: "CONFIRM_WITH_CODE", EmailMessage: "Code {####}", EmailSubject: "Your code" },
  EmailVerificationMessage: "Code {####}",
  EmailVerificationSubject: "Your code",
  MfaConfiguration: "ON",
  SmsConfiguration: { SnsCallerArn: "arn:aws:iam::123456789012:role/sms", ExternalId: "edge-auth-pool-dev-sms", SnsRegion: "eu-west-1" },
  EmailConfiguration: { EmailSendingAccount: "COGNITO_DEFAULT" },
  UserPoolTags: { app: "edge-auth" },
  AdminCreateUserConfig: { AllowAdminCreateUserOnly: true, UnusedAccountValidityDays: 3 },
  UserPoolAddOns: { AdvancedSecurityMode: "OFF" },
  AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
  UserPoolTier: "ESSENTIALS",
  Domain: "edge-auth-dev",
};

describe("detaching our triggers from a kept pool", () => {
  it("names the pool stack's trigger functions as Serverless does", () => {
    expect(OURS.sort()).toEqual(["edge-auth-pool-dev-postConfirmation", "edge-auth-pool-dev-preTokenGeneration"]);
  });

  it("keeps every setting UpdateUserPool would otherwise reset, and only the triggers of others", () => {
    const r = detachRequest(POOL, OURS)!;
    expect(r.removed.sort()).toEqual(["PostConfirmation", "PreTokenGeneration", "PreTokenGenerationConfig"]);
    expect(r.request).toEqual({
      UserPoolId: "eu-west-1_Kept",
      PoolName: "edge-auth-dev",
      Policies: POOL.Policies,
      DeletionProtection: "ACTIVE",
      LambdaConfig: { CustomMessage: fnArn("someone-elses-function") },
      AutoVerifiedAttributes: ["email"],
      VerificationMessageTemplate: POOL.VerificationMessageTemplate,
      MfaConfiguration: "ON",
      SmsConfiguration: POOL.SmsConfiguration,
      EmailConfiguration: POOL.EmailConfiguration,
      UserPoolTags: { app: "edge-auth" },
      // The deprecated twin of TemporaryPasswordValidityDays: Cognito refuses both in one update.
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolAddOns: { AdvancedSecurityMode: "OFF" },
      AccountRecoverySetting: POOL.AccountRecoverySetting,
      UserPoolTier: "ESSENTIALS",
    });
  });

  it("asks for no update when none of our triggers is attached", () => {
    expect(detachRequest({ ...POOL, LambdaConfig: { CustomMessage: fnArn("someone-elses-function") } }, OURS)).toBeUndefined();
    expect(detachRequest({ ...POOL, LambdaConfig: undefined }, OURS)).toBeUndefined();
  });
});

describe("removing the pool stack", () => {
  const run = (deletionProtection: boolean, stack: "deployed" | "absent" = "deployed") => {
    const outputs = stack === "deployed" ? { UserPoolId: "eu-west-1_Kept" } : undefined;
    const order: string[] = [];
    const lines: string[] = [];
    cognito.on(DescribeUserPoolCommand).callsFake(async () => {
      order.push("describe");
      return { UserPool: POOL };
    });
    cognito.on(UpdateUserPoolCommand).callsFake(async () => {
      order.push("update");
      return {};
    });
    const kept = removePoolStack({ ...D, userPool: { deletionProtection } as never }, "eu-west-1", {
      outputs: async () => outputs,
      removeStack: async () => order.push("remove stack"),
      cognito: new CognitoIdentityProviderClient({ region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } }),
      log: (l) => lines.push(l),
    });
    return { kept, order, lines };
  };

  it("with deletion protection: detaches the triggers while the functions exist, then removes the stack and says what is left", async () => {
    const { kept, order, lines } = run(true);
    expect(await kept).toBe("eu-west-1_Kept");
    expect(order).toEqual(["describe", "update", "remove stack"]);
    expect(cognito.commandCalls(DescribeUserPoolCommand)[0]!.args[0].input).toEqual({ UserPoolId: "eu-west-1_Kept" });
    expect(cognito.commandCalls(UpdateUserPoolCommand)[0]!.args[0].input.LambdaConfig).toEqual({ CustomMessage: fnArn("someone-elses-function") });
    expect(lines.join("\n")).toMatch(/Detached the triggers .* from user pool eu-west-1_Kept/);
    expect(lines.join("\n")).toMatch(/A later `npm run deploy` of this config creates a new, empty pool beside it/);
  });

  it("without deletion protection: the pool goes with the stack, nothing to detach", async () => {
    const { kept, order } = run(false);
    expect(await kept).toBeUndefined();
    expect(order).toEqual(["remove stack"]);
  });

  it("with no stack: does nothing", async () => {
    const { kept, order, lines } = run(true, "absent");
    expect(await kept).toBeUndefined();
    expect(order).toEqual([]);
    expect(lines).toEqual(["stack edge-auth-pool-dev not found in eu-west-1; nothing to remove there"]);
  });
});
