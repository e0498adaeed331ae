/**
 * Token verification with aws-jwt-verify: signature against the pool's keys (embedded at build, so a cold start
 * needs no network), issuer, audience / client_id, token_use, exp and nbf; `exp` is required (aws-jwt-verify
 * accepts a token without one, Cognito never issues one).
 *
 * A token that passed full verification is remembered, keyed by its exact string, until its `exp`: the next
 * request with the same cookie costs a map lookup instead of an RSA verification. The cache is bounded and only
 * ever holds verified tokens, so it cannot be used to smuggle anything in.
 */
import { JwtRsaVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { Fetcher } from "aws-jwt-verify/https";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import {
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  FetchError,
  JwtInvalidClaimError,
  KidNotFoundInJwksError,
  JwksNotAvailableInCacheError,
  WaitPeriodNotYetEndedJwkError,
} from "aws-jwt-verify/error";
import type { ResolvedConfig } from "./config";
import { HttpError } from "./http";
import type { HttpClient } from "./http";

export type Claims = JwtPayload & Record<string, unknown>;
export type TokenUse = "id" | "access";

export type Verified =
  | { ok: true; claims: Claims }
  /** `expired`: the signature and every other claim were fine, only `exp` has passed: refresh. */
  | { ok: false; expired: true; claims: Claims }
  | { ok: false; expired: false; why: string };

/** Tokens far larger than any Cognito token are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** Verified tokens remembered per container. */
export const CACHE_SIZE = 2000;

export interface TokenVerifier {
  verify(token: string, use: TokenUse, nowMs: number): Promise<Verified>;
}

class ClaimError extends JwtInvalidClaimError {}

/** The JWKS fetcher aws-jwt-verify uses for an unknown `kid`: our HTTP client (http allowed for emulators). */
function jwksFetcher(http: HttpClient, timeoutMs: number): Fetcher {
  return {
    async fetch(uri) {
      const res = await http(uri, { method: "GET", timeoutMs, headers: { accept: "application/json" } });
      if (res.status !== 200) throw new FetchError(uri, `status ${res.status}`);
      return new Uint8Array(res.body).buffer;
    },
  };
}

export function createTokenVerifier(config: ResolvedConfig, http: HttpClient): TokenVerifier {
  const jwksCache = new SimpleJwksCache({ fetcher: jwksFetcher(http, config.timeouts.jwks) });
  const requireExp = (payload: JwtPayload) => {
    if (typeof payload.exp !== "number") throw new ClaimError("missing exp", payload.exp, "number");
  };
  const common = { issuer: config.issuer, jwksUri: config.jwksUri };
  const idVerifier = JwtRsaVerifier.create(
    {
      ...common,
      audience: config.clientId,
      customJwtCheck: ({ payload }) => {
        requireExp(payload);
        if (payload.token_use !== "id") throw new ClaimError("token_use", payload.token_use, "id");
      },
    },
    { jwksCache },
  );
  const accessVerifier = JwtRsaVerifier.create(
    {
      ...common,
      audience: null,
      customJwtCheck: ({ payload }) => {
        requireExp(payload);
        if (payload.token_use !== "access") throw new ClaimError("token_use", payload.token_use, "access");
        if (payload.client_id !== config.clientId) throw new ClaimError("client_id", payload.client_id, config.clientId);
      },
    },
    { jwksCache },
  );
  if (config.jwks.keys.length) idVerifier.cacheJwks(config.jwks);

  const cache = new Map<string, { use: TokenUse; claims: Claims; expMs: number }>();

  return {
    async verify(token, use, nowMs) {
      const hit = cache.get(token);
      if (hit !== undefined && hit.use === use) {
        if (nowMs < hit.expMs) return { ok: true, claims: hit.claims };
        cache.delete(token);
        return { ok: false, expired: true, claims: hit.claims };
      }
      if (token.length > MAX_TOKEN_LENGTH) return { ok: false, expired: false, why: "too-large" };
      const verifier = use === "id" ? idVerifier : accessVerifier;
      let claims: Claims;
      try {
        try {
          claims = verifier.verifySync(token) as Claims;
        } catch (err) {
          // Unknown kid (key rotation): one fetch of the JWKS, rate-limited by aws-jwt-verify's penalty box.
          if (!isUnknownKey(err)) throw err;
          claims = (await verifier.verify(token)) as Claims;
        }
      } catch (err) {
        if (err instanceof JwtExpiredError) {
          // aws-jwt-verify checks exp before iss/aud and skips the custom checks: do them here, so only a token
          // that is ours in every other respect counts as merely expired.
          const claims = decodePayload(token);
          const wrong = claims ? wrongClaim(claims, use, config) : "malformed";
          if (wrong) return { ok: false, expired: false, why: wrong };
          return { ok: false, expired: true, claims: claims! };
        }
        return { ok: false, expired: false, why: reasonOf(err) };
      }
      const expMs = (claims.exp as number) * 1000;
      if (nowMs >= expMs) return { ok: false, expired: true, claims };
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(token, { use, claims, expMs });
      return { ok: true, claims };
    },
  };
}

function isUnknownKey(err: unknown): boolean {
  return err instanceof KidNotFoundInJwksError || err instanceof JwksNotAvailableInCacheError;
}

/** Stable reason codes for logs (`rejected:<why>`); class names do not survive minification. */
function reasonOf(err: unknown): string {
  if (err instanceof JwtParseError) return "malformed";
  if (err instanceof JwtInvalidSignatureAlgorithmError) return "algorithm";
  if (err instanceof JwtInvalidSignatureError) return "signature";
  if (err instanceof JwtInvalidIssuerError) return "issuer";
  if (err instanceof JwtInvalidAudienceError) return "audience";
  if (err instanceof JwtNotBeforeError) return "not-yet-valid";
  if (err instanceof ClaimError) return err.message.replace(/[^a-z_]+/g, "-").replace(/^-|-$/g, "");
  if (err instanceof FetchError || err instanceof HttpError) return "jwks-unavailable";
  if (err instanceof KidNotFoundInJwksError || err instanceof WaitPeriodNotYetEndedJwkError) return "unknown-key";
  return "invalid";
}

/** The first claim that does not match this pool, client and token use (checked by hand for expired tokens). */
function wrongClaim(claims: Claims, use: TokenUse, config: ResolvedConfig): string | undefined {
  if (claims.iss !== config.issuer) return "issuer";
  if (claims.token_use !== use) return "token_use";
  if (use === "id" && claims.aud !== config.clientId) return "audience";
  if (use === "access" && claims.client_id !== config.clientId) return "client_id";
  return undefined;
}

/** Payload of a token whose signature was already verified (used only after JwtExpiredError). */
function decodePayload(token: string): Claims | undefined {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Claims;
  } catch {
    return undefined;
  }
}
