import { describe, expect, it } from "vitest";
import { createResultCache, hashKey } from "../../../../shared/edge/tokens/result-cache";

describe("result cache", () => {
  it("remembers by key and forgets the oldest past maxEntries", () => {
    const c = createResultCache<number>({ maxEntries: 3, maxBytes: 1e6 });
    for (const [i, t] of ["a", "b", "c", "d"].entries()) c.set(t, i, 8);
    expect([c.get("a"), c.get("b"), c.get("d")]).toEqual([undefined, 1, 3]);
    expect(c.stats().entries).toBe(3);
  });

  it("is bounded by bytes too: big entries push the oldest out", () => {
    const c = createResultCache<string>({ maxEntries: 1000, maxBytes: 10_000 });
    for (let i = 0; i < 100; i++) c.set(`token-${i}`, "v", 1000);
    expect(c.stats().bytes).toBeLessThanOrEqual(10_000);
    expect(c.get("token-99")).toBe("v");
    expect(c.get("token-0")).toBeUndefined();
  });

  it("an entry bigger than the whole budget is not kept", () => {
    const c = createResultCache<string>({ maxEntries: 10, maxBytes: 1000 });
    c.set("x", "v", 5000);
    expect(c.get("x")).toBeUndefined();
    expect(c.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it("hashKey: a 16 KB token costs a 43-character key, and different tokens differ", () => {
    const c = createResultCache<string>({ maxEntries: 10, maxBytes: 1e6, keyOf: hashKey });
    const big = "a".repeat(16 * 1024);
    c.set(big, "refused", 16);
    expect(c.get(big)).toBe("refused");
    expect(c.get(`${big}b`)).toBeUndefined();
    expect(c.stats().bytes).toBeLessThan(300);
    expect(hashKey(big)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("an empty cache answers without computing a key (a new container's first request hashes nothing)", () => {
    const keyed: string[] = [];
    const c = createResultCache<number>({ maxEntries: 2, maxBytes: 10_000, keyOf: (t) => (keyed.push(t), t) });
    expect(c.get("a")).toBeUndefined();
    expect(keyed).toEqual([]);
    c.set("a", 1, 8);
    expect(c.get("a")).toBe(1);
    expect(c.get("b")).toBeUndefined();
    expect(keyed).toEqual(["a", "a", "b"]);
  });

  it("set again replaces; clear empties", () => {
    const c = createResultCache<number>({ maxEntries: 10, maxBytes: 1e6 });
    c.set("a", 1, 10);
    c.set("a", 2, 10);
    expect(c.get("a")).toBe(2);
    expect(c.stats().entries).toBe(1);
    c.clear();
    expect(c.stats()).toEqual({ entries: 0, bytes: 0 });
  });
});
