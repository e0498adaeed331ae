import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DEFAULT_PATHS } from "../../../shared/config/types";
import { MAX_RETURN_PATH, isOwnEndpoint, isSafeReturnPath, requestedPath, safeReturnPath, siteOrigin } from "../../../shared/viewer/redirect";
import { edgeRequest } from "../../helpers/harness";
import { cases } from "../../helpers/cases";

/** Where a browser would go with this Location, resolved against our origin. */
const resolvedHost = (p: string) => new URL(p, "https://site.example.com").host;

describe("isSafeReturnPath", () => {
  it.each([
    "/",
    "/docs/a.html",
    "/docs/?q=1&r=2",
    "/search?q=%2F%2Fevil.com",
    "/%E2%9C%93/caf%C3%A9?x=%F0%9F%98%80",
    "/a//b",
    "/a/../b",
    "/@evil.com",
    "/:evil",
    "/a?next=https://evil.com",
  ])("safe: %s", (p) => {
    expect(isSafeReturnPath(p)).toBe(true);
    expect(resolvedHost(p)).toBe("site.example.com");
  });

  it.each([
    "",
    "//evil.com",
    "//evil.com/path",
    "/\\evil.com",
    "\\\\evil.com",
    "/%2F%2Fevil.com",
    "/%2f/evil.com",
    "/%5Cevil.com",
    "/%5c%5cevil.com",
    "https://evil.com",
    "http://evil.com/",
    "javascript:alert(1)",
    "data:text/html,<script>",
    "\t/evil",
    "evil.com",
    "./x",
    `/${"a".repeat(MAX_RETURN_PATH)}`,
  ])("unsafe: %j", (p) => {
    expect(isSafeReturnPath(p)).toBe(false);
    expect(safeReturnPath(p, DEFAULT_PATHS)).toBe("/");
  });

  it.each([
    ["/\t/evil.com", "/%09/evil.com"],
    ["/ /evil.com", "/%20/evil.com"],
    ["/\r\nSet-Cookie: x=1", "/%0D%0ASet-Cookie:%20x=1"],
    ["/a\nb", "/a%0Ab"],
    ["/a\u0000", "/a%00"],
    ["/a\u007f", "/a%7F"],
    ["/a b", "/a%20b"],
    ["/a\\b", "/a%5Cb"],
    ["/d\u00e9/\u{1F680}", "/d%C3%A9/%F0%9F%9A%80"],
    ["/lone\ud800", "/lone%EF%BF%BD"],
  ])("characters that may not stand raw in a Location are percent-encoded, on our host: %j", (p, expected) => {
    expect(isSafeReturnPath(p)).toBe(false);
    expect(safeReturnPath(p, DEFAULT_PATHS)).toBe(expected);
    expect(resolvedHost(safeReturnPath(p, DEFAULT_PATHS))).toBe("site.example.com");
  });

  it("safeReturnPath keeps a safe path exactly, unicode-encoded included", () => {
    const p = "/caf%C3%A9/%E2%9C%93?q=%F0%9F%98%80&x=1";
    expect(safeReturnPath(p, DEFAULT_PATHS)).toBe(p);
    expect(safeReturnPath(undefined, DEFAULT_PATHS)).toBe("/");
  });

  it.each<[string, string]>([
    [`/ok?${"x".repeat(MAX_RETURN_PATH)}`, "/ok"],
    [`/ok?q=${"\u00e9".repeat(MAX_RETURN_PATH / 4)}`, "/ok"],
    [`//evil.com?${"x".repeat(MAX_RETURN_PATH)}`, "/"],
    [`/${"y".repeat(MAX_RETURN_PATH)}?q=1`, "/"],
  ])("safeReturnPath falls back to the bare path when the query makes it too long, as requestedPath does: %#", (p, expected) => {
    expect(safeReturnPath(p, DEFAULT_PATHS)).toBe(expected);
    const q = p.indexOf("?");
    expect(requestedPath({ uri: p.slice(0, q), querystring: p.slice(q + 1) }, DEFAULT_PATHS)).toBe(expected);
  });

  it("property: whatever passes stays on our host", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        for (const p of [s, `/${s}`, `//${s}`, `/\\${s}`]) if (isSafeReturnPath(p)) expect(resolvedHost(p)).toBe("site.example.com");
      }),
      { numRuns: 1000 },
    );
  });
});

describe("requestedPath", () => {
  cases("%s ? %s → %s", (uri: string, querystring: string) => requestedPath({ uri, querystring }, DEFAULT_PATHS), [
    ["/docs/a.html", "", "/docs/a.html"],
    ["/docs/a.html", "q=1&r=%2F", "/docs/a.html?q=1&r=%2F"],
    ["/caf%C3%A9", "x=%E2%9C%93", "/caf%C3%A9?x=%E2%9C%93"],
    ["//evil.com", "", "/"],
    ["/\\evil.com", "", "/"],
    ["/%2F%2Fevil.com", "", "/"],
    ["/ok", "a=b c", "/ok?a=b%20c"],
    ["/ok", "a=\r\n", "/ok?a=%0D%0A"],
    ["/search", "path=C:\\docs\\a.txt", "/search?path=C:%5Cdocs%5Ca.txt"],
    ["/docs/\u65e5\u672c", "x=\u00e9", "/docs/%E6%97%A5%E6%9C%AC?x=%C3%A9"],
    ["/ok", "x".repeat(MAX_RETURN_PATH), "/ok"],
    [`/${"y".repeat(MAX_RETURN_PATH)}`, "", "/"],
  ]);
});

describe("a return path to one of our own endpoints becomes /", () => {
  const custom = { callback: "/auth/Callback", refresh: "/auth/refresh", signIn: "/auth/in", signOut: "/auth/out" };
  it.each<[string, typeof DEFAULT_PATHS | typeof custom, boolean]>([
    ["/parseauth", DEFAULT_PATHS, true],
    ["/parseauth?code=x&state=y", DEFAULT_PATHS, true],
    ["/refreshauth?return=/refreshauth?return=/x", DEFAULT_PATHS, true],
    ["/refreshauth?return=%2Frefreshauth", DEFAULT_PATHS, true],
    ["/signin?return=/signin", DEFAULT_PATHS, true],
    ["/signout", DEFAULT_PATHS, true],
    ["/SignIn", DEFAULT_PATHS, true],
    ["/REFRESHAUTH", DEFAULT_PATHS, true],
    ["/refreshauth/", DEFAULT_PATHS, true],
    ["/refreshauth;x=1", DEFAULT_PATHS, true],
    ["/%72efreshauth", DEFAULT_PATHS, true],
    ["/%52EFRESHAUTH", DEFAULT_PATHS, true],
    ["/docs/../signin", DEFAULT_PATHS, true],
    ["/docs/%2e%2e/parseauth", DEFAULT_PATHS, true],
    ["/./signout#x", DEFAULT_PATHS, true],
    ["/auth/callback", custom, true],
    ["/AUTH/IN?return=/", custom, true],
    ["/parseauth", custom, false],
    ["/", DEFAULT_PATHS, false],
    ["/signin-help", DEFAULT_PATHS, false],
    ["/docs/signin", DEFAULT_PATHS, false],
    ["/refreshauth/x", DEFAULT_PATHS, false],
    ["/search?q=/signin", DEFAULT_PATHS, false],
    ["/%ZZ/signin", DEFAULT_PATHS, false],
  ])("%s → ours: %s", (p, paths, ours) => {
    expect(isOwnEndpoint(p, paths)).toBe(ours);
    expect(safeReturnPath(p, paths)).toBe(ours ? "/" : p);
    const q = p.indexOf("?");
    const uri = q === -1 ? p : p.slice(0, q);
    if (!uri.includes("#")) expect(requestedPath({ uri, querystring: q === -1 ? "" : p.slice(q + 1) }, paths)).toBe(ours ? "/" : p);
  });
});

describe("siteOrigin", () => {
  it.each<[Record<string, string>, string | undefined]>([
    [{ host: "d111.cloudfront.net" }, "https://d111.cloudfront.net"],
    [{ host: "WWW.Example.COM" }, "https://www.example.com"],
    [{ host: "example.com:8443" }, "https://example.com:8443"],
    [{ host: "localhost:3000", "cloudfront-forwarded-proto": "http" }, "http://localhost:3000"],
    [{ host: "example.com", "cloudfront-forwarded-proto": "https" }, "https://example.com"],
    [{ host: "example.com", "cloudfront-forwarded-proto": "HTTP" }, "https://example.com"],
    [{ host: "example.com", "cloudfront-forwarded-proto": "gopher" }, "https://example.com"],
    [{ host: "[::1]:8080" }, "https://[::1]:8080"],
    [{ host: "127.0.0.1" }, "https://127.0.0.1"],
    [{ host: "" }, undefined],
    [{ host: "evil.com/path" }, undefined],
    [{ host: "evil.com@good.com" }, undefined],
    [{ host: "evil.com\r\nx: y" }, undefined],
    [{ host: "a b" }, undefined],
    [{ host: "evil.com:port" }, undefined],
    [{ host: `${"a".repeat(63)}.`.repeat(5) }, undefined],
    [{ host: "-bad.com" }, undefined],
    [{ host: "évil.com" }, undefined],
  ])("%j → %s", (headers, expected) => {
    const req = edgeRequest({ headers });
    expect(siteOrigin(req)).toBe(expected);
  });

  it("several Host headers (joined) are refused", () => {
    const req = edgeRequest();
    const twice = { ...req, header: (n: string) => (n === "host" ? "a.com, evil.com" : req.header(n)) };
    expect(siteOrigin(twice)).toBeUndefined();
  });
});
