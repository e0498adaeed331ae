/**
 * A real, OpenID Certified provider on loopback for the tests: panva's oidc-provider, with a confidential client
 * (client_secret_basic, a secret with `+` and `%`), a public client (PKCE only), a client that signs id tokens
 * with ES256 and one with PS256; refresh tokens with rotation, revocation and RP-initiated logout on. Sign-in is
 * automatic: the interaction endpoint signs the test user in and grants what was asked.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadProvider } from "../../local/oidc-provider";

export const OIDC_USER = { sub: "user-7f3a", preferred_username: "jane.doe", email: "jane@example.com", email_verified: true, groups: ["staff", "admins"], realm_access: { roles: ["reader"] } };
/** RFC 6749 §2.3.1: sent raw in HTTP Basic this secret would be refused; form-encoded first it is accepted. */
export const CONFIDENTIAL_SECRET = "s3cr+t%2Fvalue=with/odd chars";

export interface TestProvider {
  issuer: string;
  /** The clients' ids. */
  clients: { confidential: string; public: string; es256: string; ps256: string };
  /** Token endpoint calls, revocations and end-session visits seen, for assertions. */
  seen: { path: string; method: string }[];
  stop(): Promise<void>;
}

const privateJwk = (type: "rsa" | "ec", alg: string, kid: string) => {
  const { privateKey } = type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { ...(privateKey.export({ format: "jwk" }) as Record<string, unknown>), kid, alg, use: "sig" };
};

/** Starts the provider on a free loopback port; `redirectUri` and `postLogoutUri` are registered for every client. */
export async function startTestProvider(o: { redirectUris: string[]; postLogoutUris: string[] }): Promise<TestProvider> {
  const Provider = await loadProvider();
  const seen: TestProvider["seen"] = [];
  const server: Server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const common = { redirect_uris: o.redirectUris, post_logout_redirect_uris: o.postLogoutUris, grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] };
  const clients = { confidential: "web-confidential", public: "web-public", es256: "web-es256", ps256: "web-ps256" };
  const provider = new Provider(issuer, {
    clients: [
      { ...common, client_id: clients.confidential, client_secret: CONFIDENTIAL_SECRET, token_endpoint_auth_method: "client_secret_basic" },
      { ...common, client_id: clients.public, token_endpoint_auth_method: "none" },
      { ...common, client_id: clients.es256, token_endpoint_auth_method: "none", id_token_signed_response_alg: "ES256" },
      { ...common, client_id: clients.ps256, token_endpoint_auth_method: "none", id_token_signed_response_alg: "PS256" },
    ],
    jwks: { keys: [privateJwk("rsa", "RS256", "rs-key"), privateJwk("ec", "ES256", "ec-key"), privateJwk("rsa", "PS256", "ps-key")] },
    enabledJWA: { idTokenSigningAlgValues: ["RS256", "ES256", "PS256"] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ ...OIDC_USER, sub }) }),
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["preferred_username", "groups", "realm_access"] },
    conformIdTokenClaims: false,
    scopes: ["openid", "email", "profile", "offline_access"],
    pkce: { required: () => true },
    issueRefreshToken: () => true,
    rotateRefreshToken: true,
    features: { devInteractions: { enabled: false }, revocation: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ["test-cookie-key-0123456789"] },
    ttl: { AccessToken: 600, IdToken: 600, RefreshToken: 86400, Grant: 86400, Session: 86400, Interaction: 600 },
  });

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ path: (req.url ?? "").split("?")[0]!, method: req.method ?? "GET" });
    if (req.url?.startsWith("/interaction/")) {
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        const grant = new provider.Grant({ accountId: OIDC_USER.sub, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId: OIDC_USER.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
      })().catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    provider.callback()(req, res);
  });
  return {
    issuer,
    clients,
    seen,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Follows the provider's redirects the way a browser would (its own cookies kept) until it sends us back to `back`. */
export async function signInAtProvider(authorizeUrl: string, back: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = authorizeUrl;
  for (let i = 0; i < 10; i++) {
    const res = await fetch(url, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = res.headers.get("location");
    if (!location) throw new Error(`the provider answered ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`);
    const next = new URL(location, url);
    if (next.href.startsWith(back)) return next;
    url = next.href;
  }
  throw new Error("too many redirects at the provider");
}
