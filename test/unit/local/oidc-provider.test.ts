/**
 * The local OpenID Connect provider's accounts (local/oidc-provider.ts): who may sign in with which password, and the
 * claims the provider knows of them (the flows themselves run in Chromium: test/e2e/oidc-provider.test.ts).
 */
import { describe, expect, it } from "vitest";
import { checkPassword, claimsOf, subjectOf } from "../../../local/oidc-provider";
import { DEMO_USERS } from "../../../local/seed";

const [demo, admin] = DEMO_USERS;

describe("local OIDC provider accounts", () => {
  it.each<[string, string, string | undefined]>([
    [demo!.email, demo!.password, demo!.email],
    ["  DEMO@example.com ", demo!.password, demo!.email],
    [admin!.email, admin!.password, admin!.email],
    [demo!.email, admin!.password, undefined],
    [demo!.email, demo!.password.toLowerCase(), undefined],
    [demo!.email, `${demo!.password} `, undefined],
    [demo!.email, "", undefined],
    ["nobody@example.com", demo!.password, undefined],
    ["", "", undefined],
  ])("%j with %j → %s", (email, password, expected) => {
    expect(checkPassword(DEMO_USERS, email, password)?.email).toBe(expected);
  });

  it("the subject is stable, differs per user, and is not the e-mail address", () => {
    expect(subjectOf(demo!.email)).toBe(subjectOf(demo!.email.toUpperCase()));
    expect(subjectOf(demo!.email)).not.toBe(subjectOf(admin!.email));
    expect(subjectOf(demo!.email)).toMatch(/^[0-9a-f]{24}$/);
  });

  it("claims: a verified e-mail, the username the edge reads (preferred_username) and the groups", () => {
    expect(claimsOf(admin!)).toEqual({
      sub: subjectOf(admin!.email),
      email: admin!.email,
      email_verified: true,
      preferred_username: admin!.email,
      name: "admin",
      groups: ["admins"],
    });
  });
});
