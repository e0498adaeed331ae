/**
 * Verifies the id and access tokens Cognito just returned (code exchange or refresh): both must verify fully
 * and belong to the same user.
 */
import type { EdgeContext } from "../deps";
import { MAX_SESSION_COOKIE_BYTES } from "../cookies";
import { AuthError } from "../errors";
import type { TokenSet } from "../oauth";
import type { Claims, Verified } from "./verifier";

/** Keys that could not be fetched are Cognito being unavailable (503, try again), not bad tokens. */
function failure(which: string, v: Exclude<Verified, { ok: true }>): AuthError {
  if (!v.expired && v.why === "jwks-unavailable") return new AuthError("cognito-unavailable", `${which} token: jwks unavailable`);
  return new AuthError("token-invalid", `${which} token ${v.expired ? "expired" : v.why}`);
}

export async function verifyTokenSet(ctx: EdgeContext, tokens: TokenSet): Promise<{ id: Claims; access: Claims }> {
  // Tokens this big cannot be stored in cookies CloudFront would accept back: say so, rather than loop.
  if (tokens.idToken.length + tokens.accessToken.length > MAX_SESSION_COOKIE_BYTES) throw new AuthError("session-too-large");
  const nowMs = ctx.now();
  const id = await ctx.verifier.verify(tokens.idToken, "id", nowMs);
  if (!id.ok) throw failure("id", id);
  const access = await ctx.verifier.verify(tokens.accessToken, "access", nowMs);
  if (!access.ok) throw failure("access", access);
  if (id.claims.sub !== access.claims.sub) throw new AuthError("token-invalid", "id and access tokens of different users");
  return { id: id.claims, access: access.claims };
}
