/**
 * What the Cognito triggers may and may not put in a token, shared by the config pipeline (which refuses a
 * config that breaks it) and the pre-token-generation trigger (which drops what a claims module returns that
 * breaks it). No schema library here: the trigger bundles import this module.
 */
import type { ClaimValue, LogLevel, TriggersConfig } from "../config/types";

/**
 * Claims Cognito does not let a pre-token-generation trigger add, change or suppress (in either token).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
 */
export const RESERVED_CLAIMS: readonly string[] = [
  "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat", "identities", "iss",
  "jti", "nbf", "nonce", "origin_jti", "sub", "token_use",
];

/** Further claims Cognito does not let a trigger change in the access token (scopes go through `scopesToAdd`). */
export const RESERVED_ACCESS_TOKEN_CLAIMS: readonly string[] = ["client_id", "scope", "username"];

/** Id-token claims whose value must stay a string even in V2 events (no arrays or objects), per the AWS docs above. */
export const SCALAR_ONLY_CLAIMS: readonly string[] = ["email_verified", "phone_number_verified", "updated_at", "address"];

/** Cognito group names: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html */
export const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

/**
 * Why `claim` may not be produced or suppressed by the triggers, or undefined when it may. The same config serves
 * V1 and V2 events and V2 puts every claim in both tokens, so the access-token list applies too. `cognito:`
 * names are Cognito's own: `cognito:groups`, `cognito:roles` and `cognito:preferred_role` change only through
 * `groupOverrideDetails`, and the edge's group rules read `cognito:groups`, so a claim must never rewrite them.
 */
export function reservedClaimReason(claim: string): string | undefined {
  if (RESERVED_CLAIMS.includes(claim)) return `"${claim}" is a claim Cognito does not let a trigger change`;
  if (RESERVED_ACCESS_TOKEN_CLAIMS.includes(claim))
    return `"${claim}" is an access-token claim Cognito does not let a trigger change (V2 events put claims in both tokens)`;
  if (claim.startsWith("cognito:"))
    return `"${claim}" is a Cognito claim; groups and roles change only through Cognito's group settings`;
  return undefined;
}

/** Size of a set of claims as Cognito receives it: UTF-8 bytes of its JSON. */
export function claimsBytes(claims: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(claims));
}

/** A value a claim may carry: string, finite number, boolean, or an array of those. */
export function isClaimValue(v: unknown): v is ClaimValue {
  const scalar = (x: unknown) => typeof x === "string" || typeof x === "boolean" || (typeof x === "number" && Number.isFinite(x));
  return scalar(v) || (Array.isArray(v) && v.every(scalar));
}

/**
 * Environment-variable overrides, read once when a trigger loads (ordinary Lambdas have environment variables):
 * `DEFAULT_GROUP` replaces `postConfirmation.defaultGroup`, `LOG_LEVEL` replaces `logLevel`. Empty or invalid
 * values are ignored.
 */
export function applyEnvOverrides(config: TriggersConfig, env: Record<string, string | undefined>): TriggersConfig {
  const group = env.DEFAULT_GROUP;
  const level = env.LOG_LEVEL as LogLevel | undefined;
  return {
    ...config,
    postConfirmation: group && GROUP_NAME.test(group) ? { ...config.postConfirmation, defaultGroup: group } : config.postConfirmation,
    logLevel: level && LOG_LEVELS.includes(level) ? level : config.logLevel,
  };
}
