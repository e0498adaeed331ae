/**
 * Hostile and edge-case input through the BUILT bundles: very long return URLs, unusual characters in claims and
 * cookie names, floods of cookies, malformed URIs, an unreachable JWKS, origin CSPs.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../helpers/cognito-stand-in";
import { header, originResponse, setCookies, viewerRequest } from "../helpers/events";
import { HOST, hostedUi, issuer, makeSite, req, signIn } from "../helpers/site";
import type { Site } from "../helpers/site";
import { sessionCookieHeader } from "../helpers/session";
import { accessClaims, idClaims, makeKey, sign } from "../helpers/tokens";

/** Bytes of a generated response as Lambda@Edge counts them (headers and body). */
function responseBytes(res: Record<string, unknown>): number {
  const headers = (res.headers ?? {}) as Record<string, { key: string; value: string }[]>;
  let n = Buffer.byteLength(String(res.body ?? ""));
  for (const list of Object.values(headers)) for (const h of list) n += h.key.length + h.value.length + 4;
  return n;
}

describe("hardening", () => {
  let site: Site;
  beforeAll(async () => {
    site = await makeSite({ extra: { forwardIdentity: true } });
  }, 120_000);
  afterAll(() => site?.cognito.stop());

  it("signs in and returns to a very long URL (unicode query of ~1,900 characters)", async () => {
    const query = `q=${encodeURIComponent("検索".repeat(100))}&page=2`;
    expect(query.length).toBeGreaterThan(1700);
    const jar = new CookieJar();
    const done = await signIn(site, jar, { uri: "/docs/search", querystring: query });
    expect(done.status).toBe("302");
    expect(header(done, "location")).toBe(`https://${HOST}/docs/search?${query}`);
  });

  it("keeps a raw backslash or non-ASCII character of the query, percent-encoded, instead of dropping the query", async () => {
    const jar = new CookieJar();
    const done = await signIn(site, jar, { uri: "/files", querystring: "path=C:\\docs\\a.txt&name=café" });
    expect(header(done, "location")).toBe(`https://${HOST}/files?path=C:%5Cdocs%5Ca.txt&name=caf%C3%A9`);
  });

  it("forwards identities with emoji and other non-ASCII characters, encoded, without failing", async () => {
    site.cognito.user = { username: "rocket🚀user", email: "jürgen@exämple.org", groups: ["🚀-team", "ops"] };
    try {
      const jar = new CookieJar();
      await signIn(site, jar, { uri: "/" });
      const res = await site.fn.check(req(jar, { uri: "/" }));
      expect(res.status).toBeUndefined();
      const h = res.headers as Record<string, { value: string }[]>;
      expect(h["x-auth-user"]?.[0]?.value).toBe("rocket%F0%9F%9A%80user");
      expect(decodeURIComponent(h["x-auth-groups"]![0]!.value)).toBe("🚀-team,ops");
      for (const list of Object.values(h)) for (const { value } of list) expect(value).toMatch(/^[\x20-\x7e]*$/);
    } finally {
      site.cognito.user = { email: "user@example.com" };
    }
  });

  it("stays under Lambda@Edge's 40 KB response limit when flooded with cookies", async () => {
    const states = Array.from({ length: 600 }, (_, i) => `__Host-edgeauth-signin.${String(i).padStart(22, "A")}=x`);
    const others = Array.from({ length: 600 }, (_, i) => `edgeauth-junk${i}=x`);
    const check = await site.fn.check(viewerRequest({ host: HOST, uri: "/", cookies: [states.join("; ")] }));
    expect(check.status).toBe("302");
    expect(responseBytes(check)).toBeLessThan(40 * 1024);
    const out = await site.fn.signOut(viewerRequest({ host: HOST, uri: "/signout", headers: { "Sec-Fetch-Site": "same-origin" }, cookies: [[...states, ...others].join("; ")] }));
    expect(out.status).toBe("302");
    expect(responseBytes(out)).toBeLessThan(40 * 1024);
  });

  it.each([
    ["a lone surrogate in a cookie name", ["edgeauth-\ud800=1; __Host-edgeauth-signin.\ud800AAAAAAAAAAAAAAAAAAAAA=1"]],
    ["a name of our shape with odd characters", ["CognitoIdentityServiceProvider.x.\ud83d.idToken=1"]],
  ])("never fails on %s", async (_, cookies) => {
    for (const fn of [site.fn.check, site.fn.signOut, site.fn.parse, site.fn.refresh]) {
      const res = await fn(viewerRequest({ host: HOST, uri: "/x", querystring: "code=abc&state=AAAAAAAAAAAAAAAAAAAAAA", cookies }));
      expect(Number(res.status ?? 200)).toBeLessThan(500);
    }
  });

  it.each(["admin/secret.html", "", "*", "http://evil.example/x"])("answers a URI that is not an absolute path (%j) with 400", async (uri) => {
    const res = await site.fn.check(viewerRequest({ host: HOST, uri }));
    expect(res.status).toBe("400");
  });

  it("answers 503 (keeping the cookies) when a token's key cannot be fetched, not a rejection", async () => {
    const rotated = makeKey();
    const iss = site.cognito.opts.issuer;
    const user = { username: "rotation-user", sub: "cccccccc-0000-0000-0000-000000000003" };
    const cookie = sessionCookieHeader(iss.clientId, {
      username: user.username,
      idToken: sign(idClaims(iss, user), rotated),
      accessToken: sign(accessClaims(iss, user), rotated),
    });
    site.cognito.mode = "hang";
    try {
      const res = await site.fn.check(viewerRequest({ host: HOST, uri: "/", cookies: [cookie] }));
      expect(res.status).toBe("503");
      expect(setCookies(res)).toEqual([]);
    } finally {
      site.cognito.mode = "ok";
    }
  });

  it("keeps the origin's own Content-Security-Policy and adds only what it lacks", async () => {
    const res = (await site.fn.headers(
      originResponse({ "content-security-policy": [{ key: "Content-Security-Policy", value: "default-src 'self'; script-src 'self'" }] }),
    )) as { headers: Record<string, { value: string }[]> };
    expect(res.headers["content-security-policy"]?.[0]?.value).toBe("default-src 'self'; script-src 'self'; frame-ancestors 'none'");
    const framed = (await site.fn.headers(
      originResponse({ "content-security-policy": [{ key: "Content-Security-Policy", value: "frame-ancestors https://partner.example" }] }),
    )) as { headers: Record<string, { value: string }[]> };
    expect(framed.headers["content-security-policy"]?.[0]?.value).toBe("frame-ancestors https://partner.example");
  });

  it("a callback whose state cookie is missing but which carries a valid session goes home, not to an error", async () => {
    const jar = new CookieJar();
    const first = await site.fn.check(req(jar, { uri: "/" }));
    jar.apply(setCookies(first));
    const cb = await hostedUi(header(first, "location")!);
    jar.apply(setCookies(await site.fn.parse(req(jar, { uri: cb.pathname, querystring: cb.search.slice(1) }))));
    // The back button brings the same callback URL again: its sign-in is finished and the session is there.
    const stale = await site.fn.parse(req(jar, { uri: cb.pathname, querystring: cb.search.slice(1) }));
    expect(stale.status).toBe("302");
    expect(header(stale, "location")).toBe(`https://${HOST}/`);
  });
});

describe("a flood of forged tokens", () => {
  let site: Site;
  beforeAll(async () => {
    site = await makeSite();
  }, 120_000);
  afterAll(() => site?.cognito.stop());

  /**
   * Runs the built check-auth in a fresh Node process (with --expose-gc) and sends it `count` distinct, well-formed
   * tokens of `size` characters whose signatures are wrong; returns the heap held afterwards beyond the heap
   * held after a first, small round (bytes, after a full garbage collection).
   */
  function heapAfterFlood(count: number, size: number): { grownBytes: number; rejected: number } {
    const kid = site.cognito.opts.issuer.key.kid;
    const script = `
      const { handler } = require(${JSON.stringify(`${site.built.outdir}/check-auth/index.js`)});
      // The function's log lines (stdout, shared/log.ts stdoutSink, and console.log) are silenced: stdout carries the result only.
      const writeResult = process.stdout.write.bind(process.stdout);
      process.stdout.write = () => true;
      console.log = () => {};
      const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
      const header = b64({ alg: "RS256", kid: ${JSON.stringify(kid)} });
      const signature = Buffer.alloc(256, 7).toString("base64url");
      const token = (i) => {
        const body = b64({ sub: "s" + i, token_use: "id", exp: 4102444800, pad: "x".repeat(${size}) });
        return header + "." + body + "." + signature;
      };
      const event = (t) => ({ Records: [{ cf: { config: {}, request: { method: "GET", uri: "/page", querystring: "", headers: {
        host: [{ key: "Host", value: ${JSON.stringify(HOST)} }],
        cookie: [{ key: "Cookie", value: "CognitoIdentityServiceProvider.${issuer.clientId}.LastAuthUser=u; CognitoIdentityServiceProvider.${issuer.clientId}.u.idToken=" + t }],
      } } } }] });
      (async () => {
        let rejected = 0;
        for (let i = 0; i < 50; i++) await handler(event(token(i)));
        global.gc(); global.gc();
        const base = process.memoryUsage().heapUsed;
        for (let i = 50; i < ${count} + 50; i++) {
          const r = await handler(event(token(i)));
          if (r.status === "302") rejected++;
        }
        global.gc(); global.gc();
        writeResult(JSON.stringify({ grownBytes: process.memoryUsage().heapUsed - base, rejected }));
      })();
    `;
    const r = spawnSync(process.execPath, ["--expose-gc", "-e", script], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as { grownBytes: number; rejected: number };
  }

  it("leaves no more than a few MB of heap held after 3,000 distinct 15 KB forgeries", () => {
    const { grownBytes, rejected } = heapAfterFlood(3000, 11_000);
    expect(rejected).toBe(3000);
    // Keyed by the tokens themselves, the refused cache would hold ~2,000 × 15 KB ≈ 30 MB here.
    expect(grownBytes).toBeLessThan(4 * 1024 * 1024);
  }, 120_000);
});
