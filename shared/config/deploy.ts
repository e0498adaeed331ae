/**
 * Deployment helpers that both deploy paths share (the Serverless files and, later, the CDK construct): stack
 * names, the app client's URLs, the groups a created pool needs. They read the resolved config
 * (shared/config/resolve.ts), never the raw file.
 */
import { createHash } from "node:crypto";
import type { DeployConfig, ResolvedConfig, TriggersConfig } from "./types";
import { ruleGroups } from "../viewer/rules";

/** Hosted UI host of a prefix domain. */
export function hostedUiDomain(prefix: string, region: string): string {
  return `${prefix}.auth.${region}.amazoncognito.com`;
}

/** Names of the two CloudFormation stacks (Serverless names a stack `<service>-<stage>`). */
export function stackNames(d: Pick<DeployConfig, "service" | "stage">): { edge: string; pool: string } {
  return { edge: `${d.service}-${d.stage}`, pool: `${d.service}-pool-${d.stage}` };
}

/** CloudFront's limit on the names of functions, key value stores and policies: 1-64 of `[A-Za-z0-9_-]`. */
const CLOUDFRONT_NAME_MAX = 64;

/**
 * The name of a CloudFront Function, key value store or policy of a stack: `<stack>-<suffix>`. CloudFront names
 * are unique in the account, not the stack, so the stack name is in it; when both are too long together the
 * stack name is cut and a hash of the whole of it keeps two stacks' names apart. The suffix is always kept whole.
 */
export function cloudFrontName(stack: string, suffix: string): string {
  const name = `${stack}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, "-");
  if (name.length <= CLOUDFRONT_NAME_MAX) return name;
  const hash = createHash("sha256").update(stack).digest("hex").slice(0, 8);
  const keep = CLOUDFRONT_NAME_MAX - suffix.length - hash.length - 2;
  if (keep < 1) throw new Error(`cloudFrontName: suffix ${suffix} is too long`);
  return `${stack.slice(0, keep)}-${hash}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, "-");
}

/** One app client a created pool gets: the deployment's only one, or one per site. */
export interface PoolClient {
  /** CloudFormation logical id: `UserPoolClient` for the first (as before sites existed), `UserPoolClientSite<n>` after. */
  logicalId: string;
  /** The stack output holding its id: `UserPoolClientId`, `UserPoolClientIdSite<n>`. */
  output: string;
  name: string;
  callbackUrls: string[];
  logoutUrls: string[];
  scopes: string[];
}

/** The `n`th (0-based) site's suffix in logical ids and outputs: none for the first. */
const siteSuffix = (n: number) => (n === 0 ? "" : `Site${n + 1}`);

/** Whether the config lists `sites` (without them there is one site answering on any host). */
export const hasSites = (sites: readonly { hosts: readonly string[] }[]) => !(sites.length === 1 && sites[0]!.hosts.includes("*"));

/**
 * The app clients a created pool gets. Without `sites`: one, for every host the site answers on (`siteHosts`:
 * the aliases and the distribution's domain). With `sites`: one per site, for that site's exact host names (a
 * `*.` name cannot be a callback URL: register the hosts under it with the client yourself), with its own scopes
 * and sign-out page, so a session of one site is never one of another.
 */
export function poolClients(
  sites: readonly { hosts: readonly string[]; config: Pick<ResolvedConfig, "paths" | "scopes"> }[],
  d: Pick<DeployConfig, "service" | "stage">,
  siteHosts: readonly string[],
): PoolClient[] {
  const base = `${d.service}-${d.stage}-edge`;
  if (!hasSites(sites)) {
    const c = sites[0]!.config;
    return [{ logicalId: "UserPoolClient", output: "UserPoolClientId", name: base, ...clientUrls(siteHosts, c.paths), scopes: c.scopes }];
  }
  return sites.map((site, i) => {
    const exact = site.hosts.filter((h) => !h.startsWith("*."));
    return {
      logicalId: `UserPoolClient${siteSuffix(i)}`,
      output: `UserPoolClientId${siteSuffix(i)}`,
      name: i === 0 ? base : `${base}-site${i + 1}`,
      ...clientUrls(exact.length ? exact : ["localhost"], site.config.paths),
      scopes: site.config.scopes,
    };
  });
}

/** The app client's callback and sign-out URLs for every host the site answers on. */
export function clientUrls(hosts: readonly string[], paths: { callback: string; afterSignOut: string }): { callbackUrls: string[]; logoutUrls: string[] } {
  return {
    callbackUrls: hosts.map((h) => `https://${h}${paths.callback}`),
    logoutUrls: hosts.map((h) => `https://${h}${paths.afterSignOut}`),
  };
}

/**
 * Groups the created pool needs: every group named in `rules`, plus `triggers.postConfirmation.defaultGroup`.
 * Each comes with a CloudFormation logical id that depends only on its name, so reordering rules never
 * replaces (and empties) a group.
 */
export function poolGroups(rules: ResolvedConfig["rules"], triggers: TriggersConfig): { name: string; logicalId: string }[] {
  const names = new Set<string>();
  for (const g of ruleGroups(rules)) names.add(g);
  if (triggers.postConfirmation.defaultGroup) names.add(triggers.postConfirmation.defaultGroup);
  return [...names].sort().map((name) => ({ name, logicalId: groupLogicalId(name) }));
}

/** Whether the pre-token-generation trigger has anything to do (then it is attached to a created pool). */
export function hasPreTokenGeneration(t: TriggersConfig): boolean {
  const p = t.preTokenGeneration;
  return (
    Object.keys(p.attributeClaims).length > 0 ||
    Object.keys(p.staticClaims).length > 0 ||
    p.groupClaims !== undefined ||
    p.suppressClaims.length > 0 ||
    Object.keys(p.accessTokenScopes).length > 0 ||
    p.module !== undefined
  );
}

function groupLogicalId(name: string): string {
  const alnum = name.replace(/[^A-Za-z0-9]/g, "").slice(0, 40);
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `UserPoolGroup${alnum}${hash}`;
}
