import { describe, expect, it } from "vitest";
import type { HttpClient } from "../../../../shared/edge/http";
import { createKeyStore } from "../../../../shared/edge/tokens/key-store";

const key = (kid: string) => ({ kty: "RSA", kid, n: "AQAB", e: "AQAB" });

/** A JWKS endpoint whose keys the test sets, counting calls. */
function endpoint(initial: string[]) {
  const state = { kids: initial, calls: 0, answer: "ok" as "ok" | "fail" };
  const http: HttpClient = async () => {
    state.calls++;
    if (state.answer === "fail") throw new Error("network");
    return { status: 200, body: Buffer.from(JSON.stringify({ keys: state.kids.map(key) })) };
  };
  return { state, http };
}

const store = (e: ReturnType<typeof endpoint>, embedded: string[] = ["k1"]) =>
  createKeyStore({ jwks: { keys: embedded.map(key) as never }, jwksUri: "https://idp/jwks", http: e.http, timeoutMs: 100 });

describe("key store", () => {
  it("an embedded key needs no fetch", async () => {
    const e = endpoint(["k1"]);
    expect((await store(e).get("k1", 0)).ok).toBe(true);
    expect(e.state.calls).toBe(0);
  });

  it("a new kid is fetched once; the version grows when the keys change", async () => {
    const e = endpoint(["k1", "k2"]);
    const s = store(e);
    expect(s.version).toBe(0);
    expect((await s.get("k2", 0)).ok).toBe(true);
    expect(s.version).toBe(1);
    expect((await s.get("k2", 10)).ok).toBe(true);
    expect(e.state.calls).toBe(1);
  });

  it("a kid the fetched JWKS lacks goes to the penalty box for 10 s; the version does not change", async () => {
    const e = endpoint(["k1"]);
    const s = store(e);
    expect(await s.get("made-up", 0)).toEqual({ ok: false, why: "unknown-key" });
    expect(await s.get("made-up", 9_999)).toEqual({ ok: false, why: "unknown-key" });
    expect(e.state.calls).toBe(1);
    expect(s.version).toBe(0);
    await s.get("made-up", 10_001);
    expect(e.state.calls).toBe(2);
  });

  it("at most one fetch per second: another new kid inside it is 'unavailable' (try again), not unknown", async () => {
    const e = endpoint(["k1"]);
    const s = store(e);
    await s.get("a", 0);
    expect(await s.get("b", 500)).toEqual({ ok: false, why: "jwks-unavailable" });
    expect(e.state.calls).toBe(1);
    e.state.kids = ["k1", "b"];
    expect((await s.get("b", 1000)).ok).toBe(true);
    expect(e.state.calls).toBe(2);
  });

  it("concurrent lookups share one fetch", async () => {
    const e = endpoint(["k1", "k2"]);
    const s = store(e);
    const all = await Promise.all([s.get("k2", 0), s.get("k2", 0), s.get("k3", 0)]);
    expect(all.map((r) => r.ok)).toEqual([true, true, false]);
    expect(e.state.calls).toBe(1);
  });

  it("a failed fetch is 'unavailable', and the kid is not penalised", async () => {
    const e = endpoint(["k1", "k2"]);
    e.state.answer = "fail";
    const s = store(e);
    expect(await s.get("k2", 0)).toEqual({ ok: false, why: "jwks-unavailable" });
    e.state.answer = "ok";
    expect((await s.get("k2", 1000)).ok).toBe(true);
  });
});
