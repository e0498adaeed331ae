/**
 * What the pre-token-generation trigger adds to and removes from a user's tokens, decided from the user's
 * attributes and groups and the resolved `triggers.preTokenGeneration` config. Pure and deterministic: the
 * trigger also runs on every token refresh, so the same user always gets the same claims.
 */
import type { ClaimValue, PreTokenGenerationConfig } from "../config/types";
import { SCALAR_ONLY_CLAIMS, claimsBytes, isClaimValue, reservedClaimReason } from "./claim-names";

/** The user, as far as the claims depend on it. */
export interface ClaimsInput {
  /** User attributes as Cognito sends them (all values are strings); absent ones are simply missing. */
  userAttributes: Record<string, string | undefined>;
  /** The user's groups (`groupConfiguration.groupsToOverride`); empty when the event has none. */
  groups: readonly string[];
}

/** A claim that was left out, and why (for the log; never the value). */
export interface DroppedClaim {
  claim: string;
  why: "reserved" | "invalid-value" | "conflict" | "too-large";
}

export interface ClaimsDecision {
  /** Claims to add or override, in a fixed order: static, attribute, group, then module claims. */
  claims: Record<string, ClaimValue>;
  /** Claims to remove. */
  suppress: string[];
  /** Scopes to add to the access token (V2/V3 events only). */
  scopes: string[];
  dropped: DroppedClaim[];
}

/**
 * Decides the claims for one user. `extra` are the claims a site owner's module returned; they go through the
 * same checks as configured claims at run time: reserved names and invalid values are dropped, as are names the
 * config already produces (config wins), and claims that would take the total over `maxClaimsBytes`.
 */
export function decideClaims(cfg: PreTokenGenerationConfig, input: ClaimsInput, extra?: Record<string, unknown>): ClaimsDecision {
  const claims: Record<string, ClaimValue> = {};
  const dropped: DroppedClaim[] = [];
  let size = 2; // "{}"
  const add = (claim: string, value: ClaimValue): void => {
    // Size of `"claim":value` plus a comma: adding one claim never changes the size of the others.
    const grow = claimsBytes({ [claim]: value }) - 2 + (size > 2 ? 1 : 0);
    if (size + grow > cfg.maxClaimsBytes) return void dropped.push({ claim, why: "too-large" });
    claims[claim] = value;
    size += grow;
  };

  for (const [claim, value] of Object.entries(cfg.staticClaims)) add(claim, value);
  for (const [attr, claim] of Object.entries(cfg.attributeClaims)) {
    const value = input.userAttributes[attr];
    if (typeof value === "string") add(claim, value);
  }
  if (cfg.groupClaims) {
    const groups = new Set(input.groups);
    const values = new Set<string>();
    for (const [group, mapped] of Object.entries(cfg.groupClaims.map)) if (groups.has(group)) for (const m of mapped) values.add(m);
    if (values.size) add(cfg.groupClaims.claim, [...values]);
  }
  if (extra) {
    const configured = new Set([
      ...Object.keys(cfg.staticClaims),
      ...Object.values(cfg.attributeClaims),
      ...(cfg.groupClaims ? [cfg.groupClaims.claim] : []),
      ...cfg.suppressClaims,
    ]);
    for (const [claim, value] of Object.entries(extra)) {
      if (value === undefined) continue;
      if (reservedClaimReason(claim)) dropped.push({ claim, why: "reserved" });
      else if (configured.has(claim)) dropped.push({ claim, why: "conflict" });
      else if (!isClaimValue(value) || (Array.isArray(value) && SCALAR_ONLY_CLAIMS.includes(claim))) dropped.push({ claim, why: "invalid-value" });
      else add(claim, value);
    }
  }

  const scopes = new Set<string>();
  const groups = new Set(input.groups);
  for (const [group, s] of Object.entries(cfg.accessTokenScopes)) if (groups.has(group)) for (const x of s) scopes.add(x);
  return { claims, suppress: [...cfg.suppressClaims], scopes: [...scopes], dropped };
}

/** A claim value as a V1 event allows it: a string (lists become comma-separated, like Cognito's own lists). */
export function toV1Value(value: ClaimValue): string {
  return Array.isArray(value) ? value.map(String).join(",") : String(value);
}
