import { describe, expect, it } from "vitest";
import { verifyTokenPair } from "../../../../shared/edge/tokens/token-pair";
import type { TokenVerifier, Verified } from "../../../../shared/edge/tokens/verifier";

/** A verifier stand-in answering by token string. */
const verifier = (answers: Record<string, Verified>): TokenVerifier => ({ verify: async (t) => answers[t]! });
const ok = (claims: Record<string, unknown>): Verified => ({ ok: true, claims: claims as never });
const ID = ok({ sub: "u1", aud: "client" });
const ACCESS = ok({ sub: "u1", client_id: "client" });

describe("verifyTokenPair", () => {
  it.each<[string, Record<string, Verified>, string | undefined, unknown]>([
    ["both valid, same user and client", { i: ID, a: ACCESS }, "a", { status: "valid" }],
    ["an id token alone", { i: ID }, undefined, { status: "valid", access: undefined }],
    ["id expired", { i: { ok: false, expired: true, claims: {} as never }, a: ACCESS }, "a", { status: "expired" }],
    ["access expired", { i: ID, a: { ok: false, expired: true, claims: {} as never } }, "a", { status: "expired" }],
    ["id key unavailable", { i: { ok: false, expired: false, why: "jwks-unavailable" }, a: ACCESS }, "a", { status: "unavailable" }],
    ["access key unavailable", { i: ID, a: { ok: false, expired: false, why: "jwks-unavailable" } }, "a", { status: "unavailable" }],
    ["id forged", { i: { ok: false, expired: false, why: "signature" }, a: ACCESS }, "a", { status: "rejected", why: "signature" }],
    ["access forged", { i: ID, a: { ok: false, expired: false, why: "signature" } }, "a", { status: "rejected", why: "access-signature" }],
    ["another user's access token", { i: ID, a: ok({ sub: "u2", client_id: "client" }) }, "a", { status: "rejected", why: "token-mismatch" }],
    ["another client's access token", { i: ID, a: ok({ sub: "u1", client_id: "other" }) }, "a", { status: "rejected", why: "token-mismatch" }],
  ])("%s", async (_, answers, access, expected) => {
    expect(await verifyTokenPair(verifier(answers), { idToken: "i", accessToken: access }, 0)).toMatchObject(expected as object);
  });
});
