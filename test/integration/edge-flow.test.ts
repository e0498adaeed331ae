/**
 * The whole edge flow through the BUILT bundles (real `npm run build` with a test config), with CloudFront
 * event shapes and a Cognito stand-in on loopback that checks PKCE, client secret and redirect_uri.
 */
import { builtinModules } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { captureLogLines } from "../helpers/log-capture";
import { CookieJar } from "../helpers/cognito-stand-in";
import { EDGE_FUNCTIONS, FUNCTIONS } from "../../shared/catalogue";
import { buildWith } from "../helpers/build";
import { header, originResponse, setCookies, viewerRequest } from "../helpers/events";
import { sessionCookieHeader } from "../helpers/session";
import { makeKey, sign, idClaims, accessClaims } from "../helpers/tokens";
import { CLIENT_SECRET, HOST, hostedUi, issuer, makeSite, req, signIn } from "../helpers/site";
import type { Site } from "../helpers/site";

describe("edge flow through the built bundles", () => {
  let site: Site;
  const logs: string[] = [];
  beforeAll(async () => {
    site = await makeSite();
  }, 120_000);
  afterAll(() => site?.cognito.stop());
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    site.cognito.user = { email: "user@example.com" };
  });
  /** A session signed in a moment ago, with the clock (Date only) moved two hours on: its tokens have expired. */
  async function expiredSession(): Promise<CookieJar> {
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    return jar;
  }

  it("no bundle carries the config schema library (zod is build-time only)", () => {
    for (const { name } of FUNCTIONS) {
      const code = readFileSync(join(site.built.outdir, name, "index.js"), "utf8");
      // zod's own names, case-sensitive: a case-insensitive /zod/ also matches the baked keys' random base64 now and then.
      expect(code, name).not.toMatch(/ZodError|\$ZodType|ZodObject|\bzod\/|"zod"/);
    }
  });

  it("bundles require nothing but Node built-ins", () => {
    for (const { name } of EDGE_FUNCTIONS) {
      const code = readFileSync(join(site.built.outdir, name, "index.js"), "utf8");
      const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
      for (const mod of required) expect(builtinModules.includes(mod.replace(/^node:/, "")), `${name} requires ${mod}`).toBe(true);
      expect(typeof site.built.load(name).handler).toBe("function");
    }
  });

  it("sends a visitor without a session to the Hosted UI with PKCE, state and nonce", async () => {
    const res = await site.fn.check(req(new CookieJar(), { uri: "/private/page.html" }));
    expect(res.status).toBe("302");
    const loc = new URL(header(res, "location")!);
    expect(`${loc.origin}${loc.pathname}`).toBe(`${site.cognito.url}/oauth2/authorize`);
    expect(loc.searchParams.get("response_type")).toBe("code");
    expect(loc.searchParams.get("client_id")).toBe(issuer.clientId);
    expect(loc.searchParams.get("redirect_uri")).toBe(`https://${HOST}/parseauth`);
    expect(loc.searchParams.get("code_challenge_method")).toBe("S256");
    expect(loc.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(loc.searchParams.get("nonce")).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(loc.searchParams.get("scope")).toBe("openid email profile");
    const state = loc.searchParams.get("state")!;
    const cookie = setCookies(res).find((c) => c.startsWith(`__Host-edgeauth-signin.${state}=`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(header(res, "cache-control")).toBe("no-cache, no-store");
  });

  it("signs in and lands on exactly the URL first asked for (unicode path and query)", async () => {
    const jar = new CookieJar();
    const done = await signIn(site, jar, { uri: "/deep/p%C3%A4th/", querystring: "q=%C3%BC&x=1&x=2" });
    expect(done.status).toBe("302");
    expect(header(done, "location")).toBe(`https://${HOST}/deep/p%C3%A4th/?q=%C3%BC&x=1&x=2`);
    const names = [...jar.cookies.keys()];
    const prefix = `CognitoIdentityServiceProvider.${issuer.clientId}`;
    expect(names).toEqual(
      expect.arrayContaining([
        `${prefix}.LastAuthUser`,
        expect.stringMatching(new RegExp(`^${prefix}\\..+\\.idToken$`)),
        expect.stringMatching(new RegExp(`^${prefix}\\..+\\.accessToken$`)),
        expect.stringMatching(new RegExp(`^${prefix}\\..+\\.refreshToken$`)),
      ]),
    );
    for (const [, c] of jar.cookies) expect(c.attrs).toMatch(/HttpOnly/);
    expect(names.filter((n) => n.startsWith("__Host-edgeauth-signin."))).toEqual([]);
    // The code exchange used the PKCE verifier and the exact redirect_uri.
    const exchange = site.cognito.calls.filter((c) => c.path === "/oauth2/token").at(-1)!;
    expect(exchange.form).toMatchObject({ grant_type: "authorization_code", redirect_uri: `https://${HOST}/parseauth` });
    expect(exchange.form.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(exchange.authorization).toBeUndefined();
  });

  it("lets a signed-in request through with no network call, and strips client-sent x-auth-* headers", async () => {
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    const before = site.cognito.calls.length;
    const res = await site.fn.check(req(jar, { uri: "/docs/", headers: { "X-Auth-User": "admin" } }));
    expect(res.status).toBeUndefined();
    expect(res.uri).toBe("/docs/index.html");
    expect((res.headers as Record<string, unknown>)["x-auth-user"]).toBeUndefined();
    expect(site.cognito.calls.length).toBe(before);
  });

  it("gives a signed-in user without the group a 403 page, and lets public paths through without a session", async () => {
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    const res = await site.fn.check(req(jar, { uri: "/admin/index.html" }));
    expect(res.status).toBe("403");
    expect(String(res.body)).toMatch(/not allowed/);
    const pub = await site.fn.check(req(new CookieJar(), { uri: "/public/logo.png" }));
    expect(pub.status).toBeUndefined();
  });

  it("lets an admin into /admin/", async () => {
    site.cognito.user = { email: "admin@example.com", sub: "aaaaaaaa-0000-0000-0000-000000000001", groups: ["admins"] };
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/admin/" });
    const res = await site.fn.check(req(jar, { uri: "/admin/" }));
    expect(res.status).toBeUndefined();
  });

  it("refreshes an expired session silently and keeps the URL", async () => {
    const jar = await expiredSession();
    const expired = await site.fn.check(req(jar, { uri: "/reports/q3.html", querystring: "sort=desc" }));
    expect(expired.status).toBe("302");
    const loc = new URL(header(expired, "location")!);
    expect(`${loc.origin}${loc.pathname}`).toBe(`https://${HOST}/refreshauth`);
    const refreshed = await site.fn.refresh(req(jar, { uri: loc.pathname, querystring: loc.search.slice(1) }));
    expect(refreshed.status).toBe("302");
    expect(header(refreshed, "location")).toBe(`https://${HOST}/reports/q3.html?sort=desc`);
    jar.apply(setCookies(refreshed));
    const after = await site.fn.check(req(jar, { uri: "/reports/q3.html", querystring: "sort=desc" }));
    expect(after.status).toBeUndefined();
    expect(site.cognito.calls.at(-1)?.form.grant_type).toBe("refresh_token");
  });

  it("refreshes again when short-lived tokens expire soon after a refresh (no false loop detection)", async () => {
    site.cognito.ttl = 20;
    try {
      const jar = new CookieJar();
      await signIn(site, jar, { uri: "/" });
      vi.useFakeTimers({ toFake: ["Date"] });
      for (let round = 0; round < 2; round++) {
        vi.setSystemTime(Date.now() + 25_000);
        const expired = await site.fn.check(req(jar, { uri: "/r" }));
        expect(expired.status).toBe("302");
        const loc = new URL(header(expired, "location")!);
        expect(loc.pathname).toBe("/refreshauth");
        const refreshed = await site.fn.refresh(req(jar, { uri: loc.pathname, querystring: loc.search.slice(1) }));
        jar.apply(setCookies(refreshed));
        expect((await site.fn.check(req(jar, { uri: "/r" }))).status).toBeUndefined();
      }
    } finally {
      site.cognito.ttl = 3600;
    }
  });

  it("stops with a page when a refresh did not stick (the browser kept the old, expired token)", async () => {
    const jar = await expiredSession();
    const loc = new URL(header(await site.fn.check(req(jar, { uri: "/r" })), "location")!);
    const refreshed = await site.fn.refresh(req(jar, { uri: loc.pathname, querystring: loc.search.slice(1) }));
    // Keep only the marker: the browser dropped the new token cookies.
    jar.apply(setCookies(refreshed).filter((c) => c.startsWith("__Host-edgeauth-refreshed=")));
    const again = await site.fn.check(req(jar, { uri: "/r" }));
    expect(again.status).toBe("400");
    expect(header(again, "location")).toBeUndefined();
  });

  it("keeps the method of a non-GET request that needs a refresh (307)", async () => {
    const jar = await expiredSession();
    const res = await site.fn.check(req(jar, { uri: "/form", method: "POST" }));
    expect(res.status).toBe("307");
  });

  it("clears the tokens when the refresh token is refused, and the sign-in starts right there", async () => {
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    site.cognito.mode = "refuse";
    try {
      const res = await site.fn.refresh(req(jar, { uri: "/refreshauth", querystring: "return=%2Fx" }));
      expect(res.status).toBe("302");
      // Straight to the Hosted UI: a refresh token the edge could not expire must not send the browser back here.
      const location = new URL(header(res, "location")!);
      expect(`${location.origin}${location.pathname}`).toBe(`${site.cognito.url}/oauth2/authorize`);
      jar.apply(setCookies(res));
      expect([...jar.cookies.keys()].some((n) => /\.(idToken|accessToken|refreshToken)$/.test(n))).toBe(false);
      const next = await site.fn.check(req(jar, { uri: "/x" }));
      expect(header(next, "location")).toMatch(/\/oauth2\/authorize\?/);
      // That sign-in, completed, comes back to the URL the refresh was for.
      site.cognito.mode = "ok";
      const callback = await hostedUi(location.href);
      const done = await site.fn.parse(req(jar, { uri: callback.pathname, querystring: callback.search.slice(1) }));
      expect(header(done, "location")).toBe(`https://${HOST}/x`);
    } finally {
      site.cognito.mode = "ok";
    }
  });

  it("signs out: revokes the refresh token, expires every cookie, ends the Hosted UI session", async () => {
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    const refreshToken = [...jar.cookies].find(([n]) => n.endsWith(".refreshToken"))![1].value;
    const ourCookies = [...jar.cookies.keys()];
    const res = await site.fn.signOut(req(jar, { uri: "/signout", headers: { "Sec-Fetch-Site": "same-origin" } }));
    expect(res.status).toBe("302");
    const loc = new URL(header(res, "location")!);
    expect(`${loc.origin}${loc.pathname}`).toBe(`${site.cognito.url}/logout`);
    expect(loc.searchParams.get("client_id")).toBe(issuer.clientId);
    expect(loc.searchParams.get("logout_uri")).toBe(`https://${HOST}/`);
    expect(site.cognito.revoked.has(refreshToken)).toBe(true);
    const expired = setCookies(res).filter((c) => /Max-Age=0/.test(c)).map((c) => c.split("=")[0]);
    expect(expired).toEqual(expect.arrayContaining(ourCookies));
    jar.apply(setCookies(res));
    const next = await site.fn.check(req(jar, { uri: "/" }));
    expect(header(next, "location")).toMatch(/\/oauth2\/authorize\?/);
  });

  it("completes two sign-ins started in parallel (two tabs, or a page and its favicon)", async () => {
    const jar = new CookieJar();
    const a = await site.fn.check(req(jar, { uri: "/a" }));
    jar.apply(setCookies(a));
    const b = await site.fn.check(req(jar, { uri: "/b" }));
    jar.apply(setCookies(b));
    const cbA = await hostedUi(header(a, "location")!);
    const cbB = await hostedUi(header(b, "location")!);
    const doneB = await site.fn.parse(req(jar, { uri: cbB.pathname, querystring: cbB.search.slice(1) }));
    expect(header(doneB, "location")).toBe(`https://${HOST}/b`);
    const doneA = await site.fn.parse(req(jar, { uri: cbA.pathname, querystring: cbA.search.slice(1) }));
    expect(header(doneA, "location")).toBe(`https://${HOST}/a`);
  });

  it("ends on a page, not a loop, when the browser keeps no cookies", async () => {
    const res = await site.fn.check(req(new CookieJar(), { uri: "/x" }));
    const callback = await hostedUi(header(res, "location")!);
    const done = await site.fn.parse(req(new CookieJar(), { uri: callback.pathname, querystring: callback.search.slice(1) }));
    expect(done.status).toBe("400");
    expect(String(done.body)).toMatch(/cookies/i);
    expect(header(done, "location")).toBeUndefined();
  });

  it("ends on a page when the browser drops the session cookies right after sign-in", async () => {
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    for (const name of [...jar.cookies.keys()]) if (name.startsWith("CognitoIdentityServiceProvider")) jar.cookies.delete(name);
    const res = await site.fn.check(req(jar, { uri: "/" }));
    expect(res.status).toBe("400");
    expect(header(res, "location")).toBeUndefined();
  });

  it("refuses a replayed code with a clear 4xx page", async () => {
    const jar = new CookieJar();
    const first = await site.fn.check(req(jar, { uri: "/" }));
    jar.apply(setCookies(first));
    const callback = await hostedUi(header(first, "location")!);
    const event = () => req(jar, { uri: callback.pathname, querystring: callback.search.slice(1) });
    const saved = jar.header();
    await site.fn.parse(event());
    // Replay with the same cookies as the first time (an attacker's copy of the callback).
    const replay = await site.fn.parse(viewerRequest({ host: HOST, uri: callback.pathname, querystring: callback.search.slice(1), cookies: [saved] }));
    expect(replay.status).toBe("400");
    expect(String(replay.body)).not.toContain(callback.searchParams.get("code")!);
  });

  it("answers a hanging Cognito with a 503 page inside the viewer time limit", async () => {
    const jar = new CookieJar();
    const first = await site.fn.check(req(jar, { uri: "/" }));
    jar.apply(setCookies(first));
    const callback = await hostedUi(header(first, "location")!);
    site.cognito.mode = "hang";
    try {
      const t0 = Date.now();
      const res = await site.fn.parse(req(jar, { uri: callback.pathname, querystring: callback.search.slice(1) }));
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(res.status).toBe("503");
      expect(String(res.body)).toMatch(/Try again/);
    } finally {
      site.cognito.mode = "ok";
    }
  });

  it("verifies a token signed with a rotated key after one JWKS fetch, and rejects an unknown kid once the JWKS shows it is not there", async () => {
    const rotated = makeKey();
    site.cognito.addKey(rotated.jwk);
    const iss = site.cognito.opts.issuer;
    const user = { username: "rotated-user", sub: "bbbbbbbb-0000-0000-0000-000000000002" };
    const session = (idKey: typeof rotated) =>
      viewerRequest({
        host: HOST,
        uri: "/",
        cookies: [sessionCookieHeader(issuer.clientId, { username: user.username, idToken: sign(idClaims(iss, user), idKey), accessToken: sign(accessClaims(iss, user), rotated) })],
      });
    const res = await site.fn.check(session(rotated));
    expect(res.status).toBeUndefined();
    expect(site.cognito.calls.filter((c) => c.path.endsWith("jwks.json")).length).toBeGreaterThanOrEqual(1);

    // Within a second of that fetch another unknown kid cannot be looked up yet: "try again", cookies kept.
    const unknown = makeKey();
    const early = await site.fn.check(session(unknown));
    expect(early.status).toBe("503");
    expect(setCookies(early)).toEqual([]);
    // Once the JWKS can be fetched again and does not hold it, the token is refused and a sign-in starts.
    await new Promise((r) => setTimeout(r, 1100));
    const rejected = await site.fn.check(session(unknown));
    expect(rejected.status).toBe("302");
    expect(header(rejected, "location")).toMatch(/\/oauth2\/authorize\?/);
  });

  it("adds the security headers to origin responses", async () => {
    const res = (await site.fn.headers(originResponse({ "content-type": [{ key: "Content-Type", value: "text/html" }] }))) as {
      headers: Record<string, { value: string }[]>;
    };
    expect(res.headers["strict-transport-security"]?.[0]?.value).toMatch(/max-age=\d+/);
    expect(res.headers["x-content-type-options"]?.[0]?.value).toBe("nosniff");
    expect(res.headers["x-frame-options"]?.[0]?.value).toBe("DENY");
    expect(res.headers["referrer-policy"]?.[0]?.value).toBeTruthy();
    expect(res.headers["content-type"]?.[0]?.value).toBe("text/html");
  });

  it("never logs tokens, codes or cookie values", async () => {
    const spy = captureLogLines(logs);
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    await site.fn.check(req(jar, { uri: "/" }));
    await site.fn.signOut(req(jar, { uri: "/signout", headers: { "Sec-Fetch-Site": "same-origin" } }));
    spy.restore();
    expect(logs.length).toBeGreaterThan(3);
    const secrets = [...jar.cookies.values()].map((c) => c.value).filter((v) => v.length > 8);
    const codes = site.cognito.calls.filter((c) => c.form.code).map((c) => c.form.code!);
    for (const line of logs) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect(JSON.parse(line).level).toMatch(/^(debug|info|warn|error)$/);
      for (const s of [...secrets, ...codes]) expect(line).not.toContain(s);
    }
  });
});

describe("confidential app client", () => {
  let site: Site;
  beforeAll(async () => {
    site = await makeSite({ clientSecret: CLIENT_SECRET });
  }, 120_000);
  afterAll(() => site?.cognito.stop());

  it("authenticates the code exchange and revocation with HTTP Basic, and never shows the secret", async () => {
    const jar = new CookieJar();
    const done = await signIn(site, jar, { uri: "/" });
    expect(done.status).toBe("302");
    const basic = `Basic ${Buffer.from(`${issuer.clientId}:${CLIENT_SECRET}`).toString("base64")}`;
    expect(site.cognito.calls.find((c) => c.path === "/oauth2/token")?.authorization).toBe(basic);
    await site.fn.signOut(req(jar, { uri: "/signout", headers: { "Sec-Fetch-Site": "same-origin" } }));
    expect(site.cognito.calls.find((c) => c.path === "/oauth2/revoke")?.authorization).toBe(basic);
    expect(JSON.stringify(done)).not.toContain(CLIENT_SECRET);
  });
});

describe("build", () => {
  it.each([
    [{ domain: "http://auth.example.com" }, /domain: http:\/\/ is accepted only for localhost/],
    [{ paths: { callback: "parseauth" } }, /paths\.callback: must be a path/],
    [{ rules: [{ path: "/admin/*", groups: [] }] }, /rules\[0\]\.groups/],
    [{ clientId: undefined }, /clientId: is required/],
  ])("fails with a message naming the field for %j", async (patch, message) => {
    const raw: Record<string, unknown> = {
      region: "us-east-1",
      userPoolId: "us-east-1_Abc",
      clientId: "abc123",
      domain: "auth.example.com",
      jwks: { keys: [makeKey().jwk] },
      ...patch,
    };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete raw[k];
    const built = await buildWith(raw);
    expect(built.status).not.toBe(0);
    expect(built.stderr).toMatch(message);
  });

  it("bakes the config so the bundle needs no environment", async () => {
    const built = await buildWith({
      region: "us-east-1",
      userPoolId: "us-east-1_Abc",
      clientId: "abc123",
      domain: "auth.example.com",
      jwks: { keys: [makeKey().jwk] },
    });
    expect(built.status, built.stderr).toBe(0);
    const code = readFileSync(join(built.outdir, "check-auth", "index.js"), "utf8");
    expect(code).toContain("https://auth.example.com");
    expect(code).not.toMatch(/process\.env/);
  });
});

