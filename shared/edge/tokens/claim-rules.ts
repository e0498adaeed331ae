/**
 * Cognito's claim rules, checked after the signature: issuer, audience (id token) or `client_id` (access token),
 * `token_use`, and the time claims against one clock, the `now` the caller passes, with a small tolerance for
 * clock skew (`clockToleranceSeconds`), as jose and oauth4webapi offer.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 *
 * `exp` is required: aws-jwt-verify accepts a token without one, and Cognito never issues one.
 */
import type { JwtPayload } from "aws-jwt-verify/jwt-model";

export type Claims = JwtPayload & Record<string, unknown>;
export type TokenUse = "id" | "access";

/** A claim that makes the token not ours: the same answer every time for the same token. */
export type ClaimFailure = "issuer" | "audience" | "client_id" | "token_use" | "missing-exp";
/** What the clock says about a token whose other claims are fine. */
export type TimeVerdict = "valid" | "expired" | "not-yet-valid";

export interface ClaimRulesConfig {
  issuer: string;
  clientId: string;
  /** Seconds of clock skew allowed on `exp` and `nbf`. */
  clockToleranceSeconds: number;
}

/** The first claim that does not match this pool, client and token use; undefined when all do. */
export function claimFailure(claims: Claims, use: TokenUse, c: ClaimRulesConfig): ClaimFailure | undefined {
  if (claims.iss !== c.issuer) return "issuer";
  if (claims.token_use !== use) return "token_use";
  if (use === "id" && !(claims.aud === c.clientId || (Array.isArray(claims.aud) && claims.aud.length === 1 && claims.aud[0] === c.clientId)))
    return "audience";
  if (use === "access" && claims.client_id !== c.clientId) return "client_id";
  if (typeof claims.exp !== "number" || !Number.isFinite(claims.exp)) return "missing-exp";
  return undefined;
}

/** `exp` and `nbf` against `nowSeconds`, with the tolerance. */
export function timeVerdict(claims: Claims, nowSeconds: number, toleranceSeconds: number): TimeVerdict {
  if (typeof claims.nbf === "number" && claims.nbf - toleranceSeconds > nowSeconds) return "not-yet-valid";
  return (claims.exp as number) + toleranceSeconds > nowSeconds ? "valid" : "expired";
}
