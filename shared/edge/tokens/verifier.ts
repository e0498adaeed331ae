/**
 * Token verification, from three small parts: the key store (embedded keys, the rotation fetch and its
 * throttles), the result cache (bounded by entries and bytes), and Cognito's claim rules (one clock: the `now`
 * passed in). aws-jwt-verify does the cryptography: JWT parsing, the JWK/algorithm match and the signature
 * (`verifyJwtSync` with its own time checks turned off, since ours use the injected clock).
 *
 * A token that passed full verification is remembered by its exact string: until its `exp` the next request
 * with the same cookie costs a map lookup, and after it the token is known to be merely expired (refresh). A
 * token that failed a check that fails the same way every time (signature, issuer, audience, ...) is remembered
 * as refused, keyed by its hash. Both are emptied when the keys change; failures that depend on the network
 * (`unknown-key`, `jwks-unavailable`) are never remembered.
 */
import { constants, verify as cryptoVerify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { JwtInvalidSignatureAlgorithmError, JwtInvalidSignatureError, JwtParseError } from "aws-jwt-verify/error";
import type { Jwk } from "aws-jwt-verify/jwk";
import { decomposeUnverifiedJwt } from "aws-jwt-verify/jwt";
import { verifyJwtSync } from "aws-jwt-verify/jwt-verifier";
import type { ResolvedConfig } from "../../config/types";
import type { HttpClient } from "../http";
import { claimFailure, timeVerdict } from "./claim-rules";
import type { Claims, TokenUse } from "./claim-rules";
import type { TokenFailure } from "../../outcomes/failures";
import { createKeyStore } from "./key-store";
import type { KeyStore } from "./key-store";
import { createResultCache, hashKey } from "./result-cache";

export type { Claims, TokenUse } from "./claim-rules";

export type { TokenFailure } from "../../outcomes/failures";

export type Verified =
  | { ok: true; claims: Claims }
  /** `expired`: the signature and every other claim were fine, only `exp` has passed: refresh. */
  | { ok: false; expired: true; claims: Claims }
  | { ok: false; expired: false; why: TokenFailure };

/** Tokens far larger than any Cognito token are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** Results remembered per container, for each of the two caches. */
export const CACHE_SIZE = 2000;
/** Bytes the verified-token cache may hold (tokens and claims); the refused cache holds hashes only. */
export const VERIFIED_CACHE_BYTES = 4 * 1024 * 1024;
const REFUSED_CACHE_BYTES = 512 * 1024;

export interface TokenVerifier {
  verify(token: string, use: TokenUse, nowMs: number): Promise<Verified>;
}

/** Failures that depend only on the token and the keys (not on the clock or the network): safe to remember. */
const DETERMINISTIC = new Set<TokenFailure>(["malformed", "algorithm", "signature", "issuer", "audience", "azp", "token_use", "client_id", "missing-exp", "iat", "invalid"]);

type Config = Pick<ResolvedConfig, "issuer" | "clientId" | "jwks" | "jwksUri" | "timeouts" | "clockToleranceSeconds"> & { provider?: Pick<ResolvedConfig["provider"], "type"> };

export function createTokenVerifier(config: Config, http: HttpClient, keys: KeyStore = defaultKeyStore(config, http)): TokenVerifier {
  const verified = createResultCache<{ use: TokenUse; claims: Claims }>({ maxEntries: CACHE_SIZE, maxBytes: VERIFIED_CACHE_BYTES });
  const refused = createResultCache<{ use: TokenUse; why: TokenFailure }>({ maxEntries: CACHE_SIZE, maxBytes: REFUSED_CACHE_BYTES, keyOf: hashKey });
  const rules = { provider: config.provider?.type ?? "cognito", issuer: config.issuer, clientId: config.clientId, clockToleranceSeconds: config.clockToleranceSeconds };
  // The library's own exp/nbf/iss/aud checks are off: claim-rules does them against the injected clock.
  const libraryOptions = { issuer: null, audience: null, graceSeconds: Infinity };
  let keysVersion = keys.version;

  const judge = (claims: Claims, nowMs: number): Verified => {
    const t = timeVerdict(claims, Math.floor(nowMs / 1000), config.clockToleranceSeconds);
    if (t === "valid") return { ok: true, claims };
    if (t === "expired") return { ok: false, expired: true, claims };
    return { ok: false, expired: false, why: t };
  };
  const refuse = (token: string, use: TokenUse, why: TokenFailure): Verified => {
    if (DETERMINISTIC.has(why)) refused.set(token, { use, why }, 16);
    return { ok: false, expired: false, why };
  };

  return {
    async verify(token, use, nowMs) {
      if (keys.version !== keysVersion) {
        // New keys: what was verified or refused with the old ones is judged again.
        keysVersion = keys.version;
        verified.clear();
        refused.clear();
      }
      const hit = verified.get(token);
      if (hit !== undefined && hit.use === use) return judge(hit.claims, nowMs);
      if (token.length > MAX_TOKEN_LENGTH) return { ok: false, expired: false, why: "too-large" };
      const bad = refused.get(token);
      if (bad !== undefined && bad.use === use) return { ok: false, expired: false, why: bad.why };

      let kid: unknown;
      let alg: unknown;
      try {
        const header = decomposeUnverifiedJwt(token).header;
        kid = header.kid;
        alg = header.alg;
      } catch {
        return refuse(token, use, "malformed");
      }
      if (typeof kid !== "string" || kid.length === 0 || kid.length > 256) return refuse(token, use, "unknown-key");
      const key = await keys.get(kid, nowMs);
      if (!key.ok) return { ok: false, expired: false, why: key.why };

      let claims: Claims;
      try {
        claims = typeof alg === "string" && PSS.has(alg) ? verifyPss(token, alg, key.jwk, keys.keyObject(key.jwk)) : (verifyJwtSync(token, key.jwk, libraryOptions, (jwk) => keys.keyObject(jwk)) as Claims);
      } catch (err) {
        return refuse(token, use, libraryFailure(err));
      }
      const wrong = claimFailure(claims, use, rules);
      if (wrong) return refuse(token, use, wrong);
      verified.set(token, { use, claims }, token.length * 2);
      return judge(claims, nowMs);
    },
  };
}

function defaultKeyStore(config: Config, http: HttpClient): KeyStore {
  return createKeyStore({ jwks: config.jwks, jwksUri: config.jwksUri, http, timeoutMs: config.timeouts.jwks });
}

/** RSASSA-PSS, which some OpenID Connect providers sign with and aws-jwt-verify does not verify (yet). */
const PSS = new Map([
  ["PS256", "sha256"],
  ["PS384", "sha384"],
  ["PS512", "sha512"],
]);

/**
 * A PS256/384/512 token (RFC 7518 §3.5): the JWK must be an RSA signing key for that algorithm, the signature
 * RSASSA-PSS with MGF1 and a salt as long as the hash. Throws aws-jwt-verify's errors, so failures read the same.
 */
function verifyPss(token: string, alg: string, jwk: Jwk, key: KeyObject): Claims {
  if (jwk.kty !== "RSA" || (jwk.alg !== undefined && jwk.alg !== alg) || (jwk.use !== undefined && jwk.use !== "sig"))
    throw new JwtInvalidSignatureAlgorithmError("JWK does not fit the token's algorithm", alg, String(jwk.alg));
  const parts = token.split(".");
  const ok = cryptoVerify(PSS.get(alg)!, Buffer.from(`${parts[0]}.${parts[1]}`), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, Buffer.from(parts[2] ?? "", "base64url"));
  if (!ok) throw new JwtInvalidSignatureError("Invalid signature");
  return decomposeUnverifiedJwt(token).payload as Claims;
}

/** Stable codes for what aws-jwt-verify refused (class names do not survive minification, messages may change). */
function libraryFailure(err: unknown): TokenFailure {
  if (err instanceof JwtParseError) return "malformed";
  if (err instanceof JwtInvalidSignatureAlgorithmError) return "algorithm";
  if (err instanceof JwtInvalidSignatureError) return "signature";
  return "invalid";
}
