import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeCookieName, parseCookieHeader, readName, serializeCookie } from "../../../shared/edge/cookie-codec";
import { tokenCookieName } from "../../../shared/edge/session-store";
import { parseSetCookie, cookieHeaderOf } from "../../helpers/harness";

describe("encodeCookieName round-trips usernames", () => {
  it.each([
    "user+tag@example.com",
    "a.b@c.d",
    "plain",
    "Ünïcødé-用户",
    "emoji😀",
    "100%",
    "a%41b",
    "%25",
    "(paren)",
    "semi;colon",
    "eq=uals",
    "space d",
    "comma,quote\"",
    "back\\slash",
  ])("%s", (username) => {
    const name = tokenCookieName("client1", username, "idToken");
    const encoded = encodeCookieName(name);
    expect(encoded).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
    const back = parseCookieHeader(`${encoded}=value; other=1`).cookies;
    expect(back.get(name)).toBe("value");
  });

  it("encodes @ and keeps + (js-cookie)", () => {
    expect(encodeCookieName("user+tag@example.com")).toBe("user+tag%40example.com");
  });

  it("property: any username round-trips through a Set-Cookie and back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 64 }), (username) => {
        const name = tokenCookieName("client1", username, "refreshToken");
        const sc = serializeCookie(name, "v", { maxAge: 60, httpOnly: true, sameSite: "Lax" });
        expect(parseCookieHeader(cookieHeaderOf([sc])).cookies.get(name)).toBe("v");
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseCookieHeader never throws on malformed headers", () => {
  it.each([
    "",
    ";",
    ";;;;",
    "=",
    "=value",
    "name",
    "name=",
    "a=1; a=2",
    "a=%ZZ",
    "%ZZ=1",
    "%E0%A4%A=1",
    'a="quoted"',
    "a=1;b=2;;c",
    "\u0000=\u0000",
    "a=\r\nb=2",
    "😀=😀",
    "a".repeat(100_000),
    "x=1; ".repeat(5_000),
    "__proto__=1; constructor=2; hasOwnProperty=3",
  ])("%j", (header) => {
    expect(() => parseCookieHeader(header).cookies).not.toThrow();
    expect(parseCookieHeader(header).cookies).toBeInstanceOf(Map);
  });

  it("the first of repeated names wins", () => {
    expect(parseCookieHeader("a=1; a=2").cookies.get("a")).toBe("1");
  });

  it("__proto__ is just a name", () => {
    const m = parseCookieHeader("__proto__=x").cookies;
    expect(m.get("__proto__")).toBe("x");
  });

  it("property: arbitrary strings never throw", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 500 }), (h) => void parseCookieHeader(h).cookies), { numRuns: 500 });
  });
});

describe("serializeCookie", () => {
  it("Secure; HttpOnly; SameSite; Path=/; Max-Age floored and never negative; Domain only when given", () => {
    const c = parseSetCookie(serializeCookie("n", "v", { maxAge: 10.9, httpOnly: true, sameSite: "Strict" }));
    expect(c.attrs).toMatchObject({ secure: true, httponly: true, samesite: "Strict", path: "/", "max-age": "10" });
    expect(c.attrs.domain).toBeUndefined();
    expect(parseSetCookie(serializeCookie("n", "v", { maxAge: -5, httpOnly: false, sameSite: "Lax", domain: "example.com" })).attrs).toMatchObject({ "max-age": "0", domain: "example.com" });
  });
});

describe("names are read exactly as sent, except Amplify's (issue 17)", () => {
  it.each([
    ["%5F%5FHost-edgeauth-signin.AAAAAAAAAAAAAAAAAAAAAA", "%5F%5FHost-edgeauth-signin.AAAAAAAAAAAAAAAAAAAAAA"],
    ["%5f%5fHost-edgeauth-signedin", "%5f%5fHost-edgeauth-signedin"],
    ["edgeauth%2Dsession", "edgeauth%2Dsession"],
    ["CognitoIdentityServiceProvider.c1.a%40b.c.idToken", "CognitoIdentityServiceProvider.c1.a@b.c.idToken"],
    ["%43ognitoIdentityServiceProvider.c1.u.idToken", "CognitoIdentityServiceProvider.c1.u.idToken"],
    ["CognitoIdentityServiceProvider.c1.%ZZ.idToken", "CognitoIdentityServiceProvider.c1.%ZZ.idToken"],
  ])("%s → %s", (sent, read) => {
    expect(readName(sent)).toBe(read);
    expect([...parseCookieHeader(`${sent}=v`).cookies.keys()]).toEqual([read]);
  });
});

describe("parseCookieHeader: repeated names", () => {
  it.each<[string, string, string[]]>([
    ["none repeated", "a=1; b=2", []],
    ["the same name twice", "a=1; a=2", ["a"]],
    ["three times, spaces around", " a=1 ;a=2;  a =3", ["a"]],
    ["an Amplify name sent encoded and plain", "CognitoIdentityServiceProvider.c.a%40b.idToken=1; CognitoIdentityServiceProvider.c.a@b.idToken=2", ["CognitoIdentityServiceProvider.c.a@b.idToken"]],
    ["our name and its encoded look-alike are two names", "__Host-edgeauth-session=1; %5F%5FHost-edgeauth-session=2", []],
    ["a pair without = is no cookie", "a; a=1", []],
  ])("%s", (_, header, repeated) => {
    const parsed = parseCookieHeader(header);
    expect([...parsed.repeated]).toEqual(repeated);
    // The first value is kept; the store decides what a repeat means.
    for (const n of repeated) expect(parsed.cookies.has(n)).toBe(true);
  });
});
