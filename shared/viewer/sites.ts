/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * Which site a request is for, by its Host header: a site's host names are exact names or `*.` plus a domain
 * (one label of wildcard: `*.example.com` is `a.example.com`, not `example.com` nor `a.b.example.com`); `*` alone
 * (a config without `sites`) is any host. No match: the request is for no site of ours (421).
 */

/** A Host header's host name: lower case, without the port or a trailing dot. */
export function hostnameOf(hostHeader: string): string {
  let h = hostHeader.toLowerCase();
  if (h.charAt(0) === "[") {
    const end = h.indexOf("]");
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(":");
  if (colon !== -1) h = h.slice(0, colon);
  return h.charAt(h.length - 1) === "." ? h.slice(0, -1) : h;
}

export function hostMatches(pattern: string, hostname: string): boolean {
  if (pattern === "*") return true;
  if (pattern.indexOf("*.") !== 0) return pattern === hostname;
  const suffix = pattern.slice(1);
  const label = hostname.slice(0, hostname.length - suffix.length);
  return hostname.length > suffix.length && hostname.slice(-suffix.length) === suffix && label.indexOf(".") === -1;
}

/** The site whose hosts match the Host header (exact names win over wildcards), or undefined. */
export function siteFor<T extends { hosts: readonly string[] }>(sites: readonly T[], hostHeader: string | undefined): T | undefined {
  if (hostHeader === undefined) return sites.length === 1 && sites[0]!.hosts.indexOf("*") !== -1 ? sites[0] : undefined;
  const name = hostnameOf(hostHeader);
  let wildcard: T | undefined;
  for (let i = 0; i < sites.length; i++) {
    const hosts = sites[i]!.hosts;
    for (let j = 0; j < hosts.length; j++) {
      if (hosts[j] === name) return sites[i];
      if (wildcard === undefined && hostMatches(hosts[j]!, name)) wildcard = sites[i];
    }
  }
  return wildcard;
}
