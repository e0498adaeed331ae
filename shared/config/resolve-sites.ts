/**
 * The config pipeline's `sites` part: each site's keys over the top level's, each resolved as a whole by
 * resolve-edge.ts, and the checks across sites.
 */
import { SITE_KEYS } from "./schema";
import type { ConfigFile } from "./schema";
import { isObject } from "./resolve-common";
import type { Fail, Raw, ResolveExtra, ResolvedSite } from "./resolve-common";
import { edgePart } from "./resolve-edge";

/**
 * The sites: each site's keys over the top level's (objects such as `paths` and `cookie` key by key, and only
 * the keys the site writes), then each resolved as a whole. Across sites: no host twice, no app client twice (a
 * session of one site is never one of another), and the same function paths (one distribution has one cache
 * behaviour per path).
 */
export function sitesPart(data: ConfigFile, raw: Raw, extra: ResolveExtra, createsPool: boolean, fail: Fail): ResolvedSite[] | undefined {
  if (!data.sites) {
    const config = edgePart(data, raw, extra, createsPool, fail);
    return config ? [{ hosts: ["*"], config }] : undefined;
  }
  const rawSites = raw.sites as Raw[];
  const out: ResolvedSite[] = [];
  let bad = false;
  data.sites.forEach((site, i) => {
    const given = rawSites[i] ?? {};
    const merged: Record<string, unknown> = { ...data };
    for (const key of SITE_KEYS) {
      if (given[key] === undefined) continue;
      const own = (site as Record<string, unknown>)[key];
      const top = (data as Record<string, unknown>)[key];
      if ((key === "paths" || key === "cookie") && isObject(given[key]) && isObject(own) && isObject(top)) {
        const picked: Record<string, unknown> = { ...top };
        for (const k of Object.keys(given[key] as Raw)) picked[k] = own[k];
        merged[key] = picked;
      } else merged[key] = own;
    }
    const config = edgePart(merged as ConfigFile, raw, extra, createsPool, (f, w) => fail(`sites[${i}].${f}`, w));
    if (!config) bad = true;
    else out.push({ hosts: site.hosts as string[], config });
  });
  if (bad) return undefined;
  const hostOwner = new Map<string, number>();
  const clientOwner = new Map<string, number>();
  out.forEach((s, i) => {
    for (const h of s.hosts) {
      if (hostOwner.has(h)) fail(`sites[${i}].hosts`, `"${h}" is also a host of sites[${hostOwner.get(h)}]`);
      else hostOwner.set(h, i);
    }
    if (clientOwner.has(s.config.clientId)) fail(`sites[${i}].clientId`, `is also the app client of sites[${clientOwner.get(s.config.clientId)}]: each site needs its own, so a session of one site is never one of another`);
    else clientOwner.set(s.config.clientId, i);
    for (const k of ["callback", "refresh", "signOut", "signIn"] as const) {
      if (s.config.paths[k] !== out[0]!.config.paths[k])
        fail(`sites[${i}].paths.${k}`, `must be the same for every site (${out[0]!.config.paths[k]}): one distribution has one cache behaviour per path`);
    }
  });
  return out;
}
