import { describe, expect, it } from "vitest";
import { bindingValue, isBound, subjectOf } from "../../../shared/edge/session-binding";

const KEY = "k".repeat(43);
const S = { iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_A", clientId: "client1", sub: "sub-1" };

describe("the binding cookie's value", () => {
  it("is 43 characters of base64url and opens for its subject", () => {
    expect(bindingValue(S, KEY)).toMatch(/^[\w-]{43}$/);
    expect(isBound(bindingValue(S, KEY), S, KEY)).toBe(true);
  });

  it.each<[string, string | undefined]>([
    ["absent", undefined],
    ["empty", ""],
    ["another user (sub)", bindingValue({ ...S, sub: "sub-2" }, KEY)],
    ["another issuer", bindingValue({ ...S, iss: "https://evil.example" }, KEY)],
    ["another app client", bindingValue({ ...S, clientId: "client2" }, KEY)],
    ["another key", bindingValue(S, "z".repeat(43))],
    ["a sub and issuer that only concatenate the same", bindingValue({ ...S, iss: `${S.iss}client1`, clientId: "" }, KEY)],
    ["truncated", bindingValue(S, KEY).slice(0, 20)],
    ["huge", "a".repeat(5000)],
  ])("refused: %s", (_, value) => {
    expect(isBound(value, S, KEY)).toBe(false);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ["iss and sub", { iss: "i", sub: "s" }, true],
    ["no sub", { iss: "i" }, false],
    ["empty sub", { iss: "i", sub: "" }, false],
    ["a number sub", { iss: "i", sub: 1 }, false],
    ["no iss", { sub: "s" }, false],
  ])("subjectOf: %s", (_, claims, ok) => {
    expect(subjectOf(claims, "c") !== undefined).toBe(ok);
  });
});

describe("remembered bindings", () => {
  it("a binding found good once is still refused for another subject or under another key", () => {
    const value = bindingValue(S, KEY);
    for (let i = 0; i < 3; i++) expect(isBound(value, S, KEY)).toBe(true);
    expect(isBound(value, { ...S, sub: "sub-2" }, KEY)).toBe(false);
    expect(isBound(value, S, "z".repeat(43))).toBe(false);
  });
});
