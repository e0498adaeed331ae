import { describe, expect, it } from "vitest";
import { claimFailure, timeVerdict } from "../../../../shared/edge/tokens/claim-rules";
import type { Claims } from "../../../../shared/edge/tokens/claim-rules";

const c = { issuer: "https://iss", clientId: "client", clockToleranceSeconds: 5 };
const id = { iss: "https://iss", aud: "client", token_use: "id", exp: 2000 } as Claims;
const access = { iss: "https://iss", client_id: "client", token_use: "access", exp: 2000 } as Claims;

describe("claimFailure", () => {
  it.each<[string, Claims, "id" | "access", string | undefined]>([
    ["a good id token", id, "id", undefined],
    ["a good access token", access, "access", undefined],
    ["another issuer", { ...id, iss: "https://other" }, "id", "issuer"],
    ["another client (aud)", { ...id, aud: "other" }, "id", "audience"],
    ["aud as a one-element array", { ...id, aud: ["client"] }, "id", undefined],
    ["aud with several audiences", { ...id, aud: ["client", "other"] }, "id", "audience"],
    ["another client (client_id)", { ...access, client_id: "other" }, "access", "client_id"],
    ["an access token as id", access, "id", "token_use"],
    ["an id token as access", id, "access", "token_use"],
    ["no exp", { ...id, exp: undefined } as unknown as Claims, "id", "missing-exp"],
    ["exp not a number", { ...id, exp: "2000" as never }, "id", "missing-exp"],
  ])("%s → %s", (_, claims, use, expected) => {
    expect(claimFailure(claims, use, c)).toBe(expected);
  });
});

describe("timeVerdict: one clock, with a tolerance", () => {
  it.each<[string, Partial<Claims>, number, string]>([
    ["well before exp", { exp: 2000 }, 1000, "valid"],
    ["at exp, within the tolerance", { exp: 2000 }, 2004, "valid"],
    ["past exp and the tolerance", { exp: 2000 }, 2005, "expired"],
    ["nbf in the future beyond the tolerance", { exp: 2000, nbf: 1100 }, 1000, "not-yet-valid"],
    ["nbf just ahead, within the tolerance (clock skew)", { exp: 2000, nbf: 1003 }, 1000, "valid"],
  ])("%s", (_, claims, now, expected) => {
    expect(timeVerdict(claims as Claims, now, 5)).toBe(expected);
  });

  it("tolerance 0 is exact", () => {
    expect(timeVerdict({ exp: 2000 } as Claims, 2000, 0)).toBe("expired");
    expect(timeVerdict({ exp: 2000 } as Claims, 1999, 0)).toBe("valid");
  });
});
