import { beforeEach, describe, expect, it } from "vitest";
import { escapeHtml } from "../../../shared/viewer/html";
import { checkAuth } from "../../../shared/edge/check-auth";
import { viewerHandler } from "../../../shared/edge/lambda-edge";
import { encodeCookieName } from "../../../shared/edge/cookie-codec";
import { tokenCookieName } from "../../../shared/edge/session-store";
import type { ResolvedConfig } from "../../../shared/config/types";
import type { Forward, Outcome, Respond } from "../../../shared/edge/request";
import { pkceChallenge, signInSite, unsealSignIn } from "../../../shared/edge/sign-in-state";
import { header, setCookies, viewerRequest } from "../../helpers/events";
import type { RequestSpec } from "../../helpers/events";
import { HOST, HOSTED_UI, NOW_S, ORIGIN, cognitoStandIn, edgeRequest, makeContext, parseSetCookie, useFixedClock } from "../../helpers/harness";
import type { StandIn } from "../../helpers/harness";
import { bindingFor, sessionCookieHeader } from "../../helpers/session";
import { accessClaims, idClaims, makeIssuer, makeKey, sign, testConfig, tokensFor } from "../../helpers/tokens";
import type { UserSpec } from "../../helpers/tokens";

const iss = makeIssuer();
const foreign = makeKey();
const USER = "user+tag@example.com";
const RAW = {
  publicPaths: ["/public/*", "/favicon.ico"],
  apiPaths: ["/api/*"],
  rules: [{ path: "/admin/*", groups: ["admins"] }],
};
const config = testConfig(iss, RAW);

let stand: StandIn;
useFixedClock();
beforeEach(() => {
  stand = cognitoStandIn(iss, config);
});

const fresh: UserSpec = { username: USER, iat: NOW_S - 60 };
const expired: UserSpec = { username: USER, iat: NOW_S - 7200, ttl: 3600 };

function cookiesFor(u: UserSpec, o: { refresh?: boolean; extra?: Record<string, string>; tokens?: { idToken?: string; accessToken?: string } } = {}): string {
  const t = { ...tokensFor(iss, u), ...o.tokens };
  return sessionCookieHeader(iss.clientId, { username: USER, ...t, ...(o.refresh ? { refreshToken: "refresh-token-value" } : {}) }, o.extra);
}

async function decide(spec: RequestSpec, cfg: ResolvedConfig = config) {
  const { ctx, logs } = makeContext(cfg, stand.http);
  const outcome = await checkAuth(edgeRequest(spec), ctx);
  return { outcome, logs };
}

function asRespond(o: Outcome): Respond & { reason: string } {
  if (o.kind !== "respond") throw new Error(`expected a response, got forward (${o.reason})`);
  return o;
}

describe("no session → sign-in", () => {
  it("302 to the Hosted UI authorize endpoint with every parameter, and a sign-in cookie named after the state", async () => {
    const { outcome } = await decide({ uri: "/docs/caf%C3%A9", querystring: "q=%E2%9C%93&x=1" });
    const r = asRespond(outcome);
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.location!);
    expect(`${loc.origin}${loc.pathname}`).toBe(`${HOSTED_UI}/oauth2/authorize`);
    const q = loc.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe(iss.clientId);
    expect(q.get("redirect_uri")).toBe(`${ORIGIN}/parseauth`);
    expect(q.get("scope")).toBe("openid email profile");
    expect(q.get("code_challenge_method")).toBe("S256");
    const state = q.get("state")!;
    const nonce = q.get("nonce")!;
    expect(state).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(r.headers.location).not.toContain("+"); // spaces in scope as %20

    const signIn = r.cookies.map(parseSetCookie).find((c) => c.name === `__Host-edgeauth-signin.${state}`);
    expect(signIn).toBeDefined();
    expect(signIn!.attrs).toMatchObject({ httponly: true, secure: true, samesite: "Lax", path: "/", "max-age": "900" });
    const unsealed = unsealSignIn(state, decodeURIComponent(signIn!.value), config.nonceSigningSecret, NOW_S, signInSite(config.clientId, ORIGIN));
    expect(unsealed.ok).toBe(true);
    if (!unsealed.ok) return;
    expect(unsealed.signIn.nonce).toBe(nonce);
    expect(pkceChallenge(unsealed.signIn.verifier)).toBe(q.get("code_challenge"));
    expect(unsealed.signIn.returnPath).toBe("/docs/caf%C3%A9?q=%E2%9C%93&x=1");
    expect(stand.calls).toHaveLength(0);
    expect(r.headers["cache-control"]).toBe("no-cache, no-store");
  });

  it("identity_provider and idp_identifier are passed when configured", async () => {
    const cfg = testConfig(iss, { ...RAW, identityProvider: "Google", idpIdentifier: "example.com" });
    const loc = new URL(asRespond((await decide({ uri: "/" }, cfg)).outcome).headers.location!);
    expect(loc.searchParams.get("identity_provider")).toBe("Google");
    expect(loc.searchParams.get("idp_identifier")).toBe("example.com");
  });

  it("http origin only when CloudFront-Forwarded-Proto says http", async () => {
    const r = asRespond((await decide({ uri: "/", host: "localhost:3000", headers: { "CloudFront-Forwarded-Proto": "http" } })).outcome);
    expect(new URL(r.headers.location!).searchParams.get("redirect_uri")).toBe("http://localhost:3000/parseauth");
  });

  it("a hostile path is not kept as the return path", async () => {
    const r = asRespond((await decide({ uri: "//evil.com/x" })).outcome);
    const state = new URL(r.headers.location!).searchParams.get("state")!;
    const c = r.cookies.map(parseSetCookie).find((x) => x.name === `__Host-edgeauth-signin.${state}`)!;
    const u = unsealSignIn(state, decodeURIComponent(c.value), config.nonceSigningSecret, NOW_S, signInSite(config.clientId, ORIGIN));
    expect(u.ok && u.signIn.returnPath).toBe("/");
  });

  it("with 4 pending sign-ins the oldest is dropped", async () => {
    const cookies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = asRespond((await decide({ uri: `/p${i}`, cookies })).outcome);
      const sc = r.cookies.map(parseSetCookie).find((c) => c.name.startsWith("__Host-edgeauth-signin.") && c.attrs["max-age"] !== "0")!;
      cookies.push(`${sc.name}=${sc.value}`);
    }
    const r = asRespond((await decide({ uri: "/p4", cookies: [cookies.join("; ")] })).outcome);
    const expiredNames = r.cookies.map(parseSetCookie).filter((c) => c.attrs["max-age"] === "0").map((c) => c.name);
    expect(expiredNames).toHaveLength(1);
    expect(expiredNames[0]).toMatch(/^__Host-edgeauth-signin\./);
  });

  it("no Host header → 400 page, not a redirect", async () => {
    const { ctx } = makeContext(config, stand.http);
    const req = edgeRequest();
    const outcome = await checkAuth({ ...req, header: (n) => (n === "host" ? undefined : req.header(n)) }, ctx);
    expect(asRespond(outcome).status).toBe(400);
  });
});

describe("signed in", () => {
  it("valid tokens → forward, no network call", async () => {
    const { outcome } = await decide({ uri: "/docs/a.html", cookies: [cookiesFor(fresh)] });
    expect(outcome).toMatchObject({ kind: "forward", reason: "signed-in" });
    expect(stand.calls).toHaveLength(0);
  });

  it("valid tokens with unrelated cookies around them", async () => {
    const { outcome } = await decide({ uri: "/docs/a.html", cookies: ["_ga=GA1.2.3; theme=dark", cookiesFor(fresh), "x=%ZZ"] });
    expect(outcome.kind).toBe("forward");
  });

  it("only the id token (no access token cookie) is enough", async () => {
    const t = tokensFor(iss, fresh);
    const h = sessionCookieHeader(iss.clientId, { username: USER, idToken: t.idToken });
    expect((await decide({ uri: "/x.html", cookies: [h] })).outcome.kind).toBe("forward");
  });

  it("without LastAuthUser the one user's cookies are found", async () => {
    const t = tokensFor(iss, fresh);
    const h = `${encodeCookieName(tokenCookieName(iss.clientId, USER, "idToken"))}=${t.idToken}; ${encodeCookieName(tokenCookieName(iss.clientId, USER, "accessToken"))}=${t.accessToken}; __Host-edgeauth-binding=${bindingFor(iss.clientId, t.idToken)}`;
    expect((await decide({ uri: "/x.html", cookies: [h] })).outcome.kind).toBe("forward");
  });

  it.each<[string, string | undefined]>([
    ["/docs/", "/docs/index.html"],
    ["/docs", "/docs/index.html"],
    ["/docs/a.html", undefined],
  ])("indexRewrite: %s → %s", async (uri, expected) => {
    const { outcome } = await decide({ uri, cookies: [cookiesFor(fresh)] });
    expect(outcome.kind).toBe("forward");
    expect((outcome as Forward).uri).toBe(expected);
  });

  it("spaFallback: an extension-less route goes to /index.html, assets stay", async () => {
    const cfg = testConfig(iss, { ...RAW, spaFallback: true });
    const route = (await decide({ uri: "/app/users/42", cookies: [cookiesFor(fresh)] }, cfg)).outcome;
    expect((route as Forward).uri).toBe("/index.html");
    const asset = (await decide({ uri: "/app/main.js", cookies: [cookiesFor(fresh)] }, cfg)).outcome;
    expect(asset.kind).toBe("forward");
    expect((asset as Forward).uri).toBeUndefined();
  });
});

describe("public paths and preflight", () => {
  it.each(["/public/a.css", "/public/deep/x.png", "/favicon.ico"])("%s → forward without cookies", async (uri) => {
    expect((await decide({ uri })).outcome).toMatchObject({ kind: "forward", reason: "public" });
  });

  it.each(["/public/../admin/x", "/public/%2e%2e/secret.html", "/public/%ZZ"])("%s is not public", async (uri) => {
    expect((await decide({ uri })).outcome.kind).toBe("respond");
  });

  it("CORS preflight → forward", async () => {
    const { outcome } = await decide({ uri: "/api/x", method: "OPTIONS", headers: { "Access-Control-Request-Method": "POST", Origin: "https://app.example.com" } });
    expect(outcome).toMatchObject({ kind: "forward", reason: "preflight" });
  });

  it("OPTIONS without Access-Control-Request-Method is not a preflight", async () => {
    expect((await decide({ uri: "/x", method: "OPTIONS" })).outcome.kind).toBe("respond");
  });
});

describe("expired session", () => {
  it("expired id token + refresh cookie → 302 to the refresh path, keeping path and query", async () => {
    const { outcome } = await decide({ uri: "/docs/caf%C3%A9", querystring: "a=1&b=%2F", cookies: [cookiesFor(expired, { refresh: true })] });
    const r = asRespond(outcome);
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.location!);
    expect(loc.origin).toBe(ORIGIN);
    expect(loc.pathname).toBe("/refreshauth");
    expect(loc.searchParams.get("return")).toBe("/docs/caf%C3%A9?a=1&b=%2F");
    expect(stand.calls).toHaveLength(0);
  });

  it("expired access token (id still valid) + refresh → refresh", async () => {
    const t = { idToken: tokensFor(iss, fresh).idToken, accessToken: tokensFor(iss, expired).accessToken };
    const r = asRespond((await decide({ uri: "/x", cookies: [cookiesFor(fresh, { refresh: true, tokens: t })] })).outcome);
    expect(new URL(r.headers.location!).pathname).toBe("/refreshauth");
  });

  it("only a refresh token left → refresh", async () => {
    const h = sessionCookieHeader(iss.clientId, { username: USER, refreshToken: "r" });
    expect(new URL(asRespond((await decide({ uri: "/x", cookies: [h] })).outcome).headers.location!).pathname).toBe("/refreshauth");
  });

  it.each(["POST", "PUT", "DELETE"])("%s → 307 (keeps the method)", async (method) => {
    expect(asRespond((await decide({ uri: "/form", method, cookies: [cookiesFor(expired, { refresh: true })] })).outcome).status).toBe(307);
  });

  it("HEAD → 302", async () => {
    expect(asRespond((await decide({ uri: "/x", method: "HEAD", cookies: [cookiesFor(expired, { refresh: true })] })).outcome).status).toBe(302);
  });

  it("expired without refresh token → sign-in", async () => {
    const r = asRespond((await decide({ uri: "/x", cookies: [cookiesFor(expired)] })).outcome);
    expect(r.headers.location).toMatch(/^https:\/\/auth\.example\.com\/oauth2\/authorize\?/);
  });

  it("refresh marker present (refresh did not stick) → a page, not another redirect", async () => {
    const r = asRespond((await decide({ uri: "/x", cookies: [cookiesFor(expired, { refresh: true, extra: { "__Host-edgeauth-refreshed": String(NOW_S + 3600) } })] })).outcome);
    expect(r.headers.location).toBeUndefined();
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });
});

describe("rejected tokens → sign-in, token cookies expired", () => {
  const idName = encodeCookieName(tokenCookieName(iss.clientId, USER, "idToken"));
  const accessName = encodeCookieName(tokenCookieName(iss.clientId, USER, "accessToken"));

  it.each<[string, () => { idToken?: string; accessToken?: string }]>([
    ["id token signed by a foreign key under our kid", () => ({ idToken: sign(idClaims(iss, fresh), foreign, { kid: iss.key.kid }) })],
    ["id token alg none", () => ({ idToken: sign(idClaims(iss, fresh), iss.key, { alg: "none" }) })],
    ["id token HS256 with the public key", () => ({ idToken: sign(idClaims(iss, fresh), iss.key, { alg: "HS256", hmacSecret: iss.key.publicKey.export({ format: "pem", type: "spki" }).toString() }) })],
    ["id token of another client", () => ({ idToken: sign({ ...idClaims(iss, fresh), aud: "other" }, iss.key) })],
    ["access token in the id cookie", () => ({ idToken: tokensFor(iss, fresh).accessToken })],
    ["access token of another client", () => ({ accessToken: sign({ ...accessClaims(iss, fresh), client_id: "other" }, iss.key) })],
    ["access token of another user", () => ({ accessToken: sign(accessClaims(iss, { ...fresh, sub: "someone-else" }), iss.key) })],
    ["garbage id token", () => ({ idToken: "not.a.token" })],
  ])("%s", async (_, make) => {
    const r = asRespond((await decide({ uri: "/x", cookies: [cookiesFor(fresh, { tokens: make() })] })).outcome);
    expect(r.status).toBe(302);
    expect(r.headers.location).toMatch(/^https:\/\/auth\.example\.com\/oauth2\/authorize\?/);
    const expiredNames = r.cookies.map(parseSetCookie).filter((c) => c.attrs["max-age"] === "0").map((c) => c.name);
    expect(expiredNames).toEqual(expect.arrayContaining([idName, accessName]));
  });

  it("the refresh token that came with rejected tokens goes too, so it cannot refresh them into a session", async () => {
    const refreshName = encodeCookieName(tokenCookieName(iss.clientId, USER, "refreshToken"));
    const otherClient = { idToken: sign({ ...idClaims(iss, fresh), aud: "other" }, iss.key) };
    const r = asRespond((await decide({ uri: "/x", cookies: [cookiesFor(fresh, { tokens: otherClient, refresh: true })] })).outcome);
    expect(r.headers.location).toMatch(/^https:\/\/auth\.example\.com\/oauth2\/authorize\?/);
    expect(r.cookies.map(parseSetCookie).filter((c) => c.attrs["max-age"] === "0").map((c) => c.name)).toEqual(expect.arrayContaining([idName, accessName, refreshName]));
  });

  it("forged tokens right after a sign-in (marker present) → 'session rejected' page, cookies cleared, no loop", async () => {
    const forged = { idToken: sign(idClaims(iss, fresh), foreign, { kid: iss.key.kid }) };
    const r = asRespond((await decide({ uri: "/x", cookies: [cookiesFor(fresh, { tokens: forged, extra: { "__Host-edgeauth-signedin": String(NOW_S + 3600) } })] })).outcome);
    expect(r.headers.location).toBeUndefined();
    expect(r.status).toBe(401);
    expect(r.body).toContain("Session not accepted");
    expect(r.cookies.map(parseSetCookie).filter((c) => c.attrs["max-age"] === "0").map((c) => c.name)).toContain(idName);
  });
});

describe("no redirect loops", () => {
  it("signed-in marker present but no session (cookies not kept) → a page saying so, not a redirect", async () => {
    const r = asRespond((await decide({ uri: "/docs/", cookies: [`__Host-edgeauth-signedin=${NOW_S + 3600}`] })).outcome);
    expect(r.headers.location).toBeUndefined();
    expect(r.status).toBe(400);
    expect(r.body).toContain("Cookies are needed");
    expect(r.reason).toMatch(/^loop-stopped:/);
  });
});

describe("public paths are judged on the object the origin will serve too", () => {
  it.each<[string, Record<string, unknown>, string, boolean]>([
    ["an SPA route under a public path is /index.html, which is not public", { publicPaths: ["/public/*"], spaFallback: true }, "/public/app/route", false],
    ["... unless /index.html is public as well", { publicPaths: ["/public/*", "/index.html"], spaFallback: true }, "/public/app/route", true],
    ["a public folder's index document is public", { publicPaths: ["/public/*"] }, "/public/", true],
    ["a public folder without its slash serves its index document, also public", { publicPaths: ["/public/*"] }, "/public/docs", true],
    ["a public file is served as it is", { publicPaths: ["/public/*"], spaFallback: true }, "/public/a.css", true],
    ["a public exact path whose index document is not public", { publicPaths: ["/landing"] }, "/landing", false],
  ])("%s", async (_, raw, uri, isPublic) => {
    const r = (await decide({ uri }, testConfig(iss, raw))).outcome;
    if (isPublic) expect(r).toMatchObject({ kind: "forward", reason: "public" });
    else expect(r).toMatchObject({ kind: "respond", status: 302, reason: "no-session" });
  });
});

describe("authorization rules", () => {
  it("signed in without the group → 403 page", async () => {
    const r = asRespond((await decide({ uri: "/admin/x", cookies: [cookiesFor(fresh)] })).outcome);
    expect(r.status).toBe(403);
    expect(r.headers["content-type"]).toMatch(/text\/html/);
    expect(r.body).toContain("Access denied");
    // Somewhere to go: home, or sign out to switch to an account that may open the page.
    expect(r.body).toContain('<a href="&#47;">Home</a>');
    expect(r.body).toContain('<a href="&#47;signout">Sign out or switch account</a>');
  });

  it("the 403 says who is signed in, escaped", async () => {
    const r = asRespond((await decide({ uri: "/admin/x", cookies: [cookiesFor(fresh)] })).outcome);
    expect(r.body).toContain(`<p>Signed in as <b>${escapeHtml(USER)}</b>.</p>`);
  });

  it.each([
    [true, true],
    [false, false],
  ])("with usernameClaim email, email_verified %s: the 403 names the address only when it is verified (as the function's session cookie holds it): %s", async (verified, named) => {
    const cfg = testConfig(iss, { ...RAW, usernameClaim: "email" });
    const u: UserSpec = { ...fresh, email: USER, extra: { email_verified: verified } };
    const r = asRespond((await decide({ uri: "/admin/x", cookies: [cookiesFor(u)] }, cfg)).outcome);
    expect(r.status).toBe(403);
    expect(r.body!.includes(`<p>Signed in as <b>${escapeHtml(USER)}</b>.</p>`)).toBe(named);
    expect(r.body).not.toContain("Signed in as <b></b>");
  });

  it.each(["/admin/x", "/public/../admin/x", "/%61dmin/x", "//admin/x"])("%s with the group → forward; without → 403", async (uri) => {
    expect((await decide({ uri, cookies: [cookiesFor({ ...fresh, groups: ["admins"] })] })).outcome.kind).toBe("forward");
    expect(asRespond((await decide({ uri, cookies: [cookiesFor({ ...fresh, groups: ["users"] })] })).outcome).status).toBe(403);
  });

  it("groups only in the access token do not count (rules read the id token)", async () => {
    const t = { accessToken: sign(accessClaims(iss, { ...fresh, groups: ["admins"] }), iss.key), idToken: sign(idClaims(iss, fresh), iss.key) };
    expect(asRespond((await decide({ uri: "/admin/x", cookies: [cookiesFor(fresh, { tokens: t })] })).outcome).status).toBe(403);
  });

  it("API request without the group → 403 JSON", async () => {
    const r = asRespond((await decide({ uri: "/admin/x", headers: { Accept: "application/json" }, cookies: [cookiesFor(fresh)] })).outcome);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body!)).toMatchObject({ error: "forbidden" });
  });
});

describe("API requests → 401 JSON instead of a redirect", () => {
  it.each<[string, RequestSpec]>([
    ["Accept: application/json", { uri: "/data", headers: { Accept: "application/json" } }],
    ["Sec-Fetch-Mode: cors", { uri: "/data", headers: { "Sec-Fetch-Mode": "cors" } }],
    ["Sec-Fetch-Mode: no-cors", { uri: "/data", headers: { "Sec-Fetch-Mode": "no-cors" } }],
    ["an apiPaths match", { uri: "/api/items" }],
    ["an apiPaths match after normalisation", { uri: "/x/../api/items" }],
  ])("%s", async (_, spec) => {
    const r = asRespond((await decide(spec)).outcome);
    expect(r.status).toBe(401);
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["www-authenticate"]).toMatch(/^Bearer /);
    expect(r.headers.location).toBeUndefined();
    expect(JSON.parse(r.body!)).toMatchObject({ error: "unauthenticated" });
    expect(r.cookies.some((c) => c.startsWith("__Host-edgeauth-signin."))).toBe(false);
  });

  it("a navigation (Sec-Fetch-Mode: navigate, Accept: */*) still redirects", async () => {
    const r = asRespond((await decide({ uri: "/x", headers: { "Sec-Fetch-Mode": "navigate", Accept: "*/*" } })).outcome);
    expect(r.status).toBe(302);
  });

  it("API request with expired tokens + refresh cookie → refresh redirect (a fetch can follow a same-origin redirect)", async () => {
    const r = asRespond((await decide({ uri: "/api/x", cookies: [cookiesFor(expired, { refresh: true })] })).outcome);
    expect(new URL(r.headers.location!).pathname).toBe("/refreshauth");
  });
});

describe("through the viewer-request wrapper", () => {
  it("x-auth-* headers sent by the client never reach the origin", async () => {
    const { ctx } = makeContext(config, stand.http);
    const handler = viewerHandler(checkAuth, ctx);
    const event = viewerRequest({
      host: HOST,
      uri: "/public/a.css",
      headers: { "X-Auth-User": "admin", "x-auth-groups": "admins", "X-Auth-Id-Token": "forged" },
    });
    const out = (await handler(event)) as { headers: Record<string, unknown>; uri: string };
    expect(Object.keys(out.headers).filter((h) => h.startsWith("x-auth-"))).toEqual([]);
  });

  it.each(["/public/a.css", "/docs/"])("look-alike names (x_auth_user, X_Auth_Groups, x-auth_email) never reach the origin either: %s", async (uri) => {
    const cfg = testConfig(iss, { ...RAW, forwardIdentity: true });
    const { ctx } = makeContext(cfg, stand.http);
    const t = tokensFor(iss, { ...fresh, groups: ["users"] });
    // CloudFront keys headers by their lower-cased name; WSGI, CGI, PHP and Rack read `_` as `-`.
    const event = viewerRequest({
      host: HOST,
      uri,
      headers: { X_Auth_User: "admin", X_Auth_Groups: "admins", "x-auth_email": "boss@example.com", "X-Auth-Groups-Truncated": "false" },
      cookies: [sessionCookieHeader(iss.clientId, { username: USER, ...t })],
    });
    const out = (await viewerHandler(checkAuth, ctx)(event)) as { headers: Record<string, { value: string }[]> };
    const names = Object.keys(out.headers).map((h) => h.replace(/_/g, "-"));
    const identity = names.filter((h) => h.startsWith("x-auth-"));
    if (uri.startsWith("/public/")) expect(identity).toEqual([]);
    else {
      expect(identity.sort()).toEqual(["x-auth-email", "x-auth-groups", "x-auth-id-token", "x-auth-user"]);
      expect(header(out, "x-auth-user")).toBe(USER);
      expect(header(out, "x-auth-email")).toBe("user@example.com");
      expect(header(out, "x-auth-groups")).toBe("users");
    }
  });

  it("x-auth-* from the client are replaced by the verified identity when forwardIdentity is on", async () => {
    const cfg = testConfig(iss, { ...RAW, forwardIdentity: true });
    const { ctx } = makeContext(cfg, stand.http);
    const t = tokensFor(iss, { ...fresh, groups: ["admins", "ops"], email: "user+tag@example.com" });
    const event = viewerRequest({
      host: HOST,
      uri: "/docs/",
      headers: { "X-Auth-User": "admin", "x-auth-email": "boss@example.com" },
      cookies: [sessionCookieHeader(iss.clientId, { username: USER, ...t })],
    });
    const out = await viewerHandler(checkAuth, ctx)(event);
    expect(header(out, "x-auth-user")).toBe(USER);
    expect(header(out, "x-auth-email")).toBe("user+tag@example.com");
    expect(header(out, "x-auth-groups")).toBe("admins,ops");
    expect(header(out, "x-auth-id-token")).toBe(t.idToken);
    expect((out as { uri: string }).uri).toBe("/docs/index.html");
    expect((out as { headers: Record<string, { key: string; value: string }[]> }).headers["x-auth-user"]).toHaveLength(1);
  });

  it("forwardIdentity off: no identity headers", async () => {
    const { ctx } = makeContext(config, stand.http);
    const out = await viewerHandler(checkAuth, ctx)(viewerRequest({ host: HOST, uri: "/a.html", cookies: [cookiesFor(fresh)] }));
    expect(header(out, "x-auth-user")).toBeUndefined();
  });

  it("identity header values are printable ASCII only", async () => {
    const cfg = testConfig(iss, { ...RAW, forwardIdentity: true });
    const { ctx } = makeContext(cfg, stand.http);
    const t = tokensFor(iss, { ...fresh, email: "ü\r\nX-Evil: 1@example.com" });
    const out = await viewerHandler(checkAuth, ctx)(
      viewerRequest({ host: HOST, uri: "/a.html", cookies: [sessionCookieHeader(iss.clientId, { username: USER, ...t })] }),
    );
    expect(header(out, "x-auth-email")).toMatch(/^[\x20-\x7e]*$/);
  });

  it("a generated response carries Set-Cookie and Cache-Control in CloudFront's shape", async () => {
    const { ctx } = makeContext(config, stand.http);
    const out = await viewerHandler(checkAuth, ctx)(viewerRequest({ host: HOST, uri: "/x" }));
    expect((out as { status: string }).status).toBe("302");
    expect(header(out, "cache-control")).toBe("no-cache, no-store");
    expect(setCookies(out).some((c) => c.startsWith("__Host-edgeauth-signin."))).toBe(true);
  });
});

describe("the binding cookie (issue 17: token cookies a sibling subdomain planted)", () => {
  const other: UserSpec = { username: "attacker", sub: "99999999-2222-3333-4444-555555555555", iat: NOW_S - 60 };
  it.each<[string, (t: { idToken: string }) => string | undefined, "forward" | "sign-in"]>([
    ["the user's own binding", (t) => bindingFor(iss.clientId, t.idToken), "forward"],
    ["no binding", () => undefined, "sign-in"],
    ["another user's binding", () => bindingFor(iss.clientId, tokensFor(iss, other).idToken), "sign-in"],
    ["a binding under another key", (t) => bindingFor(iss.clientId, t.idToken, "another-secret-another-secret-0123"), "sign-in"],
    ["another app client's binding", (t) => bindingFor("otherclient", t.idToken), "sign-in"],
  ])("%s → %s", async (_, binding, expected) => {
    const t = tokensFor(iss, fresh);
    const value = binding(t);
    const h = sessionCookieHeader(iss.clientId, { username: USER, ...t, refreshToken: "r", bindingKey: false }, value === undefined ? {} : { "__Host-edgeauth-binding": value });
    const { outcome } = await decide({ uri: "/x.html", cookies: [h] });
    if (expected === "forward") expect(outcome.kind).toBe("forward");
    else {
      const r = asRespond(outcome);
      expect(r.reason).toBe("unbound");
      expect(new URL(r.headers.location!).pathname).toBe("/oauth2/authorize");
      // The unbound tokens go, the refresh token that came with them too.
      const expired = r.cookies.map(parseSetCookie).filter((c) => c.attrs["max-age"] === "0").map((c) => c.name);
      for (const k of ["idToken", "accessToken", "refreshToken"] as const) expect(expired).toContain(encodeCookieName(tokenCookieName(iss.clientId, USER, k)));
    }
  });
});
