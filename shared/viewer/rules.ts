/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * Access policies (`rules`). A rule applies to a request when its path matches either form of the path (raw or
 * normalised) and, when it names methods, the method is one of them. A signed-in user satisfies it when some
 * `include` selector matches (or there is no include), every `require` selector matches and no `exclude`
 * selector matches. Every applying rule must be satisfied (fail closed when rules overlap).
 *
 * Rules are compiled at build (or at load) into plain data: selectors become `{ kind, list }` with values already
 * in the form they are compared in, CIDR ranges parsed. The CloudFront Function's build bakes that data and leaves
 * out the code of the selector kinds no rule uses (`__SEL_*__`, see shared/function/config.ts).
 */
import type { Rule, Selector } from "../config/types";
import { globSet, inGlobSet } from "./path-match";
import type { GlobSet, PathForms } from "./path-match";
import { inRange, parseCidr, parseIp } from "./ip";
import type { IpRange } from "./ip";

import { CLAIM, EMAILS, EMAIL_DOMAINS, GROUPS, IP_RANGES } from "./selector-kinds";
import { crypto } from "./crypto";

/** Selector kinds, as numbers in the baked data (shared/viewer/selector-kinds.ts). */
export { CLAIM, EMAILS, EMAIL_DOMAINS, GROUPS, IP_RANGES };

/** A selector as plain data: its kind, and the values (group names, e-mails, domains, claim values) or ranges. */
export interface CompiledSelector {
  kind: number;
  /** Kinds 0-3: what is compared, lower case for e-mails and domains, JSON text for non-string claim values. */
  list?: string[];
  /** Kind 4: parsed CIDR ranges. */
  ranges?: IpRange[];
  /** Kind 3: the claim's name or dotted path. */
  claim?: string;
}

/**
 * A rule: the glob set of its path (sorted for matching), with what it asks. Plain data the CloudFront Function's
 * build bakes; the path's lists sit on the rule itself, one object fewer a rule in the function's 10 KB.
 */
export interface CompiledRule extends GlobSet {
  methods?: string[];
  /** Absent: every signed-in user is included. */
  include?: CompiledSelector[];
  require?: CompiledSelector[];
  exclude?: CompiledSelector[];
}

/**
 * What the rules can know about a signed-in user: the groups (`g`), the e-mail when verified (`e`) or when not
 * (`n`), and for each claim the rules read the user's values among those they compare with (`k`). The names are
 * the session cookie's (shared/viewer/session-cookie.ts), so the CloudFront Function judges a session as it is.
 */
export interface PolicyFacts {
  g: readonly string[];
  e?: string;
  n?: string;
  k?: Record<string, string[]>;
}

/** A claim value as the rules compare it: strings as they are, numbers and booleans as their JSON text. */
export function claimText(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? JSON.stringify(v) : undefined;
}

function compileSelector(s: Selector): CompiledSelector {
  if ("groups" in s) return { kind: GROUPS, list: s.groups };
  if ("emails" in s) return { kind: EMAILS, list: s.emails.map((e) => e.toLowerCase()) };
  if ("emailDomains" in s) return { kind: EMAIL_DOMAINS, list: s.emailDomains.map((e) => e.toLowerCase()) };
  if ("claim" in s) return { kind: CLAIM, claim: s.claim, list: s.values };
  // The config pipeline refused malformed ranges; one that still is malformed matches nothing.
  return { kind: IP_RANGES, ranges: s.ipRanges.map(parseCidr).filter((r): r is IpRange => typeof r !== "string") };
}

/** The rules as the hot paths match them (build time for the CloudFront Function, at load for Lambda@Edge). */
export function compileRules(rules: readonly Rule[]): CompiledRule[] {
  return rules.map((r) => {
    const c: CompiledRule = globSet([r.path]);
    if (r.methods) c.methods = r.methods;
    const include = (r.groups ? [{ groups: r.groups } as Selector] : []).concat(r.include || []);
    if (include.length) c.include = include.map(compileSelector);
    if (r.require && r.require.length) c.require = r.require.map(compileSelector);
    if (r.exclude && r.exclude.length) c.exclude = r.exclude.map(compileSelector);
    return c;
  });
}

/** Every group a rule names, in any selector (the groups a created pool needs, the ones a session must carry). */
export function ruleGroups(rules: readonly Rule[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    const sels = (r.groups ? [{ groups: r.groups } as Selector] : []).concat(r.include || [], r.require || [], r.exclude || []);
    for (let j = 0; j < sels.length; j++) {
      const s = sels[j]!;
      if ("groups" in s) for (let k = 0; k < s.groups.length; k++) if (out.indexOf(s.groups[k]!) === -1) out.push(s.groups[k]!);
    }
  }
  return out;
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

// Build-time switches of the CloudFront Function (shared/function/config.ts): false for a selector kind no rule
// uses, so the minifier leaves its code out. Undefined elsewhere: every kind on.
declare const __SEL_EMAILS__: boolean | undefined;
declare const __SEL_CLAIM__: boolean | undefined;
declare const __SEL_IP__: boolean | undefined;
declare const __RULE_METHODS__: boolean | undefined;
declare const __GROUPS_ONLY__: boolean | undefined;

/** True when some value of `have` is in `list`. */
function anyIn(have: readonly string[] | undefined, list: readonly string[]): boolean {
  if (!have) return false;
  for (let i = 0; i < have.length; i++) if (list.indexOf(have[i]!) !== -1) return true;
  return false;
}

/**
 * Whether a selector picks this user. E-mails count only when verified, except in `exclude` (`excluding`), where
 * any e-mail claim counts, so an exclusion cannot be dodged by leaving an address unverified; for the same reason
 * an unreadable viewer IP is in every excluded range and in no other.
 */
export function selectorMatches(s: CompiledSelector, f: PolicyFacts, excluding: boolean, addr: string | undefined): boolean {
  const k = s.kind;
  if (k === GROUPS) return anyIn(f.g, s.list!);
  if ((typeof __SEL_EMAILS__ === "undefined" || __SEL_EMAILS__) && (k === EMAILS || k === EMAIL_DOMAINS)) {
    const email = f.e !== undefined ? f.e : excluding ? f.n : undefined;
    if (typeof email !== "string") return false;
    // Without a trailing dot, which names the same DNS domain (so it cannot dodge an exclusion).
    const e = email.toLowerCase().replace(/\.+$/, "");
    if (k === EMAILS) return s.list!.indexOf(e) !== -1;
    // The domain: after the last "@".
    const d = e.slice(e.lastIndexOf("@") + 1);
    if (e.indexOf("@") === -1 || d === "") return false;
    return s.list!.some((v) => (v.charAt(0) === "*" ? d.length > v.length - 1 && d.slice(1 - v.length) === v.slice(1) : d === v));
  }
  if ((typeof __SEL_CLAIM__ === "undefined" || __SEL_CLAIM__) && k === CLAIM) {
    const m = f.k;
    return !!m && Object.prototype.hasOwnProperty.call(m, s.claim!) && anyIn(m[s.claim!], s.list!);
  }
  if ((typeof __SEL_IP__ === "undefined" || __SEL_IP__) && k === IP_RANGES) {
    const a = parseIp(addr);
    return a ? s.ranges!.some((r) => inRange(a, r)) : excluding;
  }
  // A kind this build does not know matches in an exclusion only: fail closed.
  return excluding;
}

/**
 * The rule's verdict and the selector that decided it: `+` (no include: anyone signed in) or `+<i>` (include[i]
 * matched) when satisfied; `x<i>` (exclude[i] matched), `r<i>` (require[i] did not match) or `i` (no include
 * selector matched) when not. Exclusions are looked at first: they are the strongest reason.
 */
export function judge(r: CompiledRule, f: PolicyFacts, addr: string | undefined): string {
  let i = find(r.exclude, f, true, addr, true);
  if (i !== -1) return "x" + i;
  i = find(r.require, f, false, addr, false);
  if (i !== -1) return "r" + i;
  if (!r.include) return "+";
  i = find(r.include, f, false, addr, true);
  return i === -1 ? "i" : "+" + i;
}

/**
 * Whether the rule is satisfied: `judge`'s verdict starts with `+`. The hot paths ask only this, so they carry no
 * verdict words (the CloudFront Function's 10 KB); `npm run policy` asks `judge` for the selector that decided.
 */
export function satisfied(r: CompiledRule, f: PolicyFacts, addr: string | undefined): boolean {
  return find(r.exclude, f, true, addr, true) === -1 && find(r.require, f, false, addr, false) === -1 && (!r.include || find(r.include, f, false, addr, true) !== -1);
}

/** The index of the first selector whose match is `want`, or -1. */
function find(list: CompiledSelector[] | undefined, f: PolicyFacts, excluding: boolean, addr: string | undefined, want: boolean): number {
  if (list) for (let i = 0; i < list.length; i++) if (selectorMatches(list[i]!, f, excluding, addr) === want) return i;
  return -1;
}

/**
 * Whether a rule applies: its path matches either form of one of the judged paths (the path asked for and the object
 * the origin will serve: viewer-check.ts `judgedPaths`), and its methods (if any) include the method.
 */
export function ruleApplies(r: CompiledRule, paths: readonly PathForms[], method: string): boolean {
  if ((typeof __RULE_METHODS__ === "undefined" || __RULE_METHODS__) && r.methods && r.methods.indexOf(method) === -1) return false;
  // An undecodable path fails closed: every rule applies to it.
  return paths.some((p) => inGlobSet(r, p.raw) || p.normalized === undefined || inGlobSet(r, p.normalized));
}

/**
 * True when the user may make this request (`addr`: the viewer's IP): every rule that applies to one of the judged
 * paths is satisfied. Judged on the served object too: `/admin` is rewritten to `/admin/index.html`, which
 * `/admin/*` protects even though `/admin` itself does not match it.
 */
export function isAllowed(rules: readonly CompiledRule[], paths: readonly PathForms[], method: string, f: PolicyFacts, addr?: string): boolean {
  // Rules of today's form only (`groups`, nothing else): `judge` comes down to this, and the function is smaller.
  return rules.every((r) => !ruleApplies(r, paths, method) || (typeof __GROUPS_ONLY__ !== "undefined" && __GROUPS_ONLY__ ? anyIn(f.g, r.include![0]!.list!) : satisfied(r, f, addr)));
}

/** Whether every rule is of today's form: one include selector of groups, nothing else (build time). */
export function groupsOnly(rules: readonly CompiledRule[]): boolean {
  return rules.every((r) => !r.methods && !r.require && !r.exclude && !!r.include && r.include.length === 1 && r.include[0]!.kind === GROUPS);
}

/**
 * What the rules read beyond the groups, worked out at build (or load): the claims with the values they are
 * compared with, and whether an exclusion reads e-mails (`anyEmail`: then an unverified address counts too). The
 * verified e-mail the session cookie carries anyway (for `x-auth-email`).
 */
export interface PolicyNeeds {
  claims: Record<string, string[]>;
  anyEmail: boolean;
}

/** True when `m` has its own key `name`: never one of Object.prototype's (`toString`, `__proto__`, ...). */
function hasOwn(m: object, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, name);
}

/**
 * A map keyed by names the config or a token chooses (claim names): no prototype, so `toString`, `constructor`
 * or `__proto__` are keys like any other. Build time and Lambda@Edge only (the function reads `k` with `hasOwn`).
 */
function nameMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function policyNeeds(rules: readonly Rule[]): PolicyNeeds {
  const needs: PolicyNeeds = { claims: nameMap<string[]>(), anyEmail: false };
  const add = (s: Selector, excluding: boolean) => {
    if ("claim" in s) {
      const had = hasOwn(needs.claims, s.claim) ? needs.claims[s.claim]! : [];
      needs.claims[s.claim] = had.concat(s.values.filter((v) => had.indexOf(v) === -1));
    }
    if (excluding && ("emails" in s || "emailDomains" in s)) needs.anyEmail = true;
  };
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    const r1 = (r.include || []).concat(r.require || []);
    const x = r.exclude || [];
    for (let j = 0; j < r1.length; j++) add(r1[j]!, false);
    for (let j = 0; j < x.length; j++) add(x[j]!, true);
  }
  return needs;
}

/**
 * The facts of a verified id token, reduced to what the rules read: every group (the caller trims them for the
 * session cookie), the e-mail as verified (`email_verified` true or "true", as Cognito sends either) or not, and
 * for each claim the rules read only the user's values they compare with.
 */
export function policyFacts(claims: Record<string, unknown>, groupsClaim: string, needs: PolicyNeeds): PolicyFacts {
  const f: PolicyFacts = { g: groupsOf(claims, groupsClaim) };
  if (typeof claims.email === "string") {
    if (claims.email_verified === true || claims.email_verified === "true") f.e = claims.email;
    else f.n = claims.email;
  }
  const k = nameMap<string[]>();
  let any = false;
  for (const name in needs.claims) {
    if (!hasOwn(needs.claims, name)) continue;
    const v = claimAt(claims, name);
    const have: string[] = [];
    const items = Array.isArray(v) ? v : [v];
    for (let i = 0; i < items.length; i++) {
      const t = claimText(items[i]);
      if (t !== undefined && needs.claims[name]!.indexOf(t) !== -1 && have.indexOf(t) === -1) have.push(t);
    }
    if (have.length) {
      k[name] = have;
      any = true;
    }
  }
  if (any) f.k = k;
  return f;
}

/**
 * A short fingerprint of what the rules read (8 base64url characters of SHA-256): the claims and the values they
 * compare with, the groups they name, whether an exclusion reads unverified e-mails and whether any selector reads
 * e-mails. The session cookie carries it (`r`, shared/edge/session-cookie-writer.ts) and the CloudFront Function's
 * build bakes it per site (shared/function/config.ts): a session sealed under other rules lacks what new rules may
 * read (a group an added `exclude` names reads as "not in it"), so the function treats it as run out. Build time
 * and Lambda@Edge only. Rules that read the same things have the same fingerprint (order does not matter); no
 * rules, none.
 */
export function rulesFingerprint(rules: readonly Rule[]): string | undefined {
  if (!rules.length) return undefined;
  const needs = policyNeeds(rules);
  const claims = Object.keys(needs.claims)
    .sort()
    .map((name) => [name, needs.claims[name]!.slice().sort()]);
  const emails = rules.some((r) => [...(r.include || []), ...(r.require || []), ...(r.exclude || [])].some((s) => "emails" in s || "emailDomains" in s));
  const canonical = JSON.stringify({ c: claims, g: ruleGroups(rules).sort(), n: needs.anyEmail, e: emails });
  return crypto().createHash("sha256").update(canonical).digest("base64url").slice(0, 8);
}
