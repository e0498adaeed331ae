import { describe, expect, it } from "vitest";
import { resolveTriggersConfig } from "../../../shared/config/resolve";
import { RESERVED_ACCESS_TOKEN_CLAIMS, RESERVED_CLAIMS, applyEnvOverrides, reservedClaimReason } from "../../../shared/triggers/claim-names";
import { DEFAULT_MAX_CLAIMS_BYTES } from "../../../shared/config/types";

const P = "triggers.preTokenGeneration";
const errorsOf = (raw: unknown): string[] => {
  const r = resolveTriggersConfig(raw);
  return r.ok ? [] : r.errors;
};

describe("resolveTriggersConfig", () => {
  it("defaults to triggers that do nothing", () => {
    const r = resolveTriggersConfig(undefined);
    expect(r).toEqual({
      ok: true,
      warnings: [],
      config: {
        preTokenGeneration: {
          attributeClaims: {},
          staticClaims: {},
          suppressClaims: [],
          accessTokenScopes: {},
          maxClaimsBytes: DEFAULT_MAX_CLAIMS_BYTES,
          writableAttributes: [],
        },
        postConfirmation: {},
        logLevel: "info",
      },
    });
  });

  it("resolves a full config", () => {
    const r = resolveTriggersConfig(
      {
        preTokenGeneration: {
          attributeClaims: { "custom:tenant": "tenant" },
          groupClaims: { claim: "roles", map: { admins: ["admin", "editor", "admin"], editors: ["editor"] } },
          staticClaims: { site: "docs", level: 3, beta: true, tags: ["a", "b"] },
          suppressClaims: ["email", "email"],
          accessTokenScopes: { admins: ["api/admin"] },
          maxClaimsBytes: 1024,
          module: "claims.ts",
        },
        postConfirmation: { defaultGroup: "readers" },
      },
      "debug",
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.preTokenGeneration).toMatchObject({
      groupClaims: { claim: "roles", map: { admins: ["admin", "editor"], editors: ["editor"] } },
      suppressClaims: ["email"],
      module: "claims.ts",
      maxClaimsBytes: 1024,
    });
    expect(r.config.postConfirmation).toEqual({ defaultGroup: "readers" });
    expect(r.config.logLevel).toBe("debug");
  });

  describe("reserved claims fail, naming field and claim", () => {
    const reserved = [...RESERVED_CLAIMS, ...RESERVED_ACCESS_TOKEN_CLAIMS, "cognito:groups", "cognito:preferred_role"];
    it.each(reserved)("%s", (claim) => {
      expect(errorsOf({ preTokenGeneration: { groupClaims: { claim, map: { a: ["x"] } } } })).toEqual([
        `${P}.groupClaims.claim: ${reservedClaimReason(claim)}`,
      ]);
      expect(errorsOf({ preTokenGeneration: { attributeClaims: { "custom:x": claim } } })[0]).toContain(`${P}.attributeClaims.custom:x: "${claim}"`);
      expect(errorsOf({ preTokenGeneration: { staticClaims: { [claim]: "v" } } })[0]).toContain(`${P}.staticClaims.${claim}: "${claim}"`);
      expect(errorsOf({ preTokenGeneration: { suppressClaims: [claim] } })[0]).toContain(`${P}.suppressClaims[0]: "${claim}"`);
    });

    it("says why in words", () => {
      expect(errorsOf({ preTokenGeneration: { groupClaims: { claim: "sub", map: {} } } })).toEqual([
        `${P}.groupClaims.claim: "sub" is a claim Cognito does not let a trigger change`,
      ]);
    });
  });

  it.each([
    ["not an object", "x", "triggers: must be an object"],
    ["unknown trigger", { preSignUp: {} }, "triggers.preSignUp: unknown key"],
    ["unknown option", { preTokenGeneration: { claims: {} } }, `${P}.claims: unknown key`],
    ["attributeClaims not an object", { preTokenGeneration: { attributeClaims: [] } }, `${P}.attributeClaims: must be an object`],
    ["bad claim name", { preTokenGeneration: { staticClaims: { "a b": "x" } } }, `${P}.staticClaims.a b: "a b" is not a valid claim name`],
    ["bad static value", { preTokenGeneration: { staticClaims: { a: { b: 1 } } } }, `${P}.staticClaims.a: must be a string, number, boolean`],
    ["a list in a single-value claim", { preTokenGeneration: { groupClaims: { claim: "address", map: {} } } }, `${P}.groupClaims.claim: "address" cannot hold a list`],
    ["a static list in a single-value claim", { preTokenGeneration: { staticClaims: { updated_at: ["1"] } } }, `${P}.staticClaims.updated_at: "updated_at" cannot hold a list`],
    ["group map values", { preTokenGeneration: { groupClaims: { claim: "roles", map: { admins: "admin" } } } }, `${P}.groupClaims.map.admins: must be an array`],
    ["group claims shape", { preTokenGeneration: { groupClaims: ["roles"] } }, `${P}.groupClaims: must be {`],
    ["same claim twice", { preTokenGeneration: { staticClaims: { roles: "x" }, groupClaims: { claim: "roles", map: {} } } }, `${P}.staticClaims.roles: claim "roles" is already produced by ${P}.groupClaims.claim`],
    ["suppress a produced claim", { preTokenGeneration: { staticClaims: { site: "x" }, suppressClaims: ["site"] } }, `${P}.suppressClaims[0]: claim "site" is also produced`],
    ["scope with a space", { preTokenGeneration: { accessTokenScopes: { admins: ["a b"] } } }, `${P}.accessTokenScopes.admins: must be an array of OAuth scopes`],
    ["maxClaimsBytes too big", { preTokenGeneration: { maxClaimsBytes: 100_000 } }, `${P}.maxClaimsBytes: must be a whole number`],
    ["module not a source file", { preTokenGeneration: { module: "claims.json" } }, `${P}.module: must be the path of a .ts or .js file`],
    ["writableAttributes", { preTokenGeneration: { writableAttributes: "email" } }, `${P}.writableAttributes: must be an array`],
    ["defaultGroup type", { postConfirmation: { defaultGroup: 7 } }, "triggers.postConfirmation.defaultGroup: must be a group name"],
    ["defaultGroup with a space", { postConfirmation: { defaultGroup: "a b" } }, "triggers.postConfirmation.defaultGroup: must be a group name"],
    ["postConfirmation unknown key", { postConfirmation: { group: "x" } }, "triggers.postConfirmation.group: unknown key"],
  ])("fails on %s", (_name, raw, message) => {
    const errors = errorsOf(raw);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.startsWith(message))).toBe(true);
  });

  it("fails when the configured claims cannot fit maxClaimsBytes", () => {
    const errors = errorsOf({
      preTokenGeneration: { maxClaimsBytes: 64, groupClaims: { claim: "roles", map: { a: ["x".repeat(40)], b: ["y".repeat(40)] } } },
    });
    expect(errors).toEqual([`${P}: staticClaims and groupClaims add up to 97 bytes, over maxClaimsBytes (64)`]);
  });

  it("warns when a copied attribute is one users can write", () => {
    const r = resolveTriggersConfig({
      preTokenGeneration: { attributeClaims: { "custom:tenant": "tenant", "custom:plan": "plan" }, writableAttributes: ["custom:tenant", "email"] },
    });
    expect(r.ok).toBe(true);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^triggers\.preTokenGeneration\.attributeClaims\.custom:tenant: users can write "custom:tenant".*claim "tenant"/);
  });

  it("does not warn without writableAttributes", () => {
    expect(resolveTriggersConfig({ preTokenGeneration: { attributeClaims: { "custom:tenant": "tenant" } } }).warnings).toEqual([]);
  });
});

describe("applyEnvOverrides", () => {
  const base = resolveTriggersConfig({ postConfirmation: { defaultGroup: "readers" } });
  if (!base.ok) throw new Error("fixture");
  it.each([
    [{}, "readers", "info"],
    [{ DEFAULT_GROUP: "members", LOG_LEVEL: "debug" }, "members", "debug"],
    [{ DEFAULT_GROUP: "", LOG_LEVEL: "loud" }, "readers", "info"],
    [{ DEFAULT_GROUP: "has space" }, "readers", "info"],
  ])("%j", (env, group, level) => {
    const c = applyEnvOverrides(base.config, env);
    expect(c.postConfirmation.defaultGroup).toBe(group);
    expect(c.logLevel).toBe(level);
  });
});
