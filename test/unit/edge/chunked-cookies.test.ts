/** shared/edge/chunked-cookies.ts: big values split within the browser's limit and joined back; the site's attributes. */
import { describe, expect, it } from "vitest";
import type { CookieSettings } from "../../../shared/config/types";
import { encodeCookieName, parseCookieHeader } from "../../../shared/edge/cookie-codec";
import { CHUNK_SIZE, cookieWriter, readChunked } from "../../../shared/edge/chunked-cookies";
import { tokenCookieName } from "../../../shared/viewer/cookie-names";
import { cookieHeaderOf, parseSetCookie } from "../../helpers/harness";

const LAX: CookieSettings = { sameSite: "Lax", refreshTokenMaxAge: 30 * 24 * 3600 };

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
    expect(readChunked(parseCookieHeader(cookieHeaderOf(sc)).cookies, name)).toBe(big);
  });

  it("going from chunked to whole expires the stale chunks; from whole to chunked expires the whole one", () => {
    const w = cookieWriter(LAX);
    const chunked = parseCookieHeader(cookieHeaderOf(w.set(name, big, { maxAge: 60, httpOnly: true }))).cookies;
    const small = w.set(name, "small", { maxAge: 60, httpOnly: true, existing: chunked });
    const expired = small.map(parseSetCookie).filter((c) => c.attrs["max-age"] === "0").map((c) => c.name);
    expect(expired.length).toBe([...chunked.keys()].length);
    const whole = parseCookieHeader(`${encodeCookieName(name)}=small`).cookies;
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

  it("our own cookies are always Lax, HttpOnly, Secure even when the site uses Strict", () => {
    const c = parseSetCookie(cookieWriter({ ...LAX, sameSite: "Strict" }).own("__Host-edgeauth-signin.x", "v", 900));
    expect(c.attrs).toMatchObject({ samesite: "Lax", httponly: true, secure: true, path: "/", "max-age": "900" });
    expect(c.attrs.domain).toBeUndefined();
  });
});
