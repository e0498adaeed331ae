/**
 * Cognito's OAuth 2.0 endpoints: the Hosted UI `/oauth2/authorize` URL, `/oauth2/token` (code with PKCE, refresh
 * token), `/oauth2/revoke` and `/logout`.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html
 *
 * A confidential client authenticates with HTTP Basic (RFC 6749 §2.3.1); `client_id` is in the form body as
 * well, which Cognito accepts and emulators require.
 */
import type { ResolvedConfig } from "../config/types";
import { AuthError } from "./errors";
import type { HttpClient } from "./http";

export interface TokenSet {
  idToken: string;
  accessToken: string;
  /** Present on the code exchange, and on refresh when refresh-token rotation is on. */
  refreshToken?: string;
}

/** The Hosted UI sign-in URL (authorization code flow with PKCE S256 and an OIDC nonce). */
export function authorizeUrl(
  config: ResolvedConfig,
  p: { redirectUri: string; state: string; nonce: string; codeChallenge: string },
): string {
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
  return `${config.domain}/oauth2/authorize?${q.toString().replace(/\+/g, "%20")}`;
}

/** The Hosted UI sign-out URL; `logout_uri` must be one of the app client's sign-out URLs. */
export function logoutUrl(config: ResolvedConfig, logoutUri: string): string {
  const q = new URLSearchParams({ client_id: config.clientId, logout_uri: logoutUri });
  return `${config.domain}/logout?${q}`;
}

function formHeaders(config: ResolvedConfig): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (config.clientSecret) {
    const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64");
    headers.authorization = `Basic ${basic}`;
  }
  return headers;
}

/** POSTs a token request; maps every failure to an AuthError with a code the user can act on. */
async function tokenRequest(config: ResolvedConfig, http: HttpClient, form: Record<string, string>): Promise<TokenSet> {
  let res;
  try {
    res = await http(`${config.domain}/oauth2/token`, {
      method: "POST",
      headers: formHeaders(config),
      body: new URLSearchParams({ ...form, client_id: config.clientId }).toString(),
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
    // Cognito's error codes are a fixed vocabulary (invalid_grant, invalid_client, ...): safe to log.
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
export function exchangeCode(
  config: ResolvedConfig,
  http: HttpClient,
  p: { code: string; verifier: string; redirectUri: string },
): Promise<TokenSet> {
  return tokenRequest(config, http, {
    grant_type: "authorization_code",
    code: p.code,
    code_verifier: p.verifier,
    redirect_uri: p.redirectUri,
  });
}

/** Gets new id and access tokens with a refresh token. */
export function refreshTokens(config: ResolvedConfig, http: HttpClient, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(config, http, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/** Revokes a refresh token (and the tokens issued with it). Resolves false when Cognito could not be reached. */
export async function revokeToken(config: ResolvedConfig, http: HttpClient, refreshToken: string): Promise<boolean> {
  try {
    const res = await http(`${config.domain}/oauth2/revoke`, {
      method: "POST",
      headers: formHeaders(config),
      body: new URLSearchParams({ token: refreshToken, client_id: config.clientId }).toString(),
      timeoutMs: config.timeouts.revoke,
    });
    return res.status === 200;
  } catch {
    return false;
  }
}
