/**
 * The config pipeline's `triggers` part: the pre-token-generation claims (names, producers, sizes) and the
 * post-confirmation default group.
 */
import type { z } from "zod";
import { ATTRIBUTE_NAME, CLAIM_NAME } from "./schema";
import type { triggersSchema } from "./schema";
import type { PreTokenGenerationConfig, TriggersConfig } from "./types";
import { GROUP_NAME, SCALAR_ONLY_CLAIMS, claimsBytes, reservedClaimReason } from "../triggers/claim-names";
import type { Fail } from "./resolve-common";

/** The `triggers` value as the schema parsed it. */
export type TriggersData = NonNullable<z.output<typeof triggersSchema>>;
const P = "triggers.preTokenGeneration";

/** The resolved triggers part; warnings (user-writable attributes copied into claims) go to `warnings`. */
export function triggersPart(t: TriggersData, logLevel: TriggersConfig["logLevel"], fail: Fail, warnings: string[]): TriggersConfig | undefined {
  const v = t.preTokenGeneration;
  const out: PreTokenGenerationConfig = {
    attributeClaims: {},
    staticClaims: {},
    suppressClaims: [],
    accessTokenScopes: {},
    maxClaimsBytes: v?.maxClaimsBytes ?? 2048,
    writableAttributes: [...new Set(v?.writableAttributes ?? [])],
    ...(v?.module ? { module: v.module } : {}),
  };
  /** Claim name → the field that produces it, to report two fields producing the same claim. */
  const producers = new Map<string, string>();
  const claimName = (field: string, name: string): boolean => {
    if (!CLAIM_NAME.test(name)) return fail(field, `${JSON.stringify(name)} is not a valid claim name (1-128 letters, digits, "_", ".", ":", "-", "/")`), false;
    const reserved = reservedClaimReason(name);
    if (reserved) return fail(field, reserved), false;
    const other = producers.get(name);
    if (other) return fail(field, `claim "${name}" is already produced by ${other}`), false;
    producers.set(name, field);
    return true;
  };
  for (const [attr, claim] of Object.entries(v?.attributeClaims ?? {})) {
    const field = `${P}.attributeClaims.${attr}`;
    if (!ATTRIBUTE_NAME.test(attr)) fail(field, "is not a user pool attribute name");
    else if (claimName(field, claim)) out.attributeClaims[attr] = claim;
  }
  if (v?.groupClaims) {
    const field = `${P}.groupClaims`;
    const map: Record<string, string[]> = {};
    for (const [group, values] of Object.entries(v.groupClaims.map)) {
      if (!GROUP_NAME.test(group)) fail(`${field}.map.${group}`, "is not a valid group name");
      else map[group] = [...new Set(values)];
    }
    const claim = v.groupClaims.claim;
    if (claimName(`${field}.claim`, claim)) {
      if (SCALAR_ONLY_CLAIMS.includes(claim)) fail(`${field}.claim`, `"${claim}" cannot hold a list (Cognito allows only a single value)`);
      else out.groupClaims = { claim, map };
    }
  }
  for (const [claim, value] of Object.entries(v?.staticClaims ?? {})) {
    const field = `${P}.staticClaims.${claim}`;
    if (!claimName(field, claim)) continue;
    if (Array.isArray(value) && SCALAR_ONLY_CLAIMS.includes(claim)) fail(field, `"${claim}" cannot hold a list (Cognito allows only a single value)`);
    else out.staticClaims[claim] = value;
  }
  (v?.suppressClaims ?? []).forEach((claim, i) => {
    const field = `${P}.suppressClaims[${i}]`;
    if (!CLAIM_NAME.test(claim)) return fail(field, `${JSON.stringify(claim)} is not a valid claim name`);
    const reserved = reservedClaimReason(claim);
    if (reserved) return fail(field, reserved);
    if (producers.has(claim)) return fail(field, `claim "${claim}" is also produced by ${producers.get(claim)}`);
    if (!out.suppressClaims.includes(claim)) out.suppressClaims.push(claim);
  });
  for (const [group, scopes] of Object.entries(v?.accessTokenScopes ?? {})) {
    if (!GROUP_NAME.test(group)) fail(`${P}.accessTokenScopes.${group}`, "is not a valid group name");
    else out.accessTokenScopes[group] = [...new Set(scopes)];
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
  if (size > out.maxClaimsBytes) fail(P, `staticClaims and groupClaims add up to ${size} bytes, over maxClaimsBytes (${out.maxClaimsBytes})`);
  const defaultGroup = t.postConfirmation?.defaultGroup;
  return { preTokenGeneration: out, postConfirmation: defaultGroup ? { defaultGroup } : {}, logLevel };
}
