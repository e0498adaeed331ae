/**
 * The provider's OAuth 2.0 / OpenID Connect endpoints: the authorization URL, the token endpoint (code with PKCE,
 * refresh token), token revocation (RFC 7009) and sign-out (Cognito's `/logout`, or OpenID Connect RP-initiated
 * logout). https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html,
 * https://openid.net/specs/openid-connect-rpinitiated-1_0.html
 *
 * Client authentication: `client_secret_basic` (HTTP Basic), `client_secret_post` (secret in the form), or none (a
 * public client, PKCE alone). `client_id` is in the form body as well, which providers accept and emulators require.
 */
import type { ResolvedConfig } from "../config/types";
import { AuthError } from "../outcomes/errors";
import type { HttpClient } from "./http";

export interface TokenSet {
  idToken: string;
  accessToken: string;
  /** Present on the code exchange, and on refresh when refresh-token rotation is on. */
  refreshToken?: string;
}

type OAuthConfig = Pick<ResolvedConfig, "provider" | "clientId" | "clientSecret" | "scopes" | "timeouts" | "identityProvider" | "idpIdentifier">;

/** The sign-in URL (authorization code flow with PKCE S256 and an OIDC nonce). */
export function authorizeUrl(config: OAuthConfig, p: { redirectUri: string; state: string; nonce: string; codeChallenge: string }): string {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: p.redirectUri,
    scope: config.scopes.join(" "),
    state: p.state,
    nonce: p.nonce,
    code_challenge: p.codeChallenge,
    code_challenge_method: "S256",
  });
  if (config.identityProvider) q.set("identity_provider", config.identityProvider);
  if (config.idpIdentifier) q.set("idp_identifier", config.idpIdentifier);
  return withQuery(config.provider.authorizationEndpoint, q.toString().replace(/\+/g, "%20"));
}

/** Appends a query to an endpoint that may already carry one (some providers' endpoints do). */
function withQuery(endpoint: string, query: string): string {
  return `${endpoint}${endpoint.includes("?") ? "&" : "?"}${query}`;
}

/**
 * Where sign-out sends the browser to end the provider's session: Cognito's `/logout` (`client_id`, `logout_uri`),
 * an OpenID Connect provider's end-session endpoint (`post_logout_redirect_uri`, `client_id`, `id_token_hint`), or,
 * when the provider has none, straight to `afterSignOut` on this site.
 */
export function logoutUrl(config: Pick<ResolvedConfig, "provider" | "clientId">, afterSignOut: string, idToken?: string): string {
  const end = config.provider.endSessionEndpoint;
  if (!end) return afterSignOut;
  if (config.provider.type === "cognito") return withQuery(end, new URLSearchParams({ client_id: config.clientId, logout_uri: afterSignOut }).toString());
  const q = new URLSearchParams({ post_logout_redirect_uri: afterSignOut, client_id: config.clientId });
  if (idToken) q.set("id_token_hint", idToken);
  return withQuery(end, q.toString());
}

/**
 * `application/x-www-form-urlencoded` of a client id or secret, as RFC 6749 §2.3.1 requires before Basic
 * encoding (`+` and `%` in a secret matter); Cognito documents, and expects, the raw form.
 */
function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, "+");
}

/** Headers and extra form fields of the client's authentication. */
function clientAuth(config: OAuthConfig): { headers: Record<string, string>; form: Record<string, string> } {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
  const form: Record<string, string> = { client_id: config.clientId };
  const secret = config.clientSecret;
  if (secret && config.provider.clientAuth === "client_secret_basic") {
    const pair = config.provider.type === "cognito" ? `${config.clientId}:${secret}` : `${formEncode(config.clientId)}:${formEncode(secret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
  } else if (secret && config.provider.clientAuth === "client_secret_post") form.client_secret = secret;
  return { headers, form };
}

/** POSTs a token request; maps every failure to an AuthError with a code the user can act on. */
async function tokenRequest(config: OAuthConfig, http: HttpClient, grant: Record<string, string>): Promise<TokenSet> {
  const auth = clientAuth(config);
  let res;
  try {
    res = await http(config.provider.tokenEndpoint, {
      method: "POST",
      headers: auth.headers,
      body: new URLSearchParams({ ...grant, ...auth.form }).toString(),
      timeoutMs: config.timeouts.token,
    });
  } catch (err) {
    throw new AuthError("cognito-unavailable", `token endpoint: ${(err as Error).message}`);
  }
  if (res.status >= 500 || res.status === 429) throw new AuthError("cognito-unavailable", `token endpoint status ${res.status}`);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(res.body.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new AuthError(res.status === 200 ? "cognito-unavailable" : "code-refused", `token endpoint status ${res.status}, not JSON`);
  }
  if (res.status !== 200) {
    // OAuth error codes are a fixed vocabulary (invalid_grant, invalid_client, ...): safe to log.
    const code = typeof body.error === "string" && /^[a-z_]{1,40}$/.test(body.error) ? body.error : "unknown";
    throw new AuthError("code-refused", `token endpoint status ${res.status} ${code}`);
  }
  const { id_token, access_token, refresh_token } = body;
  if (typeof id_token !== "string" || typeof access_token !== "string")
    throw new AuthError("token-invalid", "token endpoint answer lacks id_token or access_token");
  return {
    idToken: id_token,
    accessToken: access_token,
    ...(typeof refresh_token === "string" && refresh_token ? { refreshToken: refresh_token } : {}),
  };
}

/** Exchanges an authorization code with its PKCE verifier. */
export function exchangeCode(config: OAuthConfig, http: HttpClient, p: { code: string; verifier: string; redirectUri: string }): Promise<TokenSet> {
  return tokenRequest(config, http, { grant_type: "authorization_code", code: p.code, code_verifier: p.verifier, redirect_uri: p.redirectUri });
}

/** Gets new tokens with a refresh token. */
export function refreshTokens(config: OAuthConfig, http: HttpClient, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(config, http, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/**
 * Revokes a refresh token (RFC 7009). Resolves false when the provider could not be reached or refused; true when
 * it revoked, or has no revocation endpoint (then there is nothing to do but clear the session).
 */
export async function revokeToken(config: OAuthConfig, http: HttpClient, refreshToken: string): Promise<boolean> {
  const endpoint = config.provider.revocationEndpoint;
  if (!endpoint) return true;
  const auth = clientAuth(config);
  try {
    const res = await http(endpoint, {
      method: "POST",
      headers: auth.headers,
      body: new URLSearchParams({ token: refreshToken, ...(config.provider.type === "oidc" ? { token_type_hint: "refresh_token" } : {}), ...auth.form }).toString(),
      timeoutMs: config.timeouts.revoke,
    });
    return res.status === 200;
  } catch {
    return false;
  }
}
