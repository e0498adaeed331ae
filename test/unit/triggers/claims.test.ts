import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideClaims, toV1Value } from "../../../shared/triggers/claims";
import { resolveTriggersConfig } from "../../../shared/config/resolve";
import type { PreTokenGenerationConfig } from "../../../shared/config/types";

function cfg(raw: Record<string, unknown>): PreTokenGenerationConfig {
  const r = resolveTriggersConfig({ preTokenGeneration: raw });
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.config.preTokenGeneration;
}

const config = cfg({
  attributeClaims: { "custom:tenant": "tenant", "custom:plan": "plan" },
  groupClaims: { claim: "roles", map: { admins: ["admin", "editor"], editors: ["editor"], viewers: ["viewer"] } },
  accessTokenScopes: { admins: ["api/admin", "api/read"], editors: ["api/read"] },
});

describe("decideClaims", () => {
  it.each([
    ["no groups, no attributes", [], {}, {}, []],
    ["an attribute the user has", [], { "custom:tenant": "acme" }, { tenant: "acme" }, []],
    ["an empty attribute is still the user's value", [], { "custom:tenant": "" }, { tenant: "" }, []],
    ["unmapped attributes are not copied", [], { email: "a@example.com", "custom:other": "x" }, {}, []],
    ["one group", ["editors"], {}, { roles: ["editor"] }, ["api/read"]],
    ["groups de-duplicated, in map order", ["editors", "admins"], {}, { roles: ["admin", "editor"] }, ["api/admin", "api/read"]],
    ["unmapped groups only: no claim", ["staff"], {}, {}, []],
    ["mixed", ["viewers", "staff"], { "custom:plan": "pro" }, { plan: "pro", roles: ["viewer"] }, []],
  ] as const)("%s", (_name, groups, userAttributes, claims, scopes) => {
    const d = decideClaims(config, { groups, userAttributes });
    expect(d.claims).toEqual(claims);
    expect(d.scopes).toEqual(scopes);
    expect(d.dropped).toEqual([]);
  });

  it("adds static claims and suppresses configured ones", () => {
    const d = decideClaims(cfg({ staticClaims: { site: "docs", n: 1 }, suppressClaims: ["email"] }), { groups: [], userAttributes: {} });
    expect(d).toEqual({ claims: { site: "docs", n: 1 }, suppress: ["email"], scopes: [], dropped: [] });
  });

  it.each([
    ["reserved", { sub: "evil" }, "reserved"],
    ["cognito: claim", { "cognito:groups": ["admins"] }, "reserved"],
    ["access-token reserved", { client_id: "x" }, "reserved"],
    ["already configured", { tenant: "other" }, "conflict"],
    ["object value", { meta: { a: 1 } }, "invalid-value"],
    ["NaN", { n: Number.NaN }, "invalid-value"],
    ["a list in a single-value claim", { email_verified: ["true"] }, "invalid-value"],
  ] as const)("drops a module claim that is %s", (_name, extra, why) => {
    const d = decideClaims(config, { groups: [], userAttributes: { "custom:tenant": "acme" } }, extra);
    expect(d.claims).toEqual({ tenant: "acme" });
    expect(d.dropped).toEqual([{ claim: Object.keys(extra)[0], why }]);
  });

  it("adds valid module claims after the configured ones", () => {
    const d = decideClaims(config, { groups: ["editors"], userAttributes: {} }, { plan2: "pro", flags: [1, true], skip: undefined });
    expect(Object.keys(d.claims)).toEqual(["roles", "plan2", "flags"]);
  });

  it("drops claims that would go over maxClaimsBytes, and keeps the total under it", () => {
    const small = cfg({ staticClaims: { site: "docs" }, maxClaimsBytes: 64 });
    const d = decideClaims(small, { groups: [], userAttributes: {} }, { a: "x".repeat(30), b: "y".repeat(30), c: "z" });
    expect(d.claims).toEqual({ site: "docs", a: "x".repeat(30), c: "z" });
    expect(d.dropped).toEqual([{ claim: "b", why: "too-large" }]);
    expect(Buffer.byteLength(JSON.stringify(d.claims))).toBeLessThanOrEqual(64);
  });

  it("never exceeds maxClaimsBytes and is deterministic (property)", () => {
    const small = cfg({ maxClaimsBytes: 200, attributeClaims: { "custom:a": "a" } });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 60 })), fc.string({ maxLength: 300 }), (extra, a) => {
        const input = { groups: [], userAttributes: { "custom:a": a } };
        const d = decideClaims(small, input, extra);
        expect(Buffer.byteLength(JSON.stringify(d.claims))).toBeLessThanOrEqual(200);
        expect(decideClaims(small, input, extra)).toEqual(d);
      }),
    );
  });
});

describe("toV1Value", () => {
  it.each([
    ["a", "a"],
    [["admin", "editor"], "admin,editor"],
    [3, "3"],
    [true, "true"],
    [[1, false], "1,false"],
    [[], ""],
  ] as const)("%j → %j", (value, out) => {
    expect(toV1Value(value as never)).toBe(out);
  });
});
