import { describe, expect, it } from "vitest";
import { constantTimeEqual, idTokenHash, macOf, openSession, sealSession } from "../../../shared/viewer/session-cookie";
import type { SessionClaims } from "../../../shared/viewer/session-cookie";

const KEY = "k".repeat(43);
const NOW = 2_000_000_000;
const claims = (o: Partial<SessionClaims> = {}): SessionClaims => ({ c: "client", s: "sub", u: "jane", g: ["a", "b,c"], x: NOW + 60, h: "h".repeat(22), ...o });

describe("session cookie", () => {
  it("round-trips, with every claim", () => {
    const c = claims({ e: "jane@example.com", gt: 1 });
    expect(openSession(sealSession(c, KEY), KEY, "client", NOW, undefined)).toEqual({ ok: true, session: c });
  });

  it("is base64url payload and MAC, nothing a cookie would need to escape", () => {
    expect(sealSession(claims({ u: "jürgen; x=1" }), KEY)).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  const sealed = sealSession(claims(), KEY);
  const [payload, mac] = sealed.split(".") as [string, string];
  it.each<[string, string | undefined, string, string, number, string]>([
    ["absent", undefined, KEY, "client", NOW, "malformed"],
    ["another key", sealed, "z".repeat(43), "client", NOW, "bad-mac"],
    ["a short key is refused outright", sealed, "short", "client", NOW, "malformed"],
    ["another client", sealed, KEY, "other", NOW, "other-client"],
    ["expired (exactly)", sealed, KEY, "client", NOW + 60, "expired"],
    ["expired (later)", sealed, KEY, "client", NOW + 3600, "expired"],
    ["payload swapped", `${Buffer.from(JSON.stringify(claims({ g: ["admins"] }))).toString("base64url")}.${mac}`, KEY, "client", NOW, "bad-mac"],
    ["MAC cut", `${payload}.${mac.slice(0, 20)}`, KEY, "client", NOW, "bad-mac"],
    ["no dot", payload, KEY, "client", NOW, "malformed"],
    ["empty payload", `.${mac}`, KEY, "client", NOW, "malformed"],
    ["not base64url", `${payload}!.${mac}`, KEY, "client", NOW, "malformed"],
    ["huge", `${"a".repeat(5000)}.${mac}`, KEY, "client", NOW, "malformed"],
  ])("%s → %s", (_, value, key, client, now, why) => {
    expect(openSession(value, key, client, now, undefined)).toEqual({ ok: false, why });
  });

  it.each(["not json", "null", "[]", '{"c":"client"}', '{"c":"client","s":"s","u":"u","x":"9999999999","g":[],"h":""}', '{"c":"client","s":"s","u":"u","x":9999999999,"g":[1]}'])(
    "a correctly MACed payload that is not a session (%s) is malformed",
    (json) => {
      const p = Buffer.from(json).toString("base64url");
      // MACed with the right key, as only the key holder could.
      expect(openSession(`${p}.${macOf(p, KEY)}`, KEY, "client", NOW, undefined)).toEqual({ ok: false, why: "malformed" });
    },
  );

  it("constantTimeEqual", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "ab")).toBe(false);
  });

  it("idTokenHash: 22 base64url characters, different tokens differ", () => {
    expect(idTokenHash("a")).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(idTokenHash("a")).not.toBe(idTokenHash("b"));
  });
});

describe("session cookie: sealed under the rules of now (r, the rules' fingerprint)", () => {
  it.each<[string, string | undefined, string | undefined, boolean]>([
    ["the same fingerprint", "abcdefgh", "abcdefgh", true],
    ["no rules then, none now", undefined, undefined, true],
    ["other rules", "abcdefgh", "zyxwvuts", false],
    ["no fingerprint (sealed without rules), rules now", undefined, "abcdefgh", false],
    ["a fingerprint, no rules now", "abcdefgh", undefined, false],
  ])("%s → ok %s", (_, sealedUnder, now, ok) => {
    const c = claims(sealedUnder === undefined ? {} : { r: sealedUnder });
    expect(openSession(sealSession(c, KEY), KEY, "client", NOW, now)).toEqual(ok ? { ok: true, session: c } : { ok: false, why: "expired" });
  });
});
