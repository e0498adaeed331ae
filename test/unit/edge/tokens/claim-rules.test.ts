import { describe, expect, it } from "vitest";
import { claimFailure, timeVerdict } from "../../../../shared/edge/tokens/claim-rules";
import type { Claims } from "../../../../shared/edge/tokens/claim-rules";

const c = { provider: "cognito" as const, issuer: "https://iss", clientId: "client", clockToleranceSeconds: 5 };
const oidc = { ...c, provider: "oidc" as const };
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

describe("claimFailure for an OpenID Connect provider (OIDC Core 3.1.3.7)", () => {
  const idt = { iss: "https://iss", aud: "client", iat: 1000, exp: 2000 } as Claims;
  it.each<[string, Claims, "id" | "access", string | undefined]>([
    ["a good id token (no token_use needed)", idt, "id", undefined],
    ["aud an array with us alone", { ...idt, aud: ["client"] }, "id", undefined],
    ["several audiences and azp us", { ...idt, aud: ["client", "api"], azp: "client" }, "id", undefined],
    ["several audiences without azp", { ...idt, aud: ["client", "api"] }, "id", "azp"],
    ["several audiences, azp someone else", { ...idt, aud: ["client", "api"], azp: "api" }, "id", "azp"],
    ["one audience, azp someone else", { ...idt, azp: "other" }, "id", "azp"],
    ["not for us", { ...idt, aud: ["other"] }, "id", "audience"],
    ["another issuer", { ...idt, iss: "https://evil" }, "id", "issuer"],
    ["no iat", { ...idt, iat: undefined } as unknown as Claims, "id", "iat"],
    ["no exp", { ...idt, exp: undefined } as unknown as Claims, "id", "missing-exp"],
    ["a JWT access token of this client (client_id)", { iss: "https://iss", client_id: "client", exp: 2000 } as Claims, "access", undefined],
    ["a JWT access token of this client (azp)", { iss: "https://iss", azp: "client", exp: 2000 } as Claims, "access", undefined],
    ["a JWT access token of another client", { iss: "https://iss", client_id: "other", exp: 2000 } as Claims, "access", "client_id"],
  ])("%s → %s", (_, claims, use, expected) => {
    expect(claimFailure(claims, use, oidc)).toBe(expected);
  });
});

describe("timeVerdict: one clock, with a tolerance", () => {
  it("a token issued in the future is not yet valid", () => {
    expect(timeVerdict({ exp: 2000, iat: 1100 } as Claims, 1000, 5)).toBe("not-yet-valid");
    expect(timeVerdict({ exp: 2000, iat: 1003 } as Claims, 1000, 5)).toBe("valid");
  });

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
