/**
 * The claim rules, checked after the signature, and the time claims against one clock (the `now` the caller
 * passes, with `clockToleranceSeconds` of skew, as jose and oauth4webapi offer).
 *
 * - Cognito: issuer, audience (id token) or `client_id` (access token), `token_use`.
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 * - Any other OpenID Connect provider, per OpenID Connect Core §3.1.3.7: issuer; `aud` contains this client, and
 *   with several audiences `azp` is this client (an `azp` present is always this client); `iat` present. A JWT
 *   access token (RFC 9068) must be this client's (`client_id`, or `azp`).
 *
 * `exp` is required: aws-jwt-verify accepts a token without one. `iat` may not lie in the future.
 */
import type { ClaimFailure } from "../../outcomes/failures";
import type { Claims } from "../../viewer/claims";

export type { Claims } from "../../viewer/claims";
export type TokenUse = "id" | "access";

export type { ClaimFailure } from "../../outcomes/failures";

/** What the clock says about a token whose other claims are fine. */
export type TimeVerdict = "valid" | "expired" | "not-yet-valid";

export interface ClaimRulesConfig {
  /** Which rules: Cognito's, or OpenID Connect Core's. */
  provider: "cognito" | "oidc";
  issuer: string;
  clientId: string;
  /** Seconds of clock skew allowed on `exp` and `nbf`. */
  clockToleranceSeconds: number;
}

/** The first claim that does not match this pool, client and token use; undefined when all do. */
export function claimFailure(claims: Claims, use: TokenUse, c: ClaimRulesConfig): ClaimFailure | undefined {
  if (claims.iss !== c.issuer) return "issuer";
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (c.provider === "cognito") {
    if (claims.token_use !== use) return "token_use";
    if (use === "id" && !(audience.length === 1 && audience[0] === c.clientId)) return "audience";
    if (use === "access" && claims.client_id !== c.clientId) return "client_id";
  } else if (use === "id") {
    if (!audience.includes(c.clientId)) return "audience";
    if ((audience.length > 1 || claims.azp !== undefined) && claims.azp !== c.clientId) return "azp";
    if (typeof claims.iat !== "number") return "iat";
  } else if ((claims.client_id ?? claims.azp) !== c.clientId) return "client_id";
  if (typeof claims.exp !== "number" || !Number.isFinite(claims.exp)) return "missing-exp";
  return undefined;
}

/** `exp` and `nbf` against `nowSeconds`, with the tolerance. */
export function timeVerdict(claims: Claims, nowSeconds: number, toleranceSeconds: number): TimeVerdict {
  if (typeof claims.nbf === "number" && claims.nbf - toleranceSeconds > nowSeconds) return "not-yet-valid";
  // Issued in the future: a clock far off, or a forgery with a valid signature cannot happen; refuse either way.
  if (typeof claims.iat === "number" && claims.iat - toleranceSeconds > nowSeconds) return "not-yet-valid";
  return (claims.exp as number) + toleranceSeconds > nowSeconds ? "valid" : "expired";
}
