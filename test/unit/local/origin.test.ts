/**
 * The local stack's pieces that need no network: the S3-like origin, the check CloudFront makes of a function's
 * result, and the local CloudFront's redirect to its one host name (also tried on a loopback port).
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { request } from "node:http";
import { canonicalHostRedirect, resultProblems, startLocalCloudFront, toCloudFrontHeaders } from "../../../local/cloudfront";
import { WHOAMI_PATH, contentType, createOrigin } from "../../../local/origin";
import type { LocalStackAbout } from "../../../local/origin";
import { cases } from "../../helpers/cases";

const site = resolve(__dirname, "..", "..", "..", "site");
const origin = createOrigin(site);
const get = (uri: string, headers: Record<string, string> = {}) => origin({ method: "GET", uri, querystring: "", headers });

describe("local origin", () => {
  it.each([
    ["/", "site/index.html", "text/html; charset=utf-8"],
    ["/index.html", "site/index.html", "text/html; charset=utf-8"],
    ["/public/", "site/public/index.html", "text/html; charset=utf-8"],
    ["/public/style.css", "site/public/style.css", "text/css; charset=utf-8"],
    ["/public/logo.png", "site/public/logo.png", "image/png"],
    ["/favicon.ico", "site/favicon.ico", "image/x-icon"],
  ])("%s serves %s as %s, bytes intact", async (uri, file, type) => {
    const res = await get(uri);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(type);
    expect(res.body.equals(readFileSync(join(site, "..", file)))).toBe(true);
  });

  it.each(["/nope.html", "/public/../../package.json", "/%2e%2e/package.json", "/..%2fpackage.json", "/admin"])("%s is not served", async (uri) => {
    const res = await get(uri);
    expect([403, 404]).toContain(res.status);
    expect(res.body.toString()).not.toContain('"name"');
  });

  it("decodes percent-encoded keys like S3", async () => {
    const dir = mkdtempSync(join(tmpdir(), "origin-"));
    mkdirSync(join(dir, "päth"));
    writeFileSync(join(dir, "päth", "index.html"), "ü");
    const res = await createOrigin(dir)({ method: "GET", uri: "/p%C3%A4th/index.html", querystring: "", headers: {} });
    expect([res.status, res.body.toString()]).toEqual([200, "ü"]);
  });

  it("serves a mounted folder under its prefix, and nothing outside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "origin-mount-"));
    writeFileSync(join(dir, "index.html"), "spa");
    writeFileSync(join(dir, "app.js"), "js");
    const mounted = createOrigin(site, { "/spa/": dir, "/public/spa/": dir });
    const at = async (uri: string) => {
      const res = await mounted({ method: "GET", uri, querystring: "", headers: {} });
      return [res.status, res.status === 200 ? res.body.toString() : ""];
    };
    expect(await at("/spa/")).toEqual([200, "spa"]);
    expect(await at("/public/spa/app.js")).toEqual([200, "js"]);
    for (const uri of ["/spa/../index.html", "/spa/%2e%2e/index.html", "/spa/..%2findex.html", "/spa/nope.js"]) expect((await at(uri))[0]).not.toBe(200);
    expect((await at("/public/")).at(0)).toBe(200);
    expect(() => createOrigin(site, { "/spa": dir })).toThrow(/start and end with \//);
  });

  it("the demo endpoint returns the forwarded identity and the id token's claims", async () => {
    const token = `e30.${Buffer.from(JSON.stringify({ sub: "u1", email: "a@b.c" })).toString("base64url")}.sig`;
    const res = await get(WHOAMI_PATH, { "x-auth-user": "u1", "x-auth-id-token": token, cookie: "secret=1" });
    const body = JSON.parse(res.body.toString()) as Record<string, unknown>;
    expect(body).toMatchObject({ signedIn: true, identityHeaders: { "x-auth-user": "u1" }, claims: { sub: "u1", email: "a@b.c" } });
    expect(res.body.toString()).not.toContain(token);
    expect(res.body.toString()).not.toContain("secret");
    const anonymous = JSON.parse((await get(WHOAMI_PATH)).body.toString()) as Record<string, unknown>;
    expect(anonymous).toMatchObject({ signedIn: false, claims: null });
  });

  it.each<[LocalStackAbout]>([
    [{ hotPath: "lambda-edge", provider: "cognito", mode: "static" }],
    [{ hotPath: "cloudfront-function", provider: "oidc", mode: "static" }],
    [{ hotPath: "lambda-edge", provider: "cognito", mode: "spa" }],
  ])("the demo endpoint says what the local stack runs (%o), for the sample site to name it", async (about) => {
    const res = await createOrigin(site, {}, about)({ method: "GET", uri: WHOAMI_PATH, querystring: "", headers: {} });
    expect((JSON.parse(res.body.toString()) as Record<string, unknown>).localStack).toEqual(about);
  });

  it("an origin not told what runs says nothing about it", async () => {
    expect(JSON.parse((await get(WHOAMI_PATH)).body.toString())).not.toHaveProperty("localStack");
  });

  it("unknown extensions are binary", () => {
    expect(contentType("/x.bin")).toBe("application/octet-stream");
  });
});

describe("local CloudFront", () => {
  it("groups repeated headers under the lower-case name, keeping the sent casing", () => {
    expect(toCloudFrontHeaders(["Host", "a", "Cookie", "x=1", "cookie", "y=2"])).toEqual({
      host: [{ key: "Host", value: "a" }],
      cookie: [
        { key: "Cookie", value: "x=1" },
        { key: "cookie", value: "y=2" },
      ],
    });
  });

  it.each([
    [{ status: "302", headers: { location: [{ key: "Location", value: "/" }] } }, true, []],
    [{ status: "200", headers: { Location: [{ key: "Location", value: "/" }] } }, true, ["header Location: name must be lower-case"]],
    [{ status: "200", headers: { location: [{ key: "Set-Cookie", value: "/" }] } }, true, ["header location: key Set-Cookie does not match"]],
    [{ status: "abc" }, true, ["status abc is not valid"]],
    [{ status: "200", body: "x".repeat(41 * 1024) }, true, ["generated body is over 40 KB"]],
    [{ uri: "/", headers: {} }, false, []],
    [null, false, ["result is not an object"]],
  ])("result %#", (result, generated, problems) => {
    expect(resultProblems(result, generated)).toEqual(problems);
  });

  cases("Host %s, %s → %s", (host: string | undefined, url: string) => canonicalHostRedirect(host, url, "http://localhost:3000"), [
    ["127.0.0.1:3000", "/", "http://localhost:3000/"],
    ["127.0.0.1:3000", "/deep/p%C3%A4th/?q=%C3%BC&x=1", "http://localhost:3000/deep/p%C3%A4th/?q=%C3%BC&x=1"],
    ["[::1]:3000", "/parseauth?code=c&state=s", "http://localhost:3000/parseauth?code=c&state=s"],
    ["[::1]:3000", "//evil.example/", "http://localhost:3000//evil.example/"],
    ["127.0.0.1:3000", "http://evil.example/", "http://localhost:3000/"],
    ["localhost:3000", "/", undefined],
    ["LOCALHOST:3000", "/", undefined],
    ["127.0.0.1:3001", "/", undefined],
    ["127.0.0.1", "/", undefined],
    ["example.com:3000", "/", undefined],
    [undefined, "/", undefined],
  ]);

  cases("with two sites (canonical site-a.localhost): Host %s, %s → %s", (host: string | undefined, url: string) => canonicalHostRedirect(host, url, "http://site-a.localhost:3000"), [
    ["localhost:3000", "/admin/?x=1", "http://site-a.localhost:3000/admin/?x=1"],
    ["LocalHost:3000", "/", "http://site-a.localhost:3000/"],
    ["127.0.0.1:3000", "/parseauth?code=c", "http://site-a.localhost:3000/parseauth?code=c"],
    ["[::1]:3000", "/", "http://site-a.localhost:3000/"],
    // The sites' own names, and other names, reach the functions (which answer 421 for a host no site names).
    ["site-a.localhost:3000", "/", undefined],
    ["site-b.localhost:3000", "/", undefined],
    ["other.localhost:3000", "/", undefined],
    ["localhost:3001", "/", undefined],
  ]);

  it("redirects 127.0.0.1 to localhost before any function runs (even while still starting)", async () => {
    const cf = await startLocalCloudFront({ port: 0, origin: async () => ({ status: 200, headers: {}, body: Buffer.from("origin") }), log: () => {} });
    const get = (host: string, path: string, method = "GET") =>
      new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
        const req = request({ host: "localhost", port: cf.port, path, method, headers: { host } }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      expect(await get(`127.0.0.1:${cf.port}`, "/a?b=1")).toEqual({ status: 307, location: `http://localhost:${cf.port}/a?b=1` });
      expect(await get(`[::1]:${cf.port}`, "/signout", "POST")).toEqual({ status: 307, location: `http://localhost:${cf.port}/signout` });
      // The canonical host reaches the (not yet installed) functions.
      expect(await get(`localhost:${cf.port}`, "/a?b=1")).toEqual({ status: 503, location: undefined });
    } finally {
      await cf.stop();
    }
  });
});
