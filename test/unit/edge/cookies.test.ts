import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  CHUNK_SIZE,
  cookieWriter,
  encodeCookieName,
  lastAuthUserName,
  ownCookieNames,
  parseCookies,
  readChunked,
  signInCookie,
  tokenCookieName,
} from "../../../shared/edge/cookies";
import type { CookieSettings } from "../../../shared/config/edge";
import { parseSetCookie } from "../../helpers/harness";

const LAX: CookieSettings = { sameSite: "Lax", refreshTokenMaxAge: 30 * 24 * 3600 };

/** Set-Cookie values → the Cookie header a browser would send back. */
const cookieHeaderOf = (setCookies: string[]) =>
  setCookies
    .map(parseSetCookie)
    .filter((c) => c.attrs["max-age"] !== "0")
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");

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
    const back = parseCookies(`${encoded}=value; other=1`);
    expect(back.get(name)).toBe("value");
  });

  it("encodes @ and keeps + (js-cookie)", () => {
    expect(encodeCookieName("user+tag@example.com")).toBe("user+tag%40example.com");
  });

  it("property: any username round-trips through a Set-Cookie and back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 64 }), (username) => {
        const name = tokenCookieName("client1", username, "refreshToken");
        const sc = cookieWriter(LAX).set(name, "v", { maxAge: 60, httpOnly: true });
        expect(parseCookies(cookieHeaderOf(sc)).get(name)).toBe("v");
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseCookies never throws on malformed headers", () => {
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
    expect(() => parseCookies(header)).not.toThrow();
    expect(parseCookies(header)).toBeInstanceOf(Map);
  });

  it("the first of repeated names wins", () => {
    expect(parseCookies("a=1; a=2").get("a")).toBe("1");
  });

  it("__proto__ is just a name", () => {
    const m = parseCookies("__proto__=x");
    expect(m.get("__proto__")).toBe("x");
  });

  it("property: arbitrary strings never throw", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 500 }), (h) => void parseCookies(h)), { numRuns: 500 });
  });
});

describe("chunking of big values", () => {
  const name = tokenCookieName("client1", "user+tag@example.com", "idToken");
  const big = "eyJ".padEnd(9_000, "abcdefghijKLMNOP0123456789-_");

  it("a small value is one cookie", () => {
    const sc = cookieWriter(LAX).set(name, "small", { maxAge: 60, httpOnly: true });
    expect(sc).toHaveLength(1);
  });

  it("a value over the chunk size is split, every Set-Cookie fits in 4096 bytes, and reassembles", () => {
    const sc = cookieWriter(LAX).set(name, big, { maxAge: 60, httpOnly: true });
    expect(sc.length).toBeGreaterThan(2);
    for (const c of sc) {
      expect(Buffer.byteLength(c.split(";")[0]!)).toBeLessThanOrEqual(4096);
      expect(Buffer.byteLength(c.split(";")[0]!)).toBeLessThanOrEqual(CHUNK_SIZE);
    }
    expect(readChunked(parseCookies(cookieHeaderOf(sc)), name)).toBe(big);
  });

  it("going from chunked to whole expires the stale chunks; from whole to chunked expires the whole one", () => {
    const w = cookieWriter(LAX);
    const chunked = parseCookies(cookieHeaderOf(w.set(name, big, { maxAge: 60, httpOnly: true })));
    const small = w.set(name, "small", { maxAge: 60, httpOnly: true, existing: chunked });
    const expired = small.map(parseSetCookie).filter((c) => c.attrs["max-age"] === "0").map((c) => c.name);
    expect(expired.length).toBe([...chunked.keys()].length);
    const whole = parseCookies(`${encodeCookieName(name)}=small`);
    const again = w.set(name, big, { maxAge: 60, httpOnly: true, existing: whole }).map(parseSetCookie);
    expect(again.some((c) => c.name === encodeCookieName(name) && c.attrs["max-age"] === "0")).toBe(true);
  });

  it("readChunked: whole cookie wins; missing → undefined; gap ends the value", () => {
    expect(readChunked(new Map([["n", "whole"], ["n.0", "x"]]), "n")).toBe("whole");
    expect(readChunked(new Map(), "n")).toBeUndefined();
    expect(readChunked(new Map([["n.0", "a"], ["n.1", "b"], ["n.3", "d"]]), "n")).toBe("ab");
  });
});

describe("cookieWriter attributes", () => {
  it("Secure; HttpOnly; SameSite=Lax; Path=/; Max-Age", () => {
    const c = parseSetCookie(cookieWriter(LAX).set("n", "v", { maxAge: 3600, httpOnly: true })[0]!);
    expect(c.attrs).toMatchObject({ secure: true, httponly: true, samesite: "Lax", path: "/", "max-age": "3600" });
    expect(c.attrs.domain).toBeUndefined();
  });

  it("not HttpOnly when asked (spa mode), Max-Age floored and never negative", () => {
    const w = cookieWriter(LAX);
    expect(parseSetCookie(w.set("n", "v", { maxAge: 10.9, httpOnly: false })[0]!).attrs).toMatchObject({ "max-age": "10" });
    expect(parseSetCookie(w.set("n", "v", { maxAge: 10, httpOnly: false })[0]!).attrs.httponly).toBeUndefined();
    expect(parseSetCookie(w.set("n", "v", { maxAge: -5, httpOnly: true })[0]!).attrs["max-age"]).toBe("0");
  });

  it.each<[CookieSettings["sameSite"], string]>([["Lax", "Lax"], ["Strict", "Strict"], ["None", "None"]])("SameSite=%s", (s, out) => {
    expect(parseSetCookie(cookieWriter({ ...LAX, sameSite: s }).expire("n")).attrs.samesite).toBe(out);
  });

  it("Domain when configured", () => {
    expect(parseSetCookie(cookieWriter({ ...LAX, domain: "example.com" }).expire("n")).attrs.domain).toBe("example.com");
  });

  it("expire: empty value, Max-Age=0, same Path and Secure", () => {
    const c = parseSetCookie(cookieWriter(LAX).expire("CognitoIdentityServiceProvider.c.a@b.idToken"));
    expect(c.value).toBe("");
    expect(c.attrs).toMatchObject({ "max-age": "0", path: "/", secure: true });
  });

  it("sign-in cookies are always Lax, HttpOnly, Secure even when the site uses Strict", () => {
    const c = parseSetCookie(signInCookie({ ...LAX, sameSite: "Strict" }, "edgeauth-signin.x", "v", 900));
    expect(c.attrs).toMatchObject({ samesite: "Lax", httponly: true, secure: true, path: "/", "max-age": "900" });
  });
});

describe("names", () => {
  it("Amplify names", () => {
    expect(lastAuthUserName("c1")).toBe("CognitoIdentityServiceProvider.c1.LastAuthUser");
    expect(tokenCookieName("c1", "a@b.c", "accessToken")).toBe("CognitoIdentityServiceProvider.c1.a@b.c.accessToken");
  });

  it("ownCookieNames: this client's Amplify cookies and edgeauth-*, nothing else", () => {
    const m = new Map([
      ["CognitoIdentityServiceProvider.c1.LastAuthUser", "1"],
      ["CognitoIdentityServiceProvider.c1.u.idToken", "1"],
      ["CognitoIdentityServiceProvider.c2.u.idToken", "1"],
      ["edgeauth-signin.AAAAAAAAAAAAAAAAAAAAAA", "1"],
      ["edgeauth-signin.abc", "1"],
      ["edgeauth-signedin", "1"],
      ["edgeauth-anything", "1"],
      ["CognitoIdentityServiceProvider.c1.u.somethingElse", "1"],
      ["_ga", "1"],
    ]);
    // Only names we write: other edgeauth-* or Amplify-looking names are not ours to expire.
    expect(ownCookieNames(m, "c1").sort()).toEqual(
      [
        "CognitoIdentityServiceProvider.c1.LastAuthUser",
        "CognitoIdentityServiceProvider.c1.u.idToken",
        "edgeauth-signedin",
        "edgeauth-signin.AAAAAAAAAAAAAAAAAAAAAA",
      ].sort(),
    );
  });
});
