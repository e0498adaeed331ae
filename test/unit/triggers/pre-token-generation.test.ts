import { describe, expect, it } from "vitest";
import { createLogger } from "../../../shared/log";
import { preTokenGeneration } from "../../../shared/triggers/pre-token-generation";
import type { ClaimsFunction } from "../../../shared/triggers/pre-token-generation";
import { resolveTriggersConfig } from "../../../shared/config/resolve";
import { TOKEN_TRIGGER_SOURCES, cognitoLocalTokenEvent, v1TokenEvent, v2TokenEvent } from "../../fixtures/cognito-events";

const resolved = resolveTriggersConfig({
  preTokenGeneration: {
    attributeClaims: { email: "contact", "custom:tenant": "tenant" },
    groupClaims: { claim: "roles", map: { "group-1": ["admin", "editor"], "group-2": ["editor"] } },
    staticClaims: { site: "docs" },
    suppressClaims: ["phone_number"],
    accessTokenScopes: { "group-1": ["api/admin"] },
  },
});
if (!resolved.ok) throw new Error(resolved.errors.join("; "));
const config = resolved.config.preTokenGeneration;

function setup(claimsFn?: ClaimsFunction) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("pre-token-generation", "debug", (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  return { handler: preTokenGeneration(config, claimsFn, logger), lines };
}

describe("pre-token-generation", () => {
  it("answers a V1 event with string claims for the id token", async () => {
    const { handler } = setup();
    const event = await handler(v1TokenEvent({ groups: ["group-1", "group-2"] }));
    expect(event.response).toEqual({
      claimsOverrideDetails: {
        claimsToAddOrOverride: { site: "docs", contact: "test@example.com", roles: "admin,editor" },
        claimsToSuppress: ["phone_number"],
      },
    });
  });

  it("answers a V2 event with claims in both tokens and scopes on the access token", async () => {
    const { handler } = setup();
    const event = await handler(v2TokenEvent());
    const claims = { site: "docs", contact: "jane@example.com", roles: ["admin", "editor"] };
    expect(event.response).toEqual({
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: claims, claimsToSuppress: ["phone_number"] },
        accessTokenGeneration: { claimsToAddOrOverride: claims, claimsToSuppress: ["phone_number"], scopesToAdd: ["api/admin"] },
      },
    });
  });

  it("treats V3 like V2", async () => {
    const { handler } = setup();
    const event = await handler(v2TokenEvent({ version: "3", groups: ["group-2"] }));
    expect(event.response).toEqual({
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { site: "docs", contact: "jane@example.com", roles: ["editor"] }, claimsToSuppress: ["phone_number"] },
        accessTokenGeneration: { claimsToAddOrOverride: { site: "docs", contact: "jane@example.com", roles: ["editor"] }, claimsToSuppress: ["phone_number"] },
      },
    });
  });

  it("treats cognito-local's version 0 like V1, with its empty groupConfiguration as no groups", async () => {
    const { handler } = setup();
    const event = await handler(cognitoLocalTokenEvent());
    expect(event.response).toEqual({
      claimsOverrideDetails: { claimsToAddOrOverride: { site: "docs", contact: "a@example.com", tenant: "acme" }, claimsToSuppress: ["phone_number"] },
    });
  });

  describe.each(TOKEN_TRIGGER_SOURCES)("%s", (triggerSource) => {
    it("gives the same claims for V1 and V2 as for a sign-in", async () => {
      const { handler } = setup();
      const v1 = await handler(v1TokenEvent({ triggerSource, groups: ["group-2"] }));
      expect(v1.response).toEqual((await handler(v1TokenEvent({ groups: ["group-2"] }))).response);
      const v2 = await handler(v2TokenEvent({ triggerSource }));
      expect(v2.response).toEqual((await handler(v2TokenEvent())).response);
    });
  });

  it.each([
    ["no request", { version: "1", triggerSource: "TokenGeneration_Authentication", response: {} }],
    ["no groupConfiguration", { version: "2", request: { userAttributes: {} }, response: {} }],
    ["null groups", { version: "1", request: { userAttributes: null, groupConfiguration: { groupsToOverride: null } } }],
  ])("copes with an event with %s", async (_name, event) => {
    const { handler } = setup();
    const out = await handler(event as never);
    const claims = (out as { response: Record<string, { claimsToAddOrOverride?: unknown; idTokenGeneration?: { claimsToAddOrOverride: unknown } }> }).response;
    expect(JSON.stringify(claims)).toContain('"site":"docs"');
    expect(JSON.stringify(claims)).not.toContain("roles");
  });

  it("adds a module's claims, drops reserved ones and logs their names (not values)", async () => {
    const { handler, lines } = setup(async (e) => ({ plan: "pro", sub: "attacker", "cognito:groups": "group-1", user: e.userName }));
    const event = await handler(v2TokenEvent({ groups: [] }));
    const details = event.response as { claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: Record<string, unknown> } } };
    expect(details.claimsAndScopeOverrideDetails.idTokenGeneration.claimsToAddOrOverride).toEqual({
      site: "docs",
      contact: "jane@example.com",
      plan: "pro",
      user: "JaneDoe",
    });
    const warn = lines.find((l) => l.msg === "claims dropped");
    expect(warn).toMatchObject({ level: "warn", user: "JaneDoe", claims: "sub:reserved,cognito:groups:reserved" });
    expect(JSON.stringify(lines)).not.toContain("attacker");
  });

  it("ignores a module result that is not an object", async () => {
    const { handler, lines } = setup(() => ["x"] as never);
    const event = await handler(v1TokenEvent());
    expect(event.response).toMatchObject({ claimsOverrideDetails: { claimsToAddOrOverride: { site: "docs" } } });
    expect(lines.some((l) => l.level === "warn")).toBe(true);
  });

  it("fails the sign-in when the module throws, and logs it", async () => {
    const { handler, lines } = setup(async () => {
      throw new Error("table not found");
    });
    await expect(handler(v1TokenEvent())).rejects.toThrow("table not found");
    expect(lines).toContainEqual(expect.objectContaining({ level: "error", msg: "claims module failed", why: "table not found" }));
  });
});
