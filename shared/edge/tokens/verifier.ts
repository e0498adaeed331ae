/**
 * Token verification with aws-jwt-verify (`verifyJwtSync`): signature against the pool's keys (embedded at
 * build, so a cold start needs no network), algorithm, issuer, audience / client_id, token_use, exp and nbf;
 * `exp` is required (aws-jwt-verify accepts a token without one, Cognito never issues one).
 *
 * A token whose `kid` is unknown (key rotation) causes one JWKS fetch, at most one every 10 s per container,
 * with a timeout well inside the viewer limit; when it fails the token is not accepted (fail closed) and the
 * caller answers 503 "try again" rather than treating a possibly good token as forged.
 *
 * A token that passed full verification is remembered, keyed by its exact string: until its `exp` the next
 * request with the same cookie costs a map lookup instead of an RSA verification, and after it the token is
 * known to be merely expired (refresh). A token that failed a check that fails the same way every time
 * (signature, issuer, audience, ...) is remembered as refused. Both maps are bounded and are emptied when new keys
 * are fetched; failures that depend on the clock or the network are never remembered.
 */
import { createPublicKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { verifyJwtSync } from "aws-jwt-verify/jwt-verifier";
import type { Jwk, Jwks } from "aws-jwt-verify/jwk";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import {
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  KidNotFoundInJwksError,
} from "aws-jwt-verify/error";
import type { ResolvedConfig } from "../../config/edge";
import type { HttpClient } from "../http";

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
/** At most one JWKS fetch per this many milliseconds (unknown `kid`s cannot be used to hammer Cognito). */
export const JWKS_REFETCH_INTERVAL_MS = 10_000;

export interface TokenVerifier {
  verify(token: string, use: TokenUse, nowMs: number): Promise<Verified>;
}

class ClaimError extends JwtInvalidClaimError {}

export function createTokenVerifier(config: ResolvedConfig, http: HttpClient): TokenVerifier {
  let jwks: Jwks = config.jwks;
  let lastFetch = -Infinity;
  let fetching: Promise<boolean> | undefined;
  // KeyObjects by kid, created on first use (not at load: a cold start only pays for the key it needs).
  const keyObjects = new Map<string, KeyObject>();
  const toKeyObject = (jwk: Jwk) => {
    const kid = String(jwk.kid);
    let key = keyObjects.get(kid);
    if (!key) keyObjects.set(kid, (key = createPublicKey({ key: jwk as never, format: "jwk" })));
    return key;
  };

  const options = (use: TokenUse) => ({
    issuer: config.issuer,
    audience: use === "id" ? config.clientId : null,
    customJwtCheck: ({ payload }: { payload: JwtPayload }) => {
      if (typeof payload.exp !== "number") throw new ClaimError("missing exp", payload.exp, "number");
      if (payload.token_use !== use) throw new ClaimError("token_use", payload.token_use, use);
      if (use === "access" && payload.client_id !== config.clientId) throw new ClaimError("client_id", payload.client_id, config.clientId);
    },
  });
  const idOptions = options("id");
  const accessOptions = options("access");

  /**
   * One JWKS fetch for key rotation; failures leave the known keys as they are. Resolves false when a fetch was
   * due but Cognito could not be reached (the token may be fine: the caller says "unavailable", not "forged").
   */
  const refetch = (nowMs: number): Promise<boolean> => {
    if (fetching) return fetching;
    if (nowMs - lastFetch < JWKS_REFETCH_INTERVAL_MS) return Promise.resolve(true);
    lastFetch = nowMs;
    fetching = http(config.jwksUri, { method: "GET", timeoutMs: config.timeouts.jwks, headers: { accept: "application/json" } })
      .then((res) => {
        if (res.status !== 200) return false;
        const fetched = JSON.parse(res.body.toString("utf8")) as Jwks;
        if (!Array.isArray(fetched?.keys)) return false;
        jwks = { keys: fetched.keys.filter((k) => k && typeof k === "object" && typeof k.kid === "string") };
        // New keys: what was verified or refused with the old ones is judged again.
        keyObjects.clear();
        verified.clear();
        rejected.clear();
        return true;
      })
      .catch(() => false)
      .finally(() => (fetching = undefined));
    return fetching;
  };

  // Outcomes of full verifications, keyed by the exact token string: signature-verified tokens (valid or
  // expired) and tokens that failed a check that will fail the same way every time. Both bounded (oldest out).
  const verified = new Map<string, { use: TokenUse; claims: Claims; expMs: number }>();
  const rejected = new Map<string, { use: TokenUse; why: string }>();
  const remember = <V>(map: Map<string, V>, token: string, value: V) => {
    if (map.size >= CACHE_SIZE) map.delete(map.keys().next().value as string);
    map.set(token, value);
  };
  const outcome = (e: { claims: Claims; expMs: number }, nowMs: number): Verified =>
    nowMs < e.expMs ? { ok: true, claims: e.claims } : { ok: false, expired: true, claims: e.claims };

  const verifyNow = (token: string, use: TokenUse) =>
    verifyJwtSync(token, jwks, use === "id" ? idOptions : accessOptions, toKeyObject) as Claims;

  return {
    async verify(token, use, nowMs) {
      const hit = verified.get(token);
      if (hit !== undefined && hit.use === use) return outcome(hit, nowMs);
      const bad = rejected.get(token);
      if (bad !== undefined && bad.use === use) return { ok: false, expired: false, why: bad.why };
      if (token.length > MAX_TOKEN_LENGTH) return { ok: false, expired: false, why: "too-large" };
      let claims: Claims;
      try {
        try {
          claims = verifyNow(token, use);
        } catch (err) {
          if (!(err instanceof KidNotFoundInJwksError)) throw err;
          if (!(await refetch(nowMs))) return { ok: false, expired: false, why: "jwks-unavailable" };
          claims = verifyNow(token, use);
        }
      } catch (err) {
        if (err instanceof JwtExpiredError) {
          // aws-jwt-verify checks exp before iss/aud and skips the custom checks: do them here, so only a token
          // that is ours in every other respect counts as merely expired.
          const payload = decodePayload(token);
          const wrong = payload ? wrongClaim(payload, use, config) : "malformed";
          if (!wrong) {
            const entry = { use, claims: payload!, expMs: (payload!.exp as number) * 1000 };
            remember(verified, token, entry);
            return { ok: false, expired: true, claims: entry.claims };
          }
          remember(rejected, token, { use, why: wrong });
          return { ok: false, expired: false, why: wrong };
        }
        const why = reasonOf(err);
        if (DETERMINISTIC.has(why)) remember(rejected, token, { use, why });
        return { ok: false, expired: false, why };
      }
      const entry = { use, claims, expMs: (claims.exp as number) * 1000 };
      remember(verified, token, entry);
      return outcome(entry, nowMs);
    },
  };
}

/** Failures that depend only on the token and the keys (not on the clock or the network): safe to remember. */
const DETERMINISTIC = new Set(["malformed", "algorithm", "signature", "issuer", "audience", "token_use", "client_id", "missing-exp"]);

/** Stable reason codes for logs (`rejected:<why>`); class names do not survive minification. */
function reasonOf(err: unknown): string {
  if (err instanceof JwtParseError) return "malformed";
  if (err instanceof JwtInvalidSignatureAlgorithmError) return "algorithm";
  if (err instanceof JwtInvalidSignatureError) return "signature";
  if (err instanceof JwtInvalidIssuerError) return "issuer";
  if (err instanceof JwtInvalidAudienceError) return "audience";
  if (err instanceof JwtNotBeforeError) return "not-yet-valid";
  if (err instanceof ClaimError) return err.message.replace(/[^a-z_]+/g, "-").replace(/^-|-$/g, "");
  if (err instanceof KidNotFoundInJwksError) return "unknown-key";
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
