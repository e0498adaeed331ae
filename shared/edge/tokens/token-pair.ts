/**
 * An id token and its access token, verified together: both fully, both of this client, both of the same user.
 * check-auth verifies the pair in the cookies on every request (the access token may be absent there: an id
 * token alone is a session); parse-auth and refresh-auth verify the pair the token endpoint just returned.
 */
import type { EdgeContext } from "../deps";
import { AuthError } from "../../outcomes/errors";
import type { PairFailure } from "../../outcomes/failures";
import type { TokenSet } from "../oauth";
import { MAX_SESSION_COOKIE_BYTES } from "../session-store";
import type { Claims, TokenVerifier } from "./verifier";

export type { PairFailure } from "../../outcomes/failures";

export type PairCheck =
  | { status: "valid"; id: Claims; access: Claims | undefined }
  /** Genuine, but past `exp`: a refresh can help. */
  | { status: "expired" }
  /** A key could not be fetched: the tokens may be fine. Answer "try again" and keep the cookies. */
  | { status: "unavailable" }
  | { status: "rejected"; why: PairFailure };

export async function verifyTokenPair(
  verifier: TokenVerifier,
  pair: { idToken: string; accessToken?: string | undefined },
  nowMs: number,
): Promise<PairCheck> {
  const id = await verifier.verify(pair.idToken, "id", nowMs);
  if (!id.ok && id.expired) return { status: "expired" };
  if (!id.ok) return id.why === "jwks-unavailable" ? { status: "unavailable" } : { status: "rejected", why: id.why };
  if (pair.accessToken === undefined) return { status: "valid", id: id.claims, access: undefined };
  const access = await verifier.verify(pair.accessToken, "access", nowMs);
  if (!access.ok && access.expired) return { status: "expired" };
  if (!access.ok) return access.why === "jwks-unavailable" ? { status: "unavailable" } : { status: "rejected", why: `access-${access.why}` };
  // Same user, same client: the claim rules checked each token against the client; the pair must agree too.
  const audience = Array.isArray(id.claims.aud) ? id.claims.aud : [id.claims.aud];
  const client = (access.claims.client_id ?? access.claims.azp) as string;
  if ((access.claims.sub !== undefined && access.claims.sub !== id.claims.sub) || !audience.includes(client)) return { status: "rejected", why: "token-mismatch" };
  return { status: "valid", id: id.claims, access: access.claims };
}

/**
 * The tokens the token endpoint just returned (code exchange or refresh): both must verify fully and belong to
 * the same user. Throws AuthError: `cognito-unavailable` when keys could not be fetched (503, try again),
 * `session-too-large` when they could never fit in cookies, `token-invalid` otherwise.
 */
export async function verifyIssuedTokens(
  ctx: Pick<EdgeContext, "verifier" | "now" | "config">,
  tokens: TokenSet,
): Promise<{ id: Claims; access: Claims | undefined }> {
  // Tokens this big cannot be stored in cookies CloudFront would accept back: say so, rather than loop.
  if (tokens.idToken.length + tokens.accessToken.length > MAX_SESSION_COOKIE_BYTES) throw new AuthError("session-too-large");
  // An access token that is not a JWT of this client (many OpenID Connect providers) is passed through as it is.
  const accessToken = ctx.config.provider.accessTokenJwt ? tokens.accessToken : undefined;
  const pair = await verifyTokenPair(ctx.verifier, { idToken: tokens.idToken, accessToken }, ctx.now());
  if (pair.status === "unavailable") throw new AuthError("cognito-unavailable", "jwks unavailable");
  if (pair.status === "expired") throw new AuthError("token-invalid", "expired");
  if (pair.status === "rejected") throw new AuthError("token-invalid", pair.why);
  return { id: pair.id, access: pair.access };
}
