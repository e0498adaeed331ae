/**
 * The user's own config, run locally (`AUTH_CONFIG=… npm start`): their edge settings — rules, public and API
 * paths, paths, cookie, headers, hot path, mode, `sites` with local host names, triggers — with only what names
 * their identity provider replaced by the local one (the pool's ids, the app clients, the Hosted UI domain, the
 * issuer and keys; an OpenID Connect provider's endpoints and claim names). Each replacement is named with its
 * reason for the start output; what cannot run locally is refused, one line each, before anything starts.
 *
 * Pure: `planOwnConfig` reads nothing but the raw config, `ownLocalConfig` only merges.
 */
import { dirname } from "node:path";
import { absolutePaths } from "../shared/config/load";
import type { LocalClient, LocalProvider } from "./local-config";

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** cognito-local's region (its pools are made up; the config needs a real region name). */
export const LOCAL_REGION = "us-east-1";
/** The scopes the local pool's app clients allow. */
export const LOCAL_SCOPES = ["openid", "email", "profile"] as const;

/** Browsers resolve `localhost` and every `*.localhost` name to loopback by themselves (RFC 6761 §6.3). */
export function isLocalHostName(host: string): boolean {
  return !host.includes("*") && (host === "localhost" || host.endsWith(".localhost"));
}

/** The user's config, ready to be merged once the local provider runs. */
export interface OwnConfigPlan {
  /** The raw config: file paths made absolute, each site's hosts cut down to the local ones. */
  raw: Raw;
  /** Each site's host names, in the config's order (`["localhost"]` for a config without `sites`). */
  siteHosts: string[][];
  /** The host the local CloudFront calls its own (`localhost` when a site has it, else the first site's first). */
  canonicalHost: string;
  /** What was changed already, and why (hosts that cannot be served locally). */
  notes: string[];
}

/**
 * Checks what of the user's config can run locally and prepares it: every problem at once (one line each), or
 * the plan. `configPath` makes the config's relative file paths (error pages, a claims module) absolute.
 */
export function planOwnConfig(raw: Raw, configPath: string): { ok: true; plan: OwnConfigPlan } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  const out = absolutePaths(raw, dirname(configPath));
  let siteHosts: string[][] = [["localhost"]];
  if (Array.isArray(raw.sites)) {
    siteHosts = [];
    out.sites = raw.sites.map((site: unknown, i) => {
      if (!isObject(site) || !Array.isArray(site.hosts)) return site; // the config pipeline names the mistake
      const hosts = site.hosts.filter((h): h is string => typeof h === "string").map((h) => h.toLowerCase());
      const local = hosts.filter(isLocalHostName);
      const other = hosts.filter((h) => !isLocalHostName(h));
      if (local.length === 0) {
        problems.push(
          `sites[${i}].hosts: ${other.map((h) => `"${h}"`).join(", ") || "none"} cannot be served locally: a local run answers on localhost and *.localhost ` +
            `names (browsers resolve them to this machine), and needs each host by name to sign in there; add one such as "${localNameFor(other[0], i)}" to the site's hosts`,
        );
      } else if (other.length) {
        notes.push(`sites[${i}].hosts: ${other.join(", ")} left out (${other.some((h) => h.includes("*")) ? "a wildcard or a name" : "a name"} that does not reach this machine by name); the site answers on ${local.join(", ")}`);
      }
      siteHosts.push(local);
      return { ...(out.sites as unknown[])[i] as Raw, hosts: local };
    });
  }
  if (problems.length) return { ok: false, problems };
  const all = siteHosts.flat();
  const canonicalHost = all.includes("localhost") ? "localhost" : (all[0] ?? "localhost");
  return { ok: true, plan: { raw: out, siteHosts, canonicalHost, notes } };
}

/** A suggestion for a site's local host name: `www.example.com` → `www.localhost`. */
function localNameFor(host: string | undefined, i: number): string {
  const label = host?.replace(/^\*\./, "").split(".")[0];
  return `${label && label !== "localhost" && /^[a-z0-9-]+$/.test(label) ? label : `site-${i + 1}`}.localhost`;
}

/** What the local stack puts in place of the user's provider. */
export interface LocalIds {
  /** cognito-local (the only provider an own config runs against). */
  provider: Extract<LocalProvider, { type: "cognito" }>;
  /** One app client per site, in the config's order. */
  clients: readonly LocalClient[];
}

/** The keys that name the identity provider: replaced by the local ones, at the top and in every site. */
const PROVIDER_KEYS = ["region", "userPoolId", "clientId", "clientSecret", "domain", "issuer", "jwks", "provider", "identityProvider", "idpIdentifier"] as const;

/**
 * The config the local functions are built with: the plan's, with the provider replaced by `local`; and one line
 * per replaced setting, naming it and why (never a secret's value).
 */
export function ownLocalConfig(plan: Pick<OwnConfigPlan, "raw" | "notes">, local: LocalIds): { raw: Raw; replaced: string[] } {
  const user = plan.raw;
  const replaced: string[] = [];
  const note = (line: string) => {
    if (!replaced.includes(line)) replaced.push(line);
  };
  const { userPoolId, authUrl, cognitoUrl } = local.provider;
  const issuer = `${cognitoUrl}/${userPoolId}`;
  const sites = Array.isArray(user.sites) ? (user.sites as unknown[]) : undefined;
  const clientCount = sites ? sites.length : 1;
  if (local.clients.length !== clientCount) throw new Error(`ownLocalConfig: ${local.clients.length} clients for ${clientCount} site(s)`);

  const was = (v: unknown) => (typeof v === "string" ? `${v} → ` : "");
  const topProvider = user.provider;
  /** Takes the provider out of one part (the top level or a site), naming what it held. */
  const strip = (part: Raw, where: string, provider: unknown): Raw => {
    const out: Raw = { ...part };
    const at = (k: string) => `${where}${k}`;
    if (isObject(provider) && part.provider !== undefined) note(`${at("provider")}: the OpenID Connect provider ${String(provider.issuer ?? "")} → cognito-local (a local run signs in with the local pool and its users)`);
    if (part.clientSecret !== undefined) note(`${at("clientSecret")}: left out (the local app clients are public: PKCE alone)`);
    if (part.jwks !== undefined) note(`${at("jwks")}: left out (the build fetches the local pool's key)`);
    if (part.identityProvider !== undefined || part.idpIdentifier !== undefined)
      note(`${at(part.identityProvider !== undefined ? "identityProvider" : "idpIdentifier")}: left out (cognito-local signs in its own users; a federated provider does not run locally)`);
    for (const k of PROVIDER_KEYS) delete out[k];
    // Claim names follow the provider: an OpenID Connect provider's are not cognito-local's.
    if (isObject(provider)) {
      for (const k of ["groupsClaim", "usernameClaim"] as const) {
        if (part[k] === undefined) continue;
        note(`${at(k)}: ${String(part[k])} → ${k === "groupsClaim" ? "cognito:groups" : "cognito:username"} (the claim cognito-local's tokens carry)`);
        delete out[k];
      }
    }
    if (Array.isArray(part.scopes) && part.scopes.some((s) => !(LOCAL_SCOPES as readonly unknown[]).includes(s))) {
      note(`${at("scopes")}: ${part.scopes.join(", ")} → ${LOCAL_SCOPES.join(", ")} (what the local app clients allow)`);
      out.scopes = [...LOCAL_SCOPES];
    }
    if (isObject(part.cookie) && typeof part.cookie.domain === "string" && !isLocalHostName(part.cookie.domain)) {
      note(`${at("cookie.domain")}: ${part.cookie.domain} left out (a browser keeps a cookie for that domain only on its hosts; locally each host keeps its own)`);
      const cookie: Raw = { ...part.cookie };
      delete cookie.domain;
      out.cookie = cookie;
    }
    return out;
  };

  const top = strip(user, "", topProvider);
  delete top.deploy;
  if (user.deploy !== undefined) note("deploy: left out (npm start deploys nothing)");
  const raw: Raw = {
    ...top,
    region: LOCAL_REGION,
    userPoolId,
    domain: authUrl,
    issuer,
    ...(sites ? {} : { clientId: local.clients[0]!.clientId }),
  };
  if (sites) {
    raw.sites = sites.map((site, i) => {
      const s = isObject(site) ? site : {};
      return { ...strip(s, `sites[${i}].`, s.provider ?? topProvider), clientId: local.clients[i]!.clientId };
    });
  }
  // Always named: the values the user will find in the built config instead of theirs.
  const lines = [
    ...plan.notes,
    `region: ${was(user.region)}${LOCAL_REGION} (cognito-local's pools are in a made-up region; this name stands for it)`,
    `userPoolId: ${was(user.userPoolId)}${userPoolId} (the local pool, new at every start)`,
    sites
      ? `clientId: ${sites.map((_, i) => `sites[${i}] ${local.clients[i]!.clientId}`).join(", ")} (an app client of the local pool for each site, its callback on the site's local hosts)`
      : `clientId: ${was(user.clientId)}${local.clients[0]!.clientId} (an app client of the local pool, its callback on this machine)`,
    `domain: ${was(user.domain)}${authUrl} (the local Hosted UI)`,
    `issuer: ${was(user.issuer)}${issuer} (cognito-local's; the build fetches its key)`,
  ];
  return { raw, replaced: [...lines, ...replaced] };
}
