/**
 * Authorization by group: every rule whose path matches must be satisfied, i.e. the user is in at least one of
 * its groups (fail closed when rules overlap).
 */
import type { Rule } from "../config/types";
import { globMatcher } from "./path-match";

export interface CompiledRule {
  matches: (path: string) => boolean;
  groups: ReadonlySet<string>;
}

export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map((r) => ({ matches: globMatcher([r.path]), groups: new Set(r.groups) }));
}

/** The user's groups from the `cognito:groups` claim (absent or malformed means none). */
export function groupsOf(claims: Record<string, unknown>): string[] {
  const g = claims["cognito:groups"];
  return Array.isArray(g) ? g.filter((x): x is string => typeof x === "string") : [];
}

/** True when the user may open the path (checked in both its raw and normalised forms). */
export function isAllowed(rules: readonly CompiledRule[], forms: { raw: string; normalized: string | undefined }, groups: readonly string[]): boolean {
  for (const rule of rules) {
    const applies = rule.matches(forms.raw) || forms.normalized === undefined || rule.matches(forms.normalized);
    if (applies && !groups.some((g) => rule.groups.has(g))) return false;
  }
  return true;
}
