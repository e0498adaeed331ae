/**
 * The `triggers` part of the config: what the Cognito trigger Lambdas (pre-token-generation, post-confirmation)
 * do. `resolveTriggersConfig` is pure, like `resolveConfig`: it validates, applies defaults and returns the
 * resolved form the build bakes into the trigger bundles, or a list of problems each naming its field.
 */
import type { LogLevel } from "./edge";

/** A claim value the config or a claims module may produce. V1 events turn every value into a string. */
export type ClaimValue = string | number | boolean | Array<string | number | boolean>;

/** A claim derived from the user's groups. */
export interface GroupClaims {
  /** Name of the claim, e.g. `roles`. */
  claim: string;
  /** Group name → values the claim gets for members of that group. Values are de-duplicated in the order of
   *  this map; a user in no mapped group gets no claim at all. */
  map: Record<string, string[]>;
}

export interface PreTokenGenerationConfig {
  /** User attribute → claim name, e.g. `{ "custom:tenant": "tenant" }`. Copied only when the user has the
   *  attribute. Copy only attributes users cannot write (see README, "Cognito triggers"). Default none. */
  attributeClaims: Record<string, string>;
  /** Claim derived from group membership. Default none. */
  groupClaims?: GroupClaims;
  /** Claims with a constant value, in every token. Default none. */
  staticClaims: Record<string, ClaimValue>;
  /** Claims removed from the tokens (e.g. `email` when the origin should not see it). Default none. */
  suppressClaims: string[];
  /** Group → OAuth scopes added to the access token (V2/V3 events only; V1 cannot change the access token).
   *  Default none. */
  accessTokenScopes: Record<string, string[]>;
  /** Upper bound, in bytes of JSON, of the claims added to one token. Default 2048: claims go into the id and
   *  (V2) the access token, and both must fit in the edge's session cookies. */
  maxClaimsBytes: number;
  /** Path (relative to the config file) of a TypeScript module bundled into the trigger whose default export
   *  (or `claims` export) returns extra claims. The build resolves it; it is not used at run time. */
  module?: string;
  /** The app client's write attributes, as far as the config knows them. Only used to warn at build when an
   *  attribute in `attributeClaims` is one users can set on themselves. */
  writableAttributes: string[];
}

export interface PostConfirmationConfig {
  /** Group every newly confirmed user joins (`AdminAddUserToGroup`). The group must exist. Default none: the
   *  trigger does nothing. The `DEFAULT_GROUP` environment variable overrides it. */
  defaultGroup?: string;
}

/** The resolved `triggers` config baked into the trigger bundles. */
export interface TriggersConfig {
  preTokenGeneration: PreTokenGenerationConfig;
  postConfirmation: PostConfirmationConfig;
  /** The config's `logLevel` (default `info`); the `LOG_LEVEL` environment variable overrides it. */
  logLevel: LogLevel;
}

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

export const DEFAULT_MAX_CLAIMS_BYTES = 2048;
const MAX_MAX_CLAIMS_BYTES = 8192;

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

export type TriggersConfigResult =
  | { ok: true; config: TriggersConfig; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

type Raw = Record<string, unknown>;
type Fail = (field: string, why: string) => void;

const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
/** Claim names: printable ASCII without spaces or quotes, as Cognito's own claims are. */
const CLAIM_NAME = /^[A-Za-z0-9_.:\-/]{1,128}$/;
/** User pool attribute names (standard or `custom:`), https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AttributeType.html */
const ATTRIBUTE_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,32}$/u;
/** Cognito group names: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
/** OAuth scope tokens (RFC 6749 section 3.3). */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];
const P = "triggers.preTokenGeneration";

/**
 * Validates the raw `triggers` value (undefined means no triggers configured: both do nothing) and applies
 * defaults. `logLevel` is the config's top-level `logLevel`.
 */
export function resolveTriggersConfig(raw: unknown, logLevel: unknown = "info"): TriggersConfigResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const fail: Fail = (field, why) => errors.push(`${field}: ${why}`);
  const level: LogLevel = LOG_LEVELS.includes(logLevel as LogLevel) ? (logLevel as LogLevel) : "info";

  if (raw !== undefined && !isObject(raw)) fail("triggers", "must be an object { preTokenGeneration, postConfirmation }");
  const t = isObject(raw) ? raw : {};
  for (const key of Object.keys(t)) {
    if (key !== "preTokenGeneration" && key !== "postConfirmation")
      fail(`triggers.${key}`, "unknown key; expected preTokenGeneration or postConfirmation");
  }
  const preTokenGeneration = resolvePreToken(t.preTokenGeneration, fail, warnings);
  const postConfirmation = resolvePostConfirmation(t.postConfirmation, fail);
  if (errors.length) return { ok: false, errors, warnings };
  return { ok: true, warnings, config: { preTokenGeneration, postConfirmation, logLevel: level } };
}

function resolvePreToken(v: unknown, fail: Fail, warnings: string[]): PreTokenGenerationConfig {
  const out: PreTokenGenerationConfig = {
    attributeClaims: {},
    staticClaims: {},
    suppressClaims: [],
    accessTokenScopes: {},
    maxClaimsBytes: DEFAULT_MAX_CLAIMS_BYTES,
    writableAttributes: [],
  };
  if (v === undefined) return out;
  if (!isObject(v)) return fail(P, "must be an object"), out;
  const known = ["attributeClaims", "groupClaims", "staticClaims", "suppressClaims", "accessTokenScopes", "maxClaimsBytes", "module", "writableAttributes"];
  for (const key of Object.keys(v)) if (!known.includes(key)) fail(`${P}.${key}`, `unknown key; expected one of ${known.join(", ")}`);

  /** Claim name → the field that produces it, to report two fields producing the same claim. */
  const producers = new Map<string, string>();
  const claimName = (field: string, name: unknown): name is string => {
    if (typeof name !== "string" || !CLAIM_NAME.test(name)) {
      fail(field, `${JSON.stringify(name)} is not a valid claim name (1-128 letters, digits, "_", ".", ":", "-", "/")`);
      return false;
    }
    const reserved = reservedClaimReason(name);
    if (reserved) return fail(field, reserved), false;
    const other = producers.get(name);
    if (other) return fail(field, `claim "${name}" is already produced by ${other}`), false;
    producers.set(name, field);
    return true;
  };

  if (v.attributeClaims !== undefined) {
    if (!isObject(v.attributeClaims)) fail(`${P}.attributeClaims`, 'must be an object of attribute → claim, e.g. { "custom:tenant": "tenant" }');
    else
      for (const [attr, claim] of Object.entries(v.attributeClaims)) {
        const field = `${P}.attributeClaims.${attr}`;
        if (!ATTRIBUTE_NAME.test(attr)) fail(field, "is not a user pool attribute name");
        else if (claimName(field, claim)) out.attributeClaims[attr] = claim;
      }
  }

  if (v.groupClaims !== undefined) {
    const g = v.groupClaims;
    const field = `${P}.groupClaims`;
    if (!isObject(g) || !isObject(g.map)) fail(field, 'must be { "claim": "roles", "map": { "<group>": ["<value>", ...] } }');
    else {
      for (const key of Object.keys(g)) if (key !== "claim" && key !== "map") fail(`${field}.${key}`, "unknown key; expected claim or map");
      const map: Record<string, string[]> = {};
      for (const [group, values] of Object.entries(g.map)) {
        if (!GROUP_NAME.test(group)) fail(`${field}.map.${group}`, "is not a valid group name");
        else if (!Array.isArray(values) || !values.every((x) => typeof x === "string" && x.length > 0 && x.length <= 256))
          fail(`${field}.map.${group}`, "must be an array of non-empty strings");
        else map[group] = [...new Set(values as string[])];
      }
      if (claimName(`${field}.claim`, g.claim)) {
        if (SCALAR_ONLY_CLAIMS.includes(g.claim)) fail(`${field}.claim`, `"${g.claim}" cannot hold a list (Cognito allows only a single value)`);
        else out.groupClaims = { claim: g.claim, map };
      }
    }
  }

  if (v.staticClaims !== undefined) {
    if (!isObject(v.staticClaims)) fail(`${P}.staticClaims`, "must be an object of claim → value");
    else
      for (const [claim, value] of Object.entries(v.staticClaims)) {
        const field = `${P}.staticClaims.${claim}`;
        if (!claimName(field, claim)) continue;
        if (!isClaimValue(value)) fail(field, "must be a string, number, boolean or an array of those");
        else if (Array.isArray(value) && SCALAR_ONLY_CLAIMS.includes(claim)) fail(field, `"${claim}" cannot hold a list (Cognito allows only a single value)`);
        else out.staticClaims[claim] = value;
      }
  }

  if (v.suppressClaims !== undefined) {
    if (!Array.isArray(v.suppressClaims)) fail(`${P}.suppressClaims`, "must be an array of claim names");
    else
      v.suppressClaims.forEach((claim, i) => {
        const field = `${P}.suppressClaims[${i}]`;
        if (typeof claim !== "string" || !CLAIM_NAME.test(claim)) return fail(field, `${JSON.stringify(claim)} is not a valid claim name`);
        const reserved = reservedClaimReason(claim);
        if (reserved) return fail(field, reserved);
        if (producers.has(claim)) return fail(field, `claim "${claim}" is also produced by ${producers.get(claim)}`);
        if (!out.suppressClaims.includes(claim)) out.suppressClaims.push(claim);
      });
  }

  if (v.accessTokenScopes !== undefined) {
    if (!isObject(v.accessTokenScopes)) fail(`${P}.accessTokenScopes`, 'must be an object of group → scopes, e.g. { "admins": ["api/admin"] }');
    else
      for (const [group, scopes] of Object.entries(v.accessTokenScopes)) {
        const field = `${P}.accessTokenScopes.${group}`;
        if (!GROUP_NAME.test(group)) fail(field, "is not a valid group name");
        else if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === "string" && SCOPE.test(s)))
          fail(field, "must be an array of OAuth scopes (no spaces or quotes)");
        else out.accessTokenScopes[group] = [...new Set(scopes as string[])];
      }
  }

  if (v.maxClaimsBytes !== undefined) {
    const n = v.maxClaimsBytes;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 64 || n > MAX_MAX_CLAIMS_BYTES)
      fail(`${P}.maxClaimsBytes`, `must be a whole number of bytes between 64 and ${MAX_MAX_CLAIMS_BYTES}`);
    else out.maxClaimsBytes = n;
  }

  if (v.module !== undefined) {
    if (typeof v.module !== "string" || !/\.(ts|mts|js|mjs)$/.test(v.module))
      fail(`${P}.module`, "must be the path of a .ts or .js file, relative to the config file");
    else out.module = v.module;
  }

  if (v.writableAttributes !== undefined) {
    if (!Array.isArray(v.writableAttributes) || !v.writableAttributes.every((a) => typeof a === "string" && ATTRIBUTE_NAME.test(a)))
      fail(`${P}.writableAttributes`, "must be an array of attribute names (the app client's write attributes)");
    else out.writableAttributes = [...new Set(v.writableAttributes as string[])];
  }
  for (const attr of Object.keys(out.attributeClaims)) {
    if (out.writableAttributes.includes(attr))
      warnings.push(
        `${P}.attributeClaims.${attr}: users can write "${attr}" themselves (it is in writableAttributes), so they can ` +
          `choose the value of claim "${out.attributeClaims[attr]}"; never base authorization on it (remove it from the app client's write attributes)`,
      );
  }

  // The worst case known at build: every static claim plus the group claim with every mapped value.
  const worst: Record<string, unknown> = { ...out.staticClaims };
  if (out.groupClaims) worst[out.groupClaims.claim] = [...new Set(Object.values(out.groupClaims.map).flat())];
  const size = claimsBytes(worst);
  if (size > out.maxClaimsBytes)
    fail(P, `staticClaims and groupClaims add up to ${size} bytes, over maxClaimsBytes (${out.maxClaimsBytes})`);
  return out;
}

function resolvePostConfirmation(v: unknown, fail: Fail): PostConfirmationConfig {
  const field = "triggers.postConfirmation";
  if (v === undefined) return {};
  if (!isObject(v)) return fail(field, 'must be an object { "defaultGroup": "<group>" }'), {};
  for (const key of Object.keys(v)) if (key !== "defaultGroup") fail(`${field}.${key}`, "unknown key; expected defaultGroup");
  if (v.defaultGroup === undefined) return {};
  if (typeof v.defaultGroup !== "string" || !GROUP_NAME.test(v.defaultGroup))
    return fail(`${field}.defaultGroup`, "must be a group name (1-128 characters, no spaces)"), {};
  return { defaultGroup: v.defaultGroup };
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
