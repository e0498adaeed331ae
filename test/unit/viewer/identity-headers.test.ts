import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_IDENTITY_VALUE, encodeIdentityValue, forwardedUsername, groupsHeader, identityHeaders, isIdentityHeaderName, isVerifiedIdentity } from "../../../shared/viewer/identity-headers";

const decodeGroups = (v: string) => (v === "" ? [] : v.split(",").map(decodeURIComponent));

describe("identity header values decode back to exactly the claim", () => {
  it.each([
    ["plain", "jane.doe+test@example.com"],
    ["non-ASCII", "jürgen"],
    ["a literal percent-encoding", "j%C3%BCrgen"],
    ["a percent sign", "100%"],
    ["emoji", "rocket🚀user"],
    ["spaces and quotes", ` a "b" `],
    ["control characters", "a\r\nX-Evil: 1"],
  ])("%s", (_, claim) => {
    const v = encodeIdentityValue(claim);
    expect(v).toMatch(/^[\x21-\x7e]*$/);
    expect(decodeURIComponent(v)).toBe(claim);
  });

  it("two usernames that differ never arrive as the same value (ä and the literal %C3%A4)", () => {
    expect(encodeIdentityValue("ä")).not.toBe(encodeIdentityValue("%C3%A4"));
  });

  it("property: any string round-trips (lone surrogates aside, which become U+FFFD)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        expect(decodeURIComponent(encodeIdentityValue(s))).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});

describe("x-auth-groups", () => {
  it("a group name with a comma is one group", () => {
    const g = groupsHeader(["a,b", "c"]);
    expect(g).toEqual({ value: "a%2Cb,c", truncated: false });
    expect(decodeGroups(g.value)).toEqual(["a,b", "c"]);
  });

  it("property: any list of names decodes back to the same list", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 20 }), (groups) => {
        const g = groupsHeader(groups);
        expect(g.truncated).toBe(false);
        expect(decodeGroups(g.value)).toEqual(groups);
      }),
    );
  });

  it("a list too long for one header is cut between names, never inside one, and says so", () => {
    const groups = Array.from({ length: 400 }, (_, i) => `admins-readonly-${i}`);
    const g = groupsHeader(groups);
    expect(g.truncated).toBe(true);
    expect(g.value.length).toBeLessThanOrEqual(MAX_IDENTITY_VALUE);
    const got = decodeGroups(g.value);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(groups.slice(0, got.length));
  });

  it("identityHeaders adds x-auth-groups-truncated: true only when cut", () => {
    const long = Array.from({ length: 400 }, (_, i) => `group-with-a-long-name-${i}`);
    expect(identityHeaders({ "cognito:username": "u" } as never, undefined, long, "tok", "cognito:username")["x-auth-groups-truncated"]).toBe("true");
    expect(identityHeaders({ "cognito:username": "u" } as never, undefined, ["a"], "tok", "cognito:username")["x-auth-groups-truncated"]).toBeUndefined();
  });
});

describe("x-auth-email only for a verified address", () => {
  it.each<[unknown, boolean]>([
    [true, true],
    ["true", true],
    [false, false],
    ["false", false],
    [undefined, false],
    [1, false],
  ])("email_verified %j → sent: %s", (verified, sent) => {
    const h = identityHeaders({ "cognito:username": "u", email: "u@example.com", email_verified: verified } as never, undefined, [], "tok", "cognito:username");
    expect(h["x-auth-email"] !== undefined).toBe(sent);
    if (sent) expect(h["x-auth-email"]).toBe("u@example.com");
  });
});

describe("x-auth-user only when it is not an unverified e-mail or phone number (usernameClaim)", () => {
  const id = (o: Record<string, unknown>) => ({ sub: "s-1", "cognito:username": "jane", preferred_username: "jd", email: "jane@example.com", phone_number: "+15550100", ...o }) as never;
  it.each<[string, Record<string, unknown>, string | undefined]>([
    ["email", { email_verified: true }, "jane@example.com"],
    ["email", { email_verified: "true" }, "jane@example.com"],
    ["email", { email_verified: false }, undefined],
    ["email", { email_verified: "false" }, undefined],
    ["email", { email_verified: 1 }, undefined],
    ["email", {}, undefined],
    ["email", { email_verified: true, phone_number_verified: false }, "jane@example.com"],
    ["phone_number", { phone_number_verified: true }, "+15550100"],
    ["phone_number", { phone_number_verified: "true" }, "+15550100"],
    ["phone_number", { phone_number_verified: false, email_verified: true }, undefined],
    ["phone_number", {}, undefined],
    ["cognito:username", { email_verified: false }, "jane"],
    ["preferred_username", { email_verified: false }, "jd"],
    ["sub", {}, "s-1"],
  ])("usernameClaim %s with %j → x-auth-user %s", (claim, o, expected) => {
    const claims = id(o);
    const username = String((claims as Record<string, unknown>)[claim]);
    expect(forwardedUsername(claims, username, claim)).toBe(expected);
    const h = identityHeaders(claims, username, [], "tok", claim);
    expect(h["x-auth-user"]).toBe(expected === undefined ? undefined : encodeIdentityValue(expected));
  });

  it("a username that did not come from the unverified claim (the claim absent: sub instead) is forwarded", () => {
    expect(forwardedUsername({ sub: "s-1" } as never, "s-1", "email")).toBe("s-1");
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ["email", { email_verified: true }, true],
    ["email", { email_verified: false }, false],
    ["phone_number", { phone_number_verified: "true" }, true],
    ["phone_number", { phone_number_verified: "yes" }, false],
    ["name", {}, true],
  ])("isVerifiedIdentity(%s, %j) → %s", (claim, o, ok) => {
    expect(isVerifiedIdentity(o as never, claim)).toBe(ok);
  });
});

describe("look-alike header names are ours too", () => {
  it.each([
    ["x-auth-user", true],
    ["X-Auth-User", true],
    ["x_auth_user", true],
    ["X_Auth_Groups", true],
    ["x-auth_groups", true],
    ["x-auth-anything", true],
    ["x_auth-id-token", true],
    ["x-authorization", false],
    ["authorization", false],
    ["x-forwarded-for", false],
  ])("%s → %s", (name, ours) => {
    expect(isIdentityHeaderName(name)).toBe(ours);
  });
});
