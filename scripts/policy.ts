/**
 * `npm run policy -- --path /finance/q3.html [--method POST] [--ip 203.0.113.9] --claims claims.json | --token file
 * [--site host]`: would the edge let this user make this request, and why?
 *
 * It runs the edge's own code on the config the build reads (`AUTH_CONFIG`, default auth.config.json): the path in
 * both forms and the object the origin would serve (shared/viewer/path-match.ts, index-rewrite.ts), public paths,
 * then every rule that applies (shared/viewer/rules.ts), on the claims of an id token (a JSON file, or a token
 * read without verifying it). It prints allow or deny, each rule that applied (index and path) and the selector
 * that decided, in words. Exit status: 0 allow, 1 deny, 2 bad input (arguments, files, config) or any other error.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, readConfigFile, resolveOrThrow, withPoolPlaceholders } from "../shared/config/load";
import { resolveDeployConfig } from "../shared/config/resolve";
import type { AuthConfig, ResolvedSite } from "../shared/config/resolve";
import type { ResolvedConfig, Selector } from "../shared/config/types";
import { globSet } from "../shared/viewer/path-match";
import { isPublicRequest, judgedPaths } from "../shared/viewer/viewer-check";
import { compileRules, judge, policyFacts, policyNeeds, ruleApplies } from "../shared/viewer/rules";
import type { PolicyFacts } from "../shared/viewer/rules";
import { inRange, parseCidr, parseIp } from "../shared/viewer/ip";
import { siteFor } from "../shared/viewer/sites";

/** A mistake in what the tester was given: exit status 2. */
export class BadInput extends Error {}

/** What to judge. */
export interface PolicyQuery {
  path: string;
  method: string;
  ip?: string;
  claims: Record<string, unknown>;
}

/** The answer: allowed or not, and the lines that explain it. */
export interface PolicyAnswer {
  allow: boolean;
  lines: string[];
}

const q = (s: string) => JSON.stringify(s);
const listed = (a: readonly string[]) => a.map(q).join(", ");

/** One selector in words: what it asks, and whether (and why) this user has it. */
function selectorWords(s: Selector, f: PolicyFacts, addr: string | undefined, excluding: boolean, matched: boolean): string {
  if ("groups" in s) {
    const hit = s.groups.filter((g) => f.g.includes(g));
    return matched ? `the user is in group ${listed(hit)}` : `the user is in none of the groups ${listed(s.groups)}`;
  }
  if ("emails" in s || "emailDomains" in s) {
    const email = f.e ?? (excluding ? f.n : undefined);
    const what = "emails" in s ? `the listed e-mail addresses (${listed(s.emails)})` : `the e-mail domains ${listed(s.emailDomains)}`;
    if (matched) return `the e-mail ${q(email ?? "")}${f.e === undefined ? " (not verified, which counts for an exclusion)" : ""} matches ${what}`;
    if (email === undefined) return f.n !== undefined ? `the e-mail ${q(f.n)} is not verified, so it does not count for ${what}` : `the user has no e-mail, so not ${what}`;
    return `the e-mail ${q(email)} does not match ${what}`;
  }
  if ("claim" in s) {
    const have = f.k && Object.prototype.hasOwnProperty.call(f.k, s.claim) ? f.k[s.claim] : undefined;
    return matched ? `claim ${q(s.claim)} is ${listed(have ?? [])}` : `claim ${q(s.claim)} is not one of ${listed(s.values)}`;
  }
  const a = parseIp(addr);
  if (!a) return addr === undefined ? `the viewer's IP is unknown (give --ip)${excluding ? ", which counts as inside the excluded ranges (fail closed)" : ""}` : `${q(addr)} is not an IP address`;
  const hit = s.ipRanges.filter((r) => {
    const range = parseCidr(r);
    return typeof range !== "string" && inRange(a, range);
  });
  return matched ? `the viewer's IP ${addr} is in ${listed(hit)}` : `the viewer's IP ${addr} is in none of ${listed(s.ipRanges)}`;
}

/** The verdict of one rule (shared/viewer/rules.ts `judge`) in words. */
function verdictWords(verdict: string, rule: ResolvedConfig["rules"][number], f: PolicyFacts, addr: string | undefined): string {
  const include: Selector[] = [...(rule.groups ? [{ groups: rule.groups }] : []), ...(rule.include ?? [])];
  const where = rule.groups ? (i: number) => (i === 0 ? "groups" : `include[${i - 1}]`) : (i: number) => `include[${i}]`;
  const kind = verdict.charAt(0);
  const i = Number(verdict.slice(1));
  if (verdict === "+") return "allowed: the rule has no include, so every signed-in user is in (and no require or exclude stopped this one)";
  if (kind === "+") return `allowed: ${where(i)} matched: ${selectorWords(include[i]!, f, addr, false, true)}`;
  if (kind === "x") return `denied: exclude[${i}] matched: ${selectorWords(rule.exclude![i]!, f, addr, true, true)}`;
  if (kind === "r") return `denied: require[${i}] did not match: ${selectorWords(rule.require![i]!, f, addr, false, false)}`;
  return `denied: no include selector matched: ${include.map((s, j) => `${where(j)}: ${selectorWords(s, f, addr, false, false)}`).join("; ")}`;
}

/**
 * The edge's decision for a signed-in user, with its reasons: a path public in both forms (and whose served
 * object is public too) needs no sign-in; otherwise every rule that applies to either form of the path, or to
 * the object the origin will serve, must be satisfied (shared/edge/check-auth.ts, shared/function/check.ts).
 */
export function explain(config: ResolvedConfig, query: PolicyQuery): PolicyAnswer {
  const paths = judgedPaths(query.path, config);
  const forms = paths[0]!;
  const target = paths[1] ? paths[1].raw : undefined;
  const head = `${query.method} ${query.path}${target !== undefined ? ` (the origin serves ${target})` : ""}`;
  if (isPublicRequest(globSet(config.publicPaths), paths)) return { allow: true, lines: [`allow: ${head}`, "  a public path (publicPaths): no sign-in and no rule"] };
  const rules = compileRules(config.rules);
  const facts = policyFacts(query.claims, config.groupsClaim, policyNeeds(config.rules));
  const lines: string[] = [];
  let allow = true;
  rules.forEach((r, i) => {
    if (!ruleApplies(r, paths, query.method)) return;
    const rule = config.rules[i]!;
    const verdict = judge(r, facts, query.ip);
    if (verdict.charAt(0) !== "+") allow = false;
    lines.push(`  rules[${i}] ${rule.path}${rule.methods ? ` (${rule.methods.join(", ")})` : ""}: ${verdictWords(verdict, rule, facts, query.ip)}`);
  });
  if (!lines.length) lines.push("  no rule applies: every signed-in user may open it");
  if (forms.normalized === undefined) lines.push("  the path cannot be decoded, so every rule applies to it (fail closed)");
  return { allow, lines: [`${allow ? "allow" : "deny"}: ${head}`, ...lines] };
}

/** The claims of a token's payload, read without verifying it. */
export function tokenClaims(token: string): Record<string, unknown> {
  const parts = token.trim().split(".");
  if (parts.length !== 3) throw new BadInput("--token: the file does not hold a JWT (three dot-separated parts)");
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  } catch {
    throw new BadInput("--token: the token's payload is not JSON");
  }
  return asClaims(claims, "--token");
}

function asClaims(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new BadInput(`${what}: the claims must be a JSON object`);
  return v as Record<string, unknown>;
}

const USAGE = "usage: npm run policy -- --path /finance/q3.html [--method POST] [--ip 203.0.113.9] (--claims claims.json | --token file) [--site host]";
const METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"];

/** The arguments, checked. */
export function parseArgs(argv: readonly string[]): { path: string; method: string; ip?: string; claims?: string; token?: string; site?: string } {
  const known = ["--path", "--method", "--ip", "--claims", "--token", "--site"];
  const v: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]!;
    if (!known.includes(k)) throw new BadInput(`unknown argument ${q(k)}\n${USAGE}`);
    if (argv[i + 1] === undefined) throw new BadInput(`${k} needs a value\n${USAGE}`);
    v[k.slice(2)] = argv[i + 1]!;
  }
  if (v.path === undefined || v.path.charAt(0) !== "/") throw new BadInput(`--path is required and must start with "/"\n${USAGE}`);
  if ((v.claims === undefined) === (v.token === undefined)) throw new BadInput(`give one of --claims or --token\n${USAGE}`);
  const method = (v.method ?? "GET").toUpperCase();
  if (!METHODS.includes(method)) throw new BadInput(`--method must be one of ${METHODS.join(", ")}`);
  if (v.ip !== undefined && !parseIp(v.ip)) throw new BadInput(`--ip: ${q(v.ip)} is not an IPv4 or IPv6 address`);
  return { path: v.path, method, ...(v.ip !== undefined ? { ip: v.ip } : {}), ...(v.claims !== undefined ? { claims: v.claims } : {}), ...(v.token !== undefined ? { token: v.token } : {}), ...(v.site !== undefined ? { site: v.site } : {}) };
}

/** The config as the build resolves it, without the network (a created pool's ids as stand-ins; no keys needed). */
export function loadPolicyConfig(file: string): AuthConfig {
  const raw = readConfigFile(file);
  const d = resolveDeployConfig(raw);
  const edgeRaw = d.ok && d.config.createUserPool ? withPoolPlaceholders(raw, "placeholder.example.com") : { ...raw, jwks: raw.jwks ?? { keys: [] } };
  return resolveOrThrow(edgeRaw, file, { nonceSigningSecret: "x".repeat(32), sessionSigningSecret: "x".repeat(43) }, (l) => console.error(l));
}

function pickSite(all: AuthConfig, host: string | undefined): ResolvedSite {
  if (host === undefined) {
    if (all.sites.length > 1) throw new BadInput(`this config has ${all.sites.length} sites: give --site with one of their hosts (${all.sites.flatMap((s) => s.hosts).join(", ")})`);
    return all.sites[0]!;
  }
  const site = siteFor(all.sites, host);
  if (!site) throw new BadInput(`--site: no site of this config serves ${q(host)}`);
  return site;
}

function read(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new BadInput(`${what}: cannot read ${file}`);
  }
}

function main(argv: readonly string[]): number {
  try {
    const a = parseArgs(argv);
    const file = resolve(process.env.AUTH_CONFIG ?? join(__dirname, "..", "auth.config.json"));
    const all = loadPolicyConfig(file);
    let claims: Record<string, unknown>;
    if (a.token !== undefined) claims = tokenClaims(read(a.token, "--token"));
    else {
      try {
        claims = asClaims(JSON.parse(read(a.claims!, "--claims")), "--claims");
      } catch (e) {
        throw e instanceof BadInput ? e : new BadInput(`--claims: ${a.claims} is not JSON`);
      }
    }
    const site = pickSite(all, a.site);
    const answer = explain(site.config, { path: a.path, method: a.method, ...(a.ip !== undefined ? { ip: a.ip } : {}), claims });
    console.log(answer.lines.join("\n"));
    return answer.allow ? 0 : 1;
  } catch (e) {
    // Exit status 1 means "deny": anything else that goes wrong is 2, never 1, so a script cannot read a crash
    // as a verdict.
    if (e instanceof BadInput || e instanceof ConfigError) console.error(e.message);
    else console.error(`policy: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
