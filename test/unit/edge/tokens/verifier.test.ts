/**
 * Token verification (shared/tokens.ts). aws-jwt-verify checks `exp`/`nbf` against Date.now(), our cache against
 * the `nowMs` argument: the fake clock keeps both at NOW_MS unless a test moves them apart on purpose.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createTokenVerifier, MAX_TOKEN_LENGTH } from "../../../../shared/edge/tokens/verifier";
import type { TokenVerifier } from "../../../../shared/edge/tokens/verifier";
import { accessClaims, idClaims, makeIssuer, makeKey, sign, testConfig } from "../../../helpers/tokens";
import type { Issuer } from "../../../helpers/tokens";
import { NOW_MS, NOW_S, cognitoStandIn, useFixedClock } from "../../../helpers/harness";
import type { StandIn } from "../../../helpers/harness";

const iss: Issuer = makeIssuer();
const otherKey = makeKey();
const u = { iat: NOW_S - 60, username: "user+tag@example.com" };

let stand: StandIn;
let verifier: TokenVerifier;

useFixedClock();
beforeEach(() => {
  const config = testConfig(iss);
  stand = cognitoStandIn(iss, config);
  verifier = createTokenVerifier(config, stand.http);
});

const jwksCalls = () => stand.calls.filter((c) => c.url.endsWith("/.well-known/jwks.json")).length;

describe("valid tokens", () => {
  it("a valid id token is accepted with its claims, no network call", async () => {
    const r = await verifier.verify(sign(idClaims(iss, u), iss.key), "id", NOW_MS);
    expect(r).toMatchObject({ ok: true, claims: { token_use: "id", "cognito:username": "user+tag@example.com" } });
    expect(stand.calls).toHaveLength(0);
  });

  it("a valid access token is accepted", async () => {
    const r = await verifier.verify(sign(accessClaims(iss, u), iss.key), "access", NOW_MS);
    expect(r).toMatchObject({ ok: true, claims: { token_use: "access", client_id: iss.clientId } });
    expect(stand.calls).toHaveLength(0);
  });
});

describe("expiry", () => {
  it("an expired id token: ok false, expired true, with its claims", async () => {
    const t = sign(idClaims(iss, { iat: NOW_S - 7200, ttl: 3600 }), iss.key);
    const r = await verifier.verify(t, "id", NOW_MS);
    expect(r).toMatchObject({ ok: false, expired: true, claims: { token_use: "id" } });
  });

  it("an expired access token: expired true", async () => {
    const r = await verifier.verify(sign(accessClaims(iss, { iat: NOW_S - 7200, ttl: 3600 }), iss.key), "access", NOW_MS);
    expect(r).toMatchObject({ ok: false, expired: true });
  });

  it.each(["id", "access"] as const)("a %s token WITHOUT exp is rejected (not treated as valid or expired)", async (use) => {
    const claims = use === "id" ? idClaims(iss, u) : accessClaims(iss, u);
    delete claims.exp;
    const r = await verifier.verify(sign(claims, iss.key), use, NOW_MS);
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ expired: false });
  });

  it.each([["a string", "9999999999"], ["null", null], ["an object", {}]])("exp as %s is rejected", async (_, exp) => {
    const r = await verifier.verify(sign({ ...idClaims(iss, u), exp }, iss.key), "id", NOW_MS);
    expect(r).toMatchObject({ ok: false, expired: false });
  });

  it("a token not yet valid (nbf in the future) is rejected", async () => {
    const r = await verifier.verify(sign({ ...idClaims(iss, u), nbf: NOW_S + 600 }, iss.key), "id", NOW_MS);
    expect(r).toMatchObject({ ok: false, expired: false, why: "not-yet-valid" });
  });
});

describe("algorithm confusion and forged signatures", () => {
  const pem = iss.key.publicKey.export({ format: "pem", type: "spki" }).toString();
  const n = String(iss.key.jwk.n);

  it.each<[string, () => string]>([
    ["alg none", () => sign(idClaims(iss, u), iss.key, { alg: "none" })],
    ["alg none, no kid", () => sign(idClaims(iss, u), iss.key, { alg: "none", kid: null })],
    ["alg none with a signature part", () => `${sign(idClaims(iss, u), iss.key, { alg: "none" })}AAAA`],
    ["HS256 with the PEM public key as secret", () => sign(idClaims(iss, u), iss.key, { alg: "HS256", hmacSecret: pem })],
    ["HS256 with the JWK n as secret", () => sign(idClaims(iss, u), iss.key, { alg: "HS256", hmacSecret: n })],
    ["HS256 with an empty secret", () => sign(idClaims(iss, u), iss.key, { alg: "HS256" })],
    ["RS256 by a foreign key under the known kid", () => sign(idClaims(iss, u), otherKey, { kid: iss.key.kid })],
    ["RS256 header claiming alg RS512", () => sign(idClaims(iss, u), iss.key, { header: { alg: "RS512" } })],
    ["jwk embedded in the header (key injection)", () => sign(idClaims(iss, u), otherKey, { kid: iss.key.kid, header: { jwk: otherKey.jwk } })],
    ["no kid at all", () => sign(idClaims(iss, u), iss.key, { kid: null })],
  ])("%s → rejected", async (_, make) => {
    const r = await verifier.verify(make(), "id", NOW_MS);
    expect(r).toMatchObject({ ok: false, expired: false });
  });

  it("tampered payload (a group added) → signature rejected", async () => {
    const t = sign(idClaims(iss, u), iss.key);
    const [h, , s] = t.split(".");
    const evil = Buffer.from(JSON.stringify({ ...idClaims(iss, u), "cognito:groups": ["admins"] })).toString("base64url");
    expect(await verifier.verify(`${h}.${evil}.${s}`, "id", NOW_MS)).toMatchObject({ ok: false, expired: false, why: "signature" });
  });

  it("tampered signature (one character changed) → rejected", async () => {
    const t = sign(idClaims(iss, u), iss.key);
    const last = t.at(-2) === "A" ? "B" : "A";
    const bad = `${t.slice(0, -2)}${last}${t.at(-1)}`;
    expect(await verifier.verify(bad, "id", NOW_MS)).toMatchObject({ ok: false, expired: false });
  });
});

describe("issuer, audience, token_use", () => {
  it.each<[string, () => string, "id" | "access"]>([
    ["id token of another pool (issuer)", () => sign({ ...idClaims(iss, u), iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other" }, iss.key), "id"],
    ["access token of another pool", () => sign({ ...accessClaims(iss, u), iss: "https://evil.example.com" }, iss.key), "access"],
    ["id token of another client (aud)", () => sign({ ...idClaims(iss, u), aud: "otherclient" }, iss.key), "id"],
    ["id token with aud as an array of another client", () => sign({ ...idClaims(iss, u), aud: ["otherclient"] }, iss.key), "id"],
    ["id token without aud", () => sign({ ...idClaims(iss, u), aud: undefined }, iss.key), "id"],
    ["access token of another client (client_id)", () => sign({ ...accessClaims(iss, u), client_id: "otherclient" }, iss.key), "access"],
    ["access token without client_id", () => sign({ ...accessClaims(iss, u), client_id: undefined }, iss.key), "access"],
    ["access token presented as id token", () => sign(accessClaims(iss, u), iss.key), "id"],
    ["id token presented as access token", () => sign(idClaims(iss, u), iss.key), "access"],
    ["id token with token_use access", () => sign({ ...idClaims(iss, u), token_use: "access" }, iss.key), "id"],
    ["access token with aud = client and token_use id", () => sign({ ...accessClaims(iss, u), aud: iss.clientId, token_use: "id" }, iss.key), "access"],
  ])("%s → rejected", async (_, make, use) => {
    expect(await verifier.verify(make(), use, NOW_MS)).toMatchObject({ ok: false, expired: false });
  });

  // An expired token counts as merely expired only when it is ours in every other respect (aws-jwt-verify checks
  // exp before iss/aud and skips the custom checks).
  it.each<[string, () => string, "id" | "access"]>([
    ["expired id token of another client", () => sign({ ...idClaims(iss, { iat: NOW_S - 7200, ttl: 3600 }), aud: "otherclient" }, iss.key), "id"],
    ["expired id token of another issuer", () => sign({ ...idClaims(iss, { iat: NOW_S - 7200, ttl: 3600 }), iss: "https://evil.example.com" }, iss.key), "id"],
    ["expired access token presented as id token", () => sign(accessClaims(iss, { iat: NOW_S - 7200, ttl: 3600 }), iss.key), "id"],
    ["expired access token of another client", () => sign({ ...accessClaims(iss, { iat: NOW_S - 7200, ttl: 3600 }), client_id: "otherclient" }, iss.key), "access"],
  ])("%s → rejected, not 'expired'", async (_, make, use) => {
    expect(await verifier.verify(make(), use, NOW_MS)).toMatchObject({ ok: false, expired: false });
  });

  it("a verified id token is not accepted from the cache as an access token", async () => {
    const t = sign(idClaims(iss, u), iss.key);
    expect((await verifier.verify(t, "id", NOW_MS)).ok).toBe(true);
    expect((await verifier.verify(t, "access", NOW_MS)).ok).toBe(false);
  });
});

describe("malformed and huge values", () => {
  const valid = () => sign(idClaims(iss, u), iss.key);
  it.each<[string, () => string]>([
    ["empty", () => ""],
    ["one part", () => "abc"],
    ["two parts", () => "abc.def"],
    ["four parts", () => `${valid()}.x`],
    ["three empty parts", () => ".."],
    ["header not base64url JSON", () => `%%%.${valid().split(".")[1]}.sig`],
    ["header JSON array", () => `${Buffer.from("[]").toString("base64url")}.e30.sig`],
    ["payload not JSON", () => `${valid().split(".")[0]}.${Buffer.from("not json").toString("base64url")}.sig`],
    ["payload JSON null", () => `${valid().split(".")[0]}.${Buffer.from("null").toString("base64url")}.sig`],
    ["unicode garbage", () => "é.ü.😀"],
    ["whitespace around a valid token", () => ` ${valid()} `],
    ["just over the size cap", () => "a".repeat(MAX_TOKEN_LENGTH + 1)],
    ["huge three-part value", () => `${"a".repeat(20_000)}.${"b".repeat(20_000)}.${"c".repeat(20_000)}`],
    ["valid token padded with a huge claim", () => sign({ ...idClaims(iss, u), pad: "x".repeat(20_000) }, iss.key)],
  ])("%s → rejected, no throw, no network", async (_, make) => {
    const r = await verifier.verify(make(), "id", NOW_MS);
    expect(r).toMatchObject({ ok: false, expired: false });
    expect(jwksCalls()).toBe(0);
  });
});

describe("unknown kid: one JWKS fetch, fail closed", () => {
  it("the JWKS now includes the new key → accepted after exactly one fetch; the next token of that key needs none", async () => {
    const rotated = makeKey();
    stand.jwksKeys = [iss.key.jwk, rotated.jwk];
    const r = await verifier.verify(sign(idClaims(iss, u), rotated), "id", NOW_MS);
    expect(r.ok).toBe(true);
    expect(jwksCalls()).toBe(1);
    const call = stand.calls[0]!;
    expect(call.req.method).toBe("GET");
    expect(call.req.timeoutMs).toBeLessThan(5000);
    expect((await verifier.verify(sign(accessClaims(iss, u), rotated), "access", NOW_MS)).ok).toBe(true);
    expect(jwksCalls()).toBe(1);
  });

  it("the JWKS does not include the kid → rejected", async () => {
    const r = await verifier.verify(sign(idClaims(iss, u), makeKey()), "id", NOW_MS);
    expect(r).toMatchObject({ ok: false, expired: false });
    expect(jwksCalls()).toBe(1);
  });

  it.each<[string, StandIn["override"]["jwks"]]>([
    ["timeout", "timeout"],
    ["network error", "network"],
    ["status 500", { status: 500, body: Buffer.from("oops") }],
    ["status 404", { status: 404, body: Buffer.from("{}") }],
    ["not JSON", { status: 200, body: Buffer.from("<html>") }],
    ["JSON without keys", { status: 200, body: Buffer.from("{}") }],
  ])("JWKS %s → rejected (fail closed)", async (_, answer) => {
    const rotated = makeKey();
    stand.jwksKeys = [rotated.jwk];
    stand.override.jwks = answer;
    const r = await verifier.verify(sign(idClaims(iss, u), rotated), "id", NOW_MS);
    expect(r).toMatchObject({ ok: false, expired: false });
    expect(jwksCalls()).toBe(1);
  });

  it("a burst of unknown kids does not become a burst of fetches", async () => {
    for (let i = 0; i < 5; i++) await verifier.verify(sign(idClaims(iss, u), makeKey()), "id", NOW_MS);
    expect(jwksCalls()).toBeLessThanOrEqual(1);
  });
});

describe("verified-token cache", () => {
  it("a cached token is answered without re-verifying (still ok while nowMs < exp, even if aws-jwt-verify's clock moved on)", async () => {
    const t = sign(idClaims(iss, { iat: NOW_S - 60, ttl: 3600 }), iss.key);
    const first = await verifier.verify(t, "id", NOW_MS);
    expect(first.ok).toBe(true);
    // Only the library's clock moves past exp: a full verification would now say "expired".
    vi.setSystemTime(NOW_MS + 2 * 3600_000);
    const second = await verifier.verify(t, "id", NOW_MS + 1000);
    expect(second).toEqual(first);
  });

  it("a cached token past its exp (by nowMs) is reported expired", async () => {
    const t = sign(idClaims(iss, { iat: NOW_S - 60, ttl: 3600 }), iss.key);
    expect((await verifier.verify(t, "id", NOW_MS)).ok).toBe(true);
    expect(await verifier.verify(t, "id", NOW_MS + 3600_000)).toMatchObject({ ok: false, expired: true });
  });

  it("an expired token is judged by the clock passed in, also once remembered: it verifies when the clock is back before exp", async () => {
    const t = sign(idClaims(iss, { iat: NOW_S - 60, ttl: 3600 }), iss.key);
    vi.setSystemTime(NOW_MS + 2 * 3600_000);
    expect(await verifier.verify(t, "id", NOW_MS + 2 * 3600_000)).toMatchObject({ ok: false, expired: true });
    vi.setSystemTime(NOW_MS);
    expect((await verifier.verify(t, "id", NOW_MS)).ok).toBe(true);
  });

  it("an unknown-kid failure is not remembered: the key is fetched for again once it appears", async () => {
    const rotated = makeKey();
    const t = sign(idClaims(iss, u), rotated);
    stand.override.jwks = "timeout";
    expect((await verifier.verify(t, "id", NOW_MS)).ok).toBe(false);
    // A fresh verifier with the same stand-in (past aws-jwt-verify's 10 s penalty box) sees the key.
    delete stand.override.jwks;
    stand.jwksKeys = [rotated.jwk];
    const fresh = createTokenVerifier(testConfig(iss), stand.http);
    expect((await fresh.verify(t, "id", NOW_MS)).ok).toBe(true);
  });

  it("a forged token is rejected every time, however often it is sent", async () => {
    const forged = sign(idClaims(iss, u), otherKey, { kid: iss.key.kid });
    for (let i = 0; i < 3; i++) expect(await verifier.verify(forged, "id", NOW_MS)).toEqual({ ok: false, expired: false, why: "signature" });
  });

  it("a remembered rejection is for its token use only: the same string is judged afresh as the other use", async () => {
    const access = sign(accessClaims(iss, u), iss.key);
    expect(await verifier.verify(access, "id", NOW_MS)).toMatchObject({ ok: false, expired: false });
    expect((await verifier.verify(access, "access", NOW_MS)).ok).toBe(true);
    expect(await verifier.verify(access, "id", NOW_MS)).toMatchObject({ ok: false, expired: false });
  });
});

describe("key rotation survives a flood of made-up kids", () => {
  it("a genuine new key is fetched and accepted after a flood, never refused as unknown", async () => {
    const rotated = makeKey();
    // The flood: tokens with random kids, signed by keys the provider never published, over half a second.
    for (let i = 0; i < 200; i++) {
      const r = await verifier.verify(sign(idClaims(iss, u), otherKey, { kid: `flood-${i}` }), "id", NOW_MS + i * 2);
      expect(r.ok).toBe(false);
    }
    // Few fetches for all that: at most one per second.
    expect(jwksCalls()).toBeLessThanOrEqual(1);
    // The provider rotates; a user's genuine token arrives within the same second: "try again", not "unknown".
    stand.jwksKeys = [iss.key.jwk, rotated.jwk];
    const genuine = sign(idClaims(iss, u), rotated);
    const early = await verifier.verify(genuine, "id", NOW_MS + 500);
    expect(early).toEqual({ ok: false, expired: false, why: "jwks-unavailable" });
    // A second later the key is fetched and the token accepted.
    expect((await verifier.verify(genuine, "id", NOW_MS + 1600)).ok).toBe(true);
  });

  it("a flood that keeps going cannot keep the new key out: the next fetch brings it in", async () => {
    const rotated = makeKey();
    stand.jwksKeys = [iss.key.jwk, rotated.jwk];
    for (let i = 0; i < 50; i++) await verifier.verify(sign(idClaims(iss, u), otherKey, { kid: `flood-${i}` }), "id", NOW_MS + i * 100);
    // The flood's own fetches (one a second) loaded the published key: the genuine token needs no fetch at all.
    const before = jwksCalls();
    expect((await verifier.verify(sign(idClaims(iss, u), rotated), "id", NOW_MS + 5000)).ok).toBe(true);
    expect(jwksCalls()).toBe(before);
  });

  it("a made-up kid is looked for once, then kept in the penalty box (no fetch for 10 s)", async () => {
    const t = sign(idClaims(iss, u), otherKey, { kid: "made-up" });
    expect(await verifier.verify(t, "id", NOW_MS)).toEqual({ ok: false, expired: false, why: "unknown-key" });
    expect(jwksCalls()).toBe(1);
    for (const dt of [1500, 5000, 9000]) expect(await verifier.verify(t, "id", NOW_MS + dt)).toEqual({ ok: false, expired: false, why: "unknown-key" });
    expect(jwksCalls()).toBe(1);
    expect(await verifier.verify(t, "id", NOW_MS + 11_000)).toEqual({ ok: false, expired: false, why: "unknown-key" });
    expect(jwksCalls()).toBe(2);
  });
});
