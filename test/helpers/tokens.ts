/**
 * Test keys and Cognito-shaped tokens, generated fresh every run.
 */
import { createHmac, createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { resolveConfig } from "../../shared/config/resolve";
import type { ResolvedConfig } from "../../shared/config/types";

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function makeKey(kid = `kid-${randomUUID()}`): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...(publicKey.export({ format: "jwk" }) as Record<string, unknown>), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicKey, jwk };
}

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

/** Signs a JWT with RS256 (or returns an unsigned/HS256 one for algorithm-confusion tests). */
export function sign(
  payload: Record<string, unknown>,
  key: TestKey,
  opts: { alg?: "RS256" | "none" | "HS256"; kid?: string | null; header?: Record<string, unknown>; hmacSecret?: string } = {},
): string {
  const alg = opts.alg ?? "RS256";
  const header: Record<string, unknown> = { alg, ...(opts.kid === null ? {} : { kid: opts.kid ?? key.kid }), ...opts.header };
  const input = `${b64(header)}.${b64(payload)}`;
  if (alg === "none") return `${input}.`;
  if (alg === "HS256") return `${input}.${createHmac("sha256", opts.hmacSecret ?? "").update(input).digest("base64url")}`;
  return `${input}.${createSign("RSA-SHA256").update(input).sign(key.privateKey).toString("base64url")}`;
}

export interface Issuer {
  key: TestKey;
  issuer: string;
  clientId: string;
  region: string;
  userPoolId: string;
}

export function makeIssuer(o: Partial<Issuer> = {}): Issuer {
  const region = o.region ?? "eu-west-1";
  const userPoolId = o.userPoolId ?? `${region}_TestPool1`;
  return {
    key: o.key ?? makeKey(),
    region,
    userPoolId,
    issuer: o.issuer ?? `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
    clientId: o.clientId ?? "testclient1234567890abcdef",
  };
}

export interface UserSpec {
  username?: string;
  sub?: string;
  email?: string;
  groups?: string[];
  nonce?: string;
  /** Seconds since the epoch. */
  iat?: number;
  /** Lifetime in seconds. */
  ttl?: number;
  extra?: Record<string, unknown>;
}

export function idClaims(iss: Issuer, u: UserSpec = {}): Record<string, unknown> {
  const iat = u.iat ?? Math.floor(Date.now() / 1000);
  const sub = u.sub ?? "11111111-2222-3333-4444-555555555555";
  return {
    sub,
    ...(u.groups ? { "cognito:groups": u.groups } : {}),
    email_verified: true,
    iss: iss.issuer,
    "cognito:username": u.username ?? sub,
    ...(u.nonce ? { nonce: u.nonce } : {}),
    origin_jti: randomUUID(),
    aud: iss.clientId,
    event_id: randomUUID(),
    token_use: "id",
    auth_time: iat,
    exp: iat + (u.ttl ?? 3600),
    iat,
    jti: randomUUID(),
    email: u.email ?? "user@example.com",
    ...u.extra,
  };
}

export function accessClaims(iss: Issuer, u: UserSpec = {}): Record<string, unknown> {
  const iat = u.iat ?? Math.floor(Date.now() / 1000);
  const sub = u.sub ?? "11111111-2222-3333-4444-555555555555";
  return {
    sub,
    ...(u.groups ? { "cognito:groups": u.groups } : {}),
    iss: iss.issuer,
    version: 2,
    client_id: iss.clientId,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: "access",
    scope: "openid email profile",
    auth_time: iat,
    exp: iat + (u.ttl ?? 3600),
    iat,
    jti: randomUUID(),
    username: u.username ?? sub,
    ...u.extra,
  };
}

/** An id + access token pair for a user. */
export function tokensFor(iss: Issuer, u: UserSpec = {}): { idToken: string; accessToken: string } {
  return { idToken: sign(idClaims(iss, u), iss.key), accessToken: sign(accessClaims(iss, u), iss.key) };
}

/** The `nonceSigningSecret` of `testConfig` (it also keys the binding cookie, see test/helpers/session.ts). */
export const TEST_NONCE_SECRET = "test-secret-test-secret-test-secret-123";

/** A resolved config for unit tests, keys embedded. */
export function testConfig(iss: Issuer, raw: Record<string, unknown> = {}): ResolvedConfig {
  const result = resolveConfig(
    {
      region: iss.region,
      userPoolId: iss.userPoolId,
      clientId: iss.clientId,
      domain: "auth.example.com",
      issuer: iss.issuer,
      jwks: { keys: [iss.key.jwk] },
      nonceSigningSecret: TEST_NONCE_SECRET,
      ...raw,
    },
    {},
  );
  if (!result.ok) throw new Error(result.errors.join("; "));
  return result.config;
}
