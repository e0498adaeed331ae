/**
 * The config pipeline's `deploy` part: service and stage, whether the deploy creates the pool (and what must then
 * be left out), the created pool's settings, aliases and certificate, dashboard and alarms.
 */
import type { z } from "zod";
import { validDomainPrefix } from "./schema";
import type { deploySchema } from "./schema";
import type { DeployConfig } from "./types";
import { isObject } from "./resolve-common";
import type { Fail, Raw } from "./resolve-common";
import { resolveAlarms, resolveDashboard, resolveUserPoolSignIn } from "./resolve-operate";

/** Keys a created pool provides: they must be left out when `deploy.createUserPool` is true. */
export const POOL_KEYS = ["userPoolId", "clientId", "clientSecret", "domain", "issuer", "jwks"] as const;

/** The raw `sites` entries that are objects (the schema checks the rest). */
const rawSites = (raw: Raw): Raw[] => (Array.isArray(raw.sites) ? raw.sites.filter(isObject) : []);

/** Whether the distribution alias `alias` serves `host`: the same name, or `*.d` for a host one label under `d` (or `*.d` itself). */
export function aliasCovers(alias: string, host: string): boolean {
  const a = alias.toLowerCase();
  const h = host.toLowerCase();
  if (a === h) return true;
  if (!a.startsWith("*.")) return false;
  const rest = a.slice(1);
  return h.endsWith(rest) && h.length > rest.length && !h.slice(0, -rest.length).includes(".");
}

/**
 * What a deploy needs that a build does not, as `field: why` messages: the ACM certificate for aliases that come
 * from `sites` (a local run of the same config needs none).
 */
export function missingDeployKeys(d: DeployConfig): string[] {
  return d.aliases.length && !d.certificateArn
    ? [`deploy.certificateArn: is required: the sites' host names (${d.aliases.join(", ")}) are the distribution's aliases, and CloudFront serves a custom domain only with an ACM certificate in us-east-1 covering it`]
    : [];
}

/** The `deploy` value as the schema parsed it. */
export type DeployData = NonNullable<z.output<typeof deploySchema>>;

/** The resolved deploy part, checked against the edge keys it depends on. */
export function deployPart(d: Partial<DeployData>, raw: Raw, fail: Fail): DeployConfig | undefined {
  const service = d.service ?? "edge-auth";
  const stage = d.stage ?? "dev";
  const sites = rawSites(raw);
  // Only Cognito has a pool to create; another provider's app client is registered with it. A site that names
  // its own pool or provider means the pools exist.
  const cognito = raw.provider === undefined || raw.provider === "cognito";
  const poolNamed = raw.userPoolId !== undefined || sites.some((s) => s.userPoolId !== undefined || s.provider !== undefined);
  const createUserPool = d.createUserPool ?? (cognito && !poolNamed);
  if (createUserPool) {
    for (const key of POOL_KEYS) if (raw[key] !== undefined) fail("deploy.createUserPool", `is true, so "${key}" must be left out (the new pool provides it)`);
    sites.forEach((site, i) => {
      for (const key of [...POOL_KEYS, "provider", "region"] as const)
        if (site[key] !== undefined) fail(`sites[${i}].${key}`, "must be left out: deploy.createUserPool is true, so the new pool and an app client of its own for each site provide it");
    });
  }
  const dflt = `${service}-${stage}`.toLowerCase();
  const p: Partial<NonNullable<DeployData["userPool"]>> = d.userPool ?? {};
  if (p.domainPrefix === undefined && !validDomainPrefix(dflt)) fail("deploy.userPool.domainPrefix", `the default "${dflt}" is not a valid Cognito domain prefix; set one`);
  const explicit = [...new Set(d.aliases ?? [])];
  // Every site's host names are the distribution's aliases: given, they must cover each; left out, they are those.
  const siteHosts = [...new Set(sites.flatMap((s) => (Array.isArray(s.hosts) ? s.hosts.filter((h): h is string => typeof h === "string") : [])))];
  if (explicit.length)
    for (const h of siteHosts)
      if (!explicit.some((a) => aliasCovers(a, h))) fail("deploy.aliases", `does not cover "${h}", a host of sites: CloudFront would refuse that site's requests (add it, or a *. alias for it)`);
  const aliases = explicit.length ? explicit : siteHosts;
  if (explicit.length && !d.certificateArn)
    fail("deploy.certificateArn", "is required with deploy.aliases (CloudFront serves a custom domain only with an ACM certificate in us-east-1)");
  if (d.certificateArn && !aliases.length) fail("deploy.aliases", "is required with deploy.certificateArn (the domain names the certificate covers)");
  // Aliases taken from `sites` need the certificate too, but only to deploy: `missingDeployKeys` says so then.
  return {
    service,
    stage,
    createUserPool,
    userPool: {
      name: p.name ?? dflt,
      domainPrefix: p.domainPrefix ?? dflt,
      generateSecret: p.generateSecret ?? false,
      selfSignUp: p.selfSignUp ?? false,
      preTokenGenerationVersion: p.preTokenGenerationVersion ?? "V2_0",
      deletionProtection: p.deletionProtection ?? true,
      signIn: resolveUserPoolSignIn(p, fail),
    },
    aliases,
    ...(d.certificateArn ? { certificateArn: d.certificateArn } : {}),
    priceClass: d.priceClass ?? "PriceClass_100",
    siteDir: d.siteDir ?? "site",
    ...(d.bucketName ? { bucketName: d.bucketName } : {}),
    alarms: resolveAlarms(d.alarms),
    dashboard: resolveDashboard(d.dashboard, d.priceClass ?? "PriceClass_100"),
  };
}
