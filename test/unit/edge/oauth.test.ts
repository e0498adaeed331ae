/** The provider's endpoints: client authentication, sign-out URLs, revocation, for Cognito and any OIDC provider. */
import { describe, expect, it } from "vitest";
import type { ClientAuth, ResolvedConfig } from "../../../shared/config/types";
import type { HttpClient, HttpRequest } from "../../../shared/edge/http";
import { authorizeUrl, exchangeCode, logoutUrl, revokeToken } from "../../../shared/edge/oauth";

const cognito: ResolvedConfig["provider"] = {
  type: "cognito",
  issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X",
  authorizationEndpoint: "https://auth.example.com/oauth2/authorize",
  tokenEndpoint: "https://auth.example.com/oauth2/token",
  revocationEndpoint: "https://auth.example.com/oauth2/revoke",
  endSessionEndpoint: "https://auth.example.com/logout",
  jwksUri: "https://x/jwks",
  clientAuth: "client_secret_basic",
  accessTokenJwt: true,
};
const oidc = (o: Partial<ResolvedConfig["provider"]> = {}): ResolvedConfig["provider"] => ({
  type: "oidc",
  issuer: "https://idp.example.com",
  authorizationEndpoint: "https://idp.example.com/auth?tenant=1",
  tokenEndpoint: "https://idp.example.com/token",
  revocationEndpoint: "https://idp.example.com/revoke",
  endSessionEndpoint: "https://idp.example.com/logout",
  jwksUri: "https://idp.example.com/jwks",
  clientAuth: "client_secret_basic",
  accessTokenJwt: false,
  ...o,
});
const cfg = (provider: ResolvedConfig["provider"], clientSecret?: string) =>
  ({ provider, clientId: "my client", ...(clientSecret ? { clientSecret } : {}), scopes: ["openid"], timeouts: { token: 3000, revoke: 1500, jwks: 1500 } }) as Pick<ResolvedConfig, "provider" | "clientId" | "clientSecret" | "scopes" | "timeouts">;

/** Records the one request and answers with tokens. */
function recorder() {
  const seen: { url: string; req: HttpRequest }[] = [];
  const http: HttpClient = async (url, req) => {
    seen.push({ url, req });
    return { status: 200, body: Buffer.from(JSON.stringify({ id_token: "i", access_token: "a" })) };
  };
  return { seen, http };
}

describe("client authentication at the token endpoint", () => {
  const secret = "a+b%c/d=e";
  it.each<[string, ResolvedConfig["provider"], string | undefined, string | undefined, string | undefined]>([
    // RFC 6749 §2.3.1: id and secret are form-encoded before Basic: '+' → %2B, '%' → %25, space → '+'.
    ["OIDC client_secret_basic: form-encoded first", oidc(), secret, `Basic ${Buffer.from("my+client:a%2Bb%25c%2Fd%3De").toString("base64")}`, undefined],
    ["OIDC client_secret_post: the secret in the form", oidc({ clientAuth: "client_secret_post" }), secret, undefined, secret],
    ["OIDC none: a public client", oidc({ clientAuth: "none" }), undefined, undefined, undefined],
    // Cognito documents (and expects) the raw pair.
    ["Cognito: the raw pair, as Cognito documents", cognito, secret, `Basic ${Buffer.from(`my client:${secret}`).toString("base64")}`, undefined],
  ])("%s", async (_, provider, clientSecret, authorization, formSecret) => {
    const { seen, http } = recorder();
    await exchangeCode(cfg(provider, clientSecret), http, { code: "c", verifier: "v", redirectUri: "https://site/cb" });
    expect(seen[0]!.url).toBe(provider.tokenEndpoint);
    expect(seen[0]!.req.headers?.authorization).toBe(authorization);
    const form = new URLSearchParams(seen[0]!.req.body);
    expect(form.get("client_secret") ?? undefined).toBe(formSecret);
    expect(form.get("client_id")).toBe("my client");
    expect(form.get("code_verifier")).toBe("v");
  });

  it.each<ClientAuth>(["client_secret_basic", "client_secret_post"])("%s never puts the secret in the URL", async (clientAuth) => {
    const { seen, http } = recorder();
    await exchangeCode(cfg(oidc({ clientAuth }), "topsecret"), http, { code: "c", verifier: "v", redirectUri: "https://site/cb" });
    expect(seen[0]!.url).not.toContain("topsecret");
  });
});

describe("sign-in and sign-out URLs", () => {
  it("the authorization endpoint keeps its own query", () => {
    const u = new URL(authorizeUrl({ ...cfg(oidc()), identityProvider: undefined, idpIdentifier: undefined }, { redirectUri: "https://site/cb", state: "s", nonce: "n", codeChallenge: "c" }));
    expect(u.searchParams.get("tenant")).toBe("1");
    expect(u.searchParams.get("code_challenge_method")).toBe("S256");
  });

  it.each<[string, ResolvedConfig["provider"], string | undefined, string]>([
    ["Cognito's /logout", cognito, "idtok", "https://auth.example.com/logout?client_id=my+client&logout_uri=https%3A%2F%2Fsite%2Fbye"],
    ["RP-initiated logout with id_token_hint", oidc(), "idtok", "https://idp.example.com/logout?post_logout_redirect_uri=https%3A%2F%2Fsite%2Fbye&client_id=my+client&id_token_hint=idtok"],
    ["RP-initiated logout without a token", oidc(), undefined, "https://idp.example.com/logout?post_logout_redirect_uri=https%3A%2F%2Fsite%2Fbye&client_id=my+client"],
    ["no end-session endpoint: straight back to the site", oidc({ endSessionEndpoint: undefined }), "idtok", "https://site/bye"],
  ])("%s", (_, provider, idToken, expected) => {
    expect(logoutUrl({ provider, clientId: "my client" }, "https://site/bye", idToken)).toBe(expected);
  });
});

describe("revocation", () => {
  it("revokes at the provider's endpoint, with a token_type_hint for OIDC", async () => {
    const { seen, http } = recorder();
    expect(await revokeToken(cfg(oidc(), "s"), http, "rt")).toBe(true);
    expect(seen[0]!.url).toBe("https://idp.example.com/revoke");
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.req.body))).toEqual({ token: "rt", token_type_hint: "refresh_token", client_id: "my client" });
  });

  it("without a revocation endpoint there is nothing to call", async () => {
    const { seen, http } = recorder();
    expect(await revokeToken(cfg(oidc({ revocationEndpoint: undefined })), http, "rt")).toBe(true);
    expect(seen).toEqual([]);
  });
});
