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

/** What both tokens of a user carry: subject, groups, issuer, times and ids. */
function commonClaims(iss: Issuer, u: UserSpec): Record<string, unknown> & { sub: string } {
  const iat = u.iat ?? Math.floor(Date.now() / 1000);
  const sub = u.sub ?? "11111111-2222-3333-4444-555555555555";
  return { sub, ...(u.groups ? { "cognito:groups": u.groups } : {}), iss: iss.issuer, origin_jti: randomUUID(), event_id: randomUUID(), auth_time: iat, exp: iat + (u.ttl ?? 3600), iat, jti: randomUUID() };
}

/** An id token's claims, shaped like Cognito's. */
export function idClaims(iss: Issuer, u: UserSpec = {}): Record<string, unknown> {
  const common = commonClaims(iss, u);
  return {
    ...common,
    email_verified: true,
    "cognito:username": u.username ?? common.sub,
    ...(u.nonce ? { nonce: u.nonce } : {}),
    aud: iss.clientId,
    token_use: "id",
    email: u.email ?? "user@example.com",
    ...u.extra,
  };
}

/** An access token's claims, shaped like Cognito's. */
export function accessClaims(iss: Issuer, u: UserSpec = {}): Record<string, unknown> {
  const common = commonClaims(iss, u);
  return { ...common, version: 2, client_id: iss.clientId, token_use: "access", scope: "openid email profile", username: u.username ?? common.sub, ...u.extra };
}

/** An id + access token pair for a user. */
export function tokensFor(iss: Issuer, u: UserSpec = {}): { idToken: string; accessToken: string } {
  return { idToken: sign(idClaims(iss, u), iss.key), accessToken: sign(accessClaims(iss, u), iss.key) };
}

/** The `nonceSigningSecret` of `testConfig` (it also keys the binding cookie, see test/helpers/session.ts). */
export const TEST_NONCE_SECRET = "test-secret-test-secret-test-secret-123";

/** The config keys of the issuer's pool and app client, its key embedded (no JWKS fetch): a raw config's start. */
export function poolConfig(iss: Issuer): { region: string; userPoolId: string; clientId: string; domain: string; jwks: { keys: unknown[] } } {
  return { region: iss.region, userPoolId: iss.userPoolId, clientId: iss.clientId, domain: "auth.example.com", jwks: { keys: [iss.key.jwk] } };
}

/** A resolved config for unit tests, keys embedded. */
export function testConfig(iss: Issuer, raw: Record<string, unknown> = {}): ResolvedConfig {
  const result = resolveConfig({ ...poolConfig(iss), issuer: iss.issuer, nonceSigningSecret: TEST_NONCE_SECRET, ...raw }, {});
  if (!result.ok) throw new Error(result.errors.join("; "));
  return result.config;
}
