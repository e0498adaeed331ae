/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * Authorization by group: every rule whose path matches must be satisfied, i.e. the user is in at least one of
 * its groups (fail closed when rules overlap).
 */
import type { Rule } from "../config/types";
import { globSet, inGlobSet } from "./path-match";
import type { GlobSet } from "./path-match";

/** A rule with its path sorted for matching (plain data: the CloudFront Function's build bakes it). */
export interface CompiledRule {
  paths: GlobSet;
  groups: readonly string[];
}

export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map((r) => ({ paths: globSet([r.path]), groups: r.groups }));
}

/**
 * A claim by name, or, when no claim has that exact name, by a dotted path into objects (`realm_access.roles`;
 * a claim may itself contain dots, as Auth0's namespaced `https://example.com/roles` does).
 */
export function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(claims, name)) return claims[name];
  let v: unknown = claims;
  const parts = name.split(".");
  for (let i = 0; i < parts.length; i++) {
    if (typeof v !== "object" || v === null || Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, parts[i]!)) return undefined;
    v = (v as Record<string, unknown>)[parts[i]!];
  }
  return v;
}

/** The user's groups from the groups claim (default `cognito:groups`): a list of names; anything else is none. */
export function groupsOf(claims: Record<string, unknown>, claim?: string): string[] {
  const g = claimAt(claims, claim === undefined ? "cognito:groups" : claim);
  return Array.isArray(g) ? g.filter((x): x is string => typeof x === "string") : [];
}

/** True when the user may open the path (checked in both its raw and normalised forms). */
export function isAllowed(rules: readonly CompiledRule[], forms: { raw: string; normalized: string | undefined }, groups: readonly string[]): boolean {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const applies = inGlobSet(rule.paths, forms.raw) || forms.normalized === undefined || inGlobSet(rule.paths, forms.normalized);
    if (applies && !groups.some((g) => rule.groups.indexOf(g) !== -1)) return false;
  }
  return true;
}
