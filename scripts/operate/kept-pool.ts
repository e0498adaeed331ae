/**
 * The pool stack's part of `npm run remove`. A pool with `deploy.userPool.deletionProtection` outlives its stack
 * (DeletionPolicy Retain), but the stack's trigger functions, domain, app clients and SMS role go with it. A pool
 * that still names a deleted trigger fails every sign-in that reaches the trigger, so the triggers are detached
 * from the pool before the stack (and with it the functions) is removed.
 *
 * UpdateUserPool is not a patch: "If you don't provide a value for an attribute, Amazon Cognito sets it to its
 * default value" (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPool.html).
 * So the update carries every setting DescribeUserPool returned, with only our triggers taken out of LambdaConfig.
 */
import { CognitoIdentityProviderClient, DescribeUserPoolCommand, UpdateUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { LambdaConfigType, UpdateUserPoolCommandInput, UserPoolType } from "@aws-sdk/client-cognito-identity-provider";
import { stackNames } from "../../shared/config/deploy";
import type { DeployConfig } from "../../shared/config/types";
import { TRIGGER_FUNCTIONS } from "../../shared/functions";

/** Names of the pool stack's trigger functions: Serverless names them `<service>-pool-<stage>-<key>`. */
export function triggerFunctionNames(d: Pick<DeployConfig, "service" | "stage">): string[] {
  return TRIGGER_FUNCTIONS.map((f) => `${stackNames(d).pool}-${f.slsName}`);
}

/** The function name in a Lambda ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`). */
function functionName(arn: string): string {
  return arn.split(":")[6] ?? arn;
}

/** LambdaConfig without the triggers that run one of `ours`; `removed` names the keys taken out. */
export function withoutOurTriggers(config: LambdaConfigType, ours: readonly string[]): { config: LambdaConfigType; removed: string[] } {
  const isOurs = (arn: unknown) => typeof arn === "string" && ours.includes(functionName(arn));
  const out: Record<string, unknown> = {};
  const removed: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const arn = value && typeof value === "object" ? (value as { LambdaArn?: unknown }).LambdaArn : value;
    if (key !== "KMSKeyID" && isOurs(arn)) removed.push(key);
    else if (value !== undefined) out[key] = value;
  }
  return { config: out as LambdaConfigType, removed };
}

/**
 * The UpdateUserPool request that keeps every setting of `pool` (as DescribeUserPool returned it) and detaches
 * our triggers; undefined when none of them is attached.
 */
export function detachRequest(pool: UserPoolType, ours: readonly string[]): { request: UpdateUserPoolCommandInput; removed: string[] } | undefined {
  const { config, removed } = withoutOurTriggers(pool.LambdaConfig ?? {}, ours);
  if (!removed.length) return undefined;
  const admin = pool.AdminCreateUserConfig;
  // DescribeUserPool reports the deprecated UnusedAccountValidityDays beside the password policy's
  // TemporaryPasswordValidityDays; Cognito refuses an update that sets both.
  const keepUnused = admin?.UnusedAccountValidityDays !== undefined && pool.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays === undefined;
  const request: UpdateUserPoolCommandInput = {
    UserPoolId: pool.Id,
    Policies: pool.Policies,
    DeletionProtection: pool.DeletionProtection,
    LambdaConfig: config,
    AutoVerifiedAttributes: pool.AutoVerifiedAttributes,
    // The template supersedes the older message fields, and an update that sets both must keep them equal: send
    // the template alone when there is one.
    ...(pool.VerificationMessageTemplate
      ? { VerificationMessageTemplate: pool.VerificationMessageTemplate }
      : { SmsVerificationMessage: pool.SmsVerificationMessage, EmailVerificationMessage: pool.EmailVerificationMessage, EmailVerificationSubject: pool.EmailVerificationSubject }),
    SmsAuthenticationMessage: pool.SmsAuthenticationMessage,
    UserAttributeUpdateSettings: pool.UserAttributeUpdateSettings,
    MfaConfiguration: pool.MfaConfiguration,
    DeviceConfiguration: pool.DeviceConfiguration,
    EmailConfiguration: pool.EmailConfiguration,
    SmsConfiguration: pool.SmsConfiguration,
    UserPoolTags: pool.UserPoolTags,
    AdminCreateUserConfig: admin && !keepUnused ? { ...admin, UnusedAccountValidityDays: undefined } : admin,
    UserPoolAddOns: pool.UserPoolAddOns,
    DcrConfiguration: pool.DcrConfiguration,
    AccountRecoverySetting: pool.AccountRecoverySetting,
    PoolName: pool.Name,
    UserPoolTier: pool.UserPoolTier,
    KeyConfiguration: pool.KeyConfiguration,
    IssuerConfiguration: pool.IssuerConfiguration,
    AcrConfiguration: pool.AcrConfiguration,
  };
  // Leave out what the pool does not have, rather than send explicit nulls.
  for (const k of Object.keys(request) as (keyof UpdateUserPoolCommandInput)[]) if (request[k] === undefined) delete request[k];
  return { request, removed };
}

/** Detaches our triggers from the pool `userPoolId`, keeping every other setting; returns the keys detached. */
export async function detachTriggers(cognito: CognitoIdentityProviderClient, userPoolId: string, ours: readonly string[]): Promise<string[]> {
  const res = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  if (!res.UserPool) return [];
  const update = detachRequest(res.UserPool, ours);
  if (!update) return [];
  await cognito.send(new UpdateUserPoolCommand(update.request));
  return update.removed;
}

/** What removing the pool stack needs from outside: the stack's outputs, the osls removal, a log. */
export interface PoolRemoval {
  /** The stack's outputs, undefined when the stack does not exist (scripts/deploy.ts `stackOutputs`). */
  outputs: (stackName: string, region: string) => Promise<Record<string, string> | undefined>;
  /** `osls remove` of the pool stack. */
  removeStack: () => Promise<unknown>;
  cognito: CognitoIdentityProviderClient;
  log: (line: string) => void;
}

/**
 * Removes the pool stack of a config that created its pool. With deletion protection, the pool is kept: its
 * triggers are detached first (while the functions still exist), and the log says what is left and what a later
 * deploy does. Returns the kept pool's id, if any.
 */
export async function removePoolStack(d: Pick<DeployConfig, "service" | "stage" | "userPool">, region: string, io: PoolRemoval): Promise<string | undefined> {
  const stack = stackNames(d).pool;
  const outputs = await io.outputs(stack, region);
  if (!outputs) {
    io.log(`stack ${stack} not found in ${region}; nothing to remove there`);
    return undefined;
  }
  const kept = d.userPool.deletionProtection ? outputs.UserPoolId : undefined;
  if (kept) {
    const detached = await detachTriggers(io.cognito, kept, triggerFunctionNames(d));
    if (detached.length) io.log(`Detached the triggers (${detached.join(", ")}) from user pool ${kept}, which is kept; its other settings are unchanged.`);
  }
  await io.removeStack();
  if (kept)
    io.log(
      `The user pool ${kept} was kept, users and all (deploy.userPool.deletionProtection), without its domain, app clients, triggers and SMS role. ` +
        "A later `npm run deploy` of this config creates a new, empty pool beside it; to keep using this one, put its userPoolId (with a client and domain you give it) in the config. " +
        "Delete it in the Cognito console (turn deletion protection off first) when you no longer need its users.",
    );
  return kept;
}
