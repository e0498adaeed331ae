/**
 * The edge config the local stack builds its functions with (written to `<stateDir>/auth.config.json`): one site
 * on any host, or two sites on `site-a.localhost` and `site-b.localhost`, each with its own app client; against
 * cognito-local (behind the Hosted UI front, with the Cognito triggers) or an OpenID Connect provider.
 */
import type { HotPath } from "../shared/config/types";
import { ADMIN_GROUP, DEFAULT_GROUP } from "./seed";

/** How many sites `npm start` serves: one on `localhost`, or two on `SITE_HOSTS`. */
export type SiteCount = 1 | 2;

/**
 * The host names of the two local sites. Browsers resolve every `*.localhost` name to loopback by themselves
 * (RFC 6761 §6.3), so no hosts file is needed; Node's resolver may not, so tests connect to the loopback address
 * and send the Host header.
 */
export const SITE_HOSTS = ["site-a.localhost", "site-b.localhost"] as const;

/** A rule of the local config. */
export interface LocalRule {
  path: string;
  groups: string[];
}

/**
 * The rules of the local site number `i` (0 for the only or the first site): `/admin/*` for admins; the second
 * site has its own, letting the default group in too, to show a per-site setting.
 */
export function localSiteRules(i: number): LocalRule[] {
  return [{ path: "/admin/*", groups: i === 1 ? [ADMIN_GROUP, DEFAULT_GROUP] : [ADMIN_GROUP] }];
}

/** Where the edge config's provider keys come from. */
export type LocalProvider =
  /** cognito-local: the pool, the Hosted UI front (the config's `domain`) and cognito-local's issuer. */
  | { type: "cognito"; userPoolId: string; authUrl: string; cognitoUrl: string }
  /** An OpenID Connect provider, found by the build through its discovery document. */
  | { type: "oidc"; issuer: string };

/** An app client of one site. */
export interface LocalClient {
  clientId: string;
  /** Set for a confidential client (token and revoke calls with HTTP Basic). */
  clientSecret?: string;
}

export interface LocalConfigInput {
  provider: LocalProvider;
  /** One client: one site on any host; two: the sites on `SITE_HOSTS`, in that order. */
  clients: readonly LocalClient[];
  mode?: "static" | "spa";
  hotPath?: HotPath;
}

const clientKeys = (c: LocalClient) => ({ clientId: c.clientId, ...(c.clientSecret ? { clientSecret: c.clientSecret } : {}) });

/** The raw edge config (what a user would write in auth.config.json). */
export function localConfig(p: LocalConfigInput): Record<string, unknown> {
  if (p.clients.length !== 1 && p.clients.length !== SITE_HOSTS.length) throw new Error(`the local stack serves 1 or ${SITE_HOSTS.length} sites, got ${p.clients.length} clients`);
  const cognito = p.provider.type === "cognito";
  const providerKeys =
    p.provider.type === "cognito"
      ? { region: "us-east-1", userPoolId: p.provider.userPoolId, domain: p.provider.authUrl, issuer: `${p.provider.cognitoUrl}/${p.provider.userPoolId}` }
      : { provider: { type: "oidc", issuer: p.provider.issuer }, groupsClaim: "groups" };
  const [first, second] = p.clients;
  // One site: its client at the top level, for any host. Two: each site its own client (and site B its own rules).
  const oneSite = p.clients.length === 1 ? clientKeys(first!) : {};
  const twoSites =
    p.clients.length === 1
      ? {}
      : {
          sites: [
            { hosts: [SITE_HOSTS[0]], ...clientKeys(first!) },
            { hosts: [SITE_HOSTS[1]], ...clientKeys(second!), rules: localSiteRules(1) },
          ],
        };
  return {
    ...(p.mode === "spa" ? { mode: "spa" } : {}),
    hotPath: p.hotPath ?? "lambda-edge",
    ...providerKeys,
    ...oneSite,
    scopes: ["openid", "email", "profile"],
    paths: { callback: "/parseauth", refresh: "/refreshauth", signOut: "/signout", signIn: "/signin", afterSignOut: "/public/" },
    publicPaths: ["/public/*", "/favicon.ico"],
    apiPaths: ["/api/*"],
    rules: localSiteRules(0),
    forwardIdentity: true,
    logLevel: "info",
    // The Cognito triggers run in cognito-local's pool; an OpenID Connect provider makes its own claims.
    ...(cognito
      ? {
          triggers: {
            preTokenGeneration: {
              groupClaims: { claim: "roles", map: { [ADMIN_GROUP]: ["admin", "reader"], [DEFAULT_GROUP]: ["reader"] } },
            },
            postConfirmation: { defaultGroup: DEFAULT_GROUP },
          },
        }
      : {}),
    ...twoSites,
  };
}
