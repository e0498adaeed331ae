/**
 * Verifies the id and access tokens Cognito just returned (code exchange or refresh): both must verify fully
 * and belong to the same user.
 */
import type { EdgeContext } from "./context";
import { AuthError } from "./errors";
import type { TokenSet } from "./oauth";
import type { Claims } from "./tokens";

export async function verifyTokenSet(ctx: EdgeContext, tokens: TokenSet): Promise<{ id: Claims; access: Claims }> {
  const nowMs = ctx.now();
  const id = await ctx.verifier.verify(tokens.idToken, "id", nowMs);
  if (!id.ok) throw new AuthError("token-invalid", `id token ${id.expired ? "expired" : id.why}`);
  const access = await ctx.verifier.verify(tokens.accessToken, "access", nowMs);
  if (!access.ok) throw new AuthError("token-invalid", `access token ${access.expired ? "expired" : access.why}`);
  if (id.claims.sub !== access.claims.sub) throw new AuthError("token-invalid", "id and access tokens of different users");
  return { id: id.claims, access: access.claims };
}
