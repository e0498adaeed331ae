/**
 * shared/function/check.ts, called directly: CloudFront Functions event shapes (built by the emulator's event
 * builder, `rawQueryString()` included), a fixed clock and a session key. Imported as a module, every build-time
 * switch is off, so every feature's code runs. The built function is held to check-auth in
 * test/integration/differential.test.ts; this table pins each branch of the check itself.
 */
import { describe, expect, it } from "vitest";
import { buildViewerRequestEvent, rawQueryStringOf } from "../../../scripts/cloudfront-function-runtime/event";
import { resolveAuthConfig } from "../../../shared/config/resolve";
import { ERRORS } from "../../../shared/outcomes/errors";
import type { ErrorCode } from "../../../shared/outcomes/errors";
import { checkRequest } from "../../../shared/function/check";
import type { CfRequest, CfResponse } from "../../../shared/function/check";
import { functionConfigFor } from "../../../shared/function/config";
import { rulesFingerprint } from "../../../shared/viewer/rules";
import type { FunctionConfig } from "../../../shared/function/config";
import { markerName, sessionCookieName, tokenCookieName } from "../../../shared/viewer/cookie-names";
import { idTokenHash, sealSession } from "../../../shared/viewer/session-cookie";
import type { SessionClaims } from "../../../shared/viewer/session-cookie";
import { makeIssuer } from "../../helpers/tokens";

/** The fixed clock (2030-01-01T00:00:00Z), seconds. */
const NOW = Date.UTC(2030, 0, 1) / 1000;
const KEY = "k".repeat(43);
const HOST = "www.example.com";
const iss = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Check1", clientId: "checkclient000000000001" });
const CLIENT = iss.clientId;

/**
 * The function's config for `raw`. Imported directly, the check runs the code of every feature, so every config
 * here has API paths and rules (a build leaves their code out when no site has them).
 */
function configOf(raw: Record<string, unknown>): FunctionConfig {
  const r = resolveAuthConfig({
    apiPaths: ["/api/*"],
    rules: [{ path: "/admin/*", groups: ["admins"] }],
    region: iss.region,
    userPoolId: iss.userPoolId,
    clientId: CLIENT,
    domain: "auth.example.com",
    jwks: { keys: [iss.key.jwk] },
    hotPath: "cloudfront-function",
    nonceSigningSecret: "n".repeat(32),
    session: { signingSecret: KEY },
    ...raw,
  });
  if (!r.ok) throw new Error(r.errors.join("; "));
  return functionConfigFor(r.config);
}

const FULL = configOf({ publicPaths: ["/public/*", "/favicon.ico"], forwardIdentity: true });
const PLAIN = configOf({});
const SPA = configOf({ mode: "spa", spaFallback: true, publicPaths: ["/assets/*"] });
const DOMAIN = configOf({ cookie: { domain: "example.com" } });
const TWO_SITES = configOf({ clientId: undefined, sites: [{ hosts: ["a.example.com"], clientId: CLIENT }, { hosts: ["b.example.com"], clientId: "checkclient000000000002" }] });

const SESSION = sessionCookieName({}, CLIENT);
const SIGNED_IN = markerName("signedin", {}, CLIENT);
const REFRESHED = markerName("refreshed", {}, CLIENT);
const ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2lnbmF0dXJl";
const idCookie = (user = "jane", client = CLIENT) => tokenCookieName(client, user, "idToken");
const refreshCookie = (client = CLIENT) => tokenCookieName(client, "jane", "refreshToken");

/** What parse-auth seals under these configs' rules: their fingerprint (`r`) included. */
const RULES_FP = rulesFingerprint([{ path: "/admin/*", groups: ["admins"] }]);
const claims = (o: Partial<SessionClaims> = {}): SessionClaims => ({ c: CLIENT, s: "sub-1", u: "jane", e: "jane@example.com", g: ["users"], r: RULES_FP, x: NOW + 600, h: idTokenHash(ID_TOKEN), ...o });
const session = (o: Partial<SessionClaims> = {}, key = KEY) => sealSession(claims(o), key);

interface Req {
  method?: string;
  uri?: string;
  query?: string;
  host?: string;
  headers?: [string, string][];
  cookies?: Record<string, string>;
}

/** The request as CloudFront hands it to a function, with runtime 2.0's `rawQueryString()`. */
function request(r: Req = {}): CfRequest {
  const cookie = Object.entries(r.cookies ?? {}).map(([k, v]) => `${k}=${v}`).join("; ");
  const event = buildViewerRequestEvent({
    method: r.method ?? "GET",
    path: r.uri ?? "/docs/page.html",
    ...(r.query === undefined ? {} : { query: r.query }),
    headers: [["Host", r.host ?? HOST], ...(r.headers?.some(([n]) => n === "Accept") ? [] : ([["Accept", "text/html"]] as [string, string][])), ...(r.headers ?? []), ...(cookie ? ([["Cookie", cookie]] as [string, string][]) : [])],
    ip: "203.0.113.1",
  });
  const raw = rawQueryStringOf(event);
  return Object.assign(event.request, { rawQueryString: () => raw }) as unknown as CfRequest;
}

const check = (r: Req = {}, config = FULL, key = KEY, now = NOW) => checkRequest(request(r), config, key, now);
const isResponse = (x: CfRequest | CfResponse): x is CfResponse => "statusCode" in x;
function asResponse(x: CfRequest | CfResponse): CfResponse {
  if (!isResponse(x)) throw new Error(`forwarded to ${x.uri}, expected a response`);
  return x;
}
function asRequest(x: CfRequest | CfResponse): CfRequest {
  if (isResponse(x)) throw new Error(`answered ${x.statusCode}, expected to forward`);
  return x;
}

/** A response in one comparable line: status, the error code (JSON or page), or where it redirects. */
function summary(x: CfRequest | CfResponse): string {
  if (!isResponse(x)) return `forward ${x.uri}`;
  const loc = x.headers.location?.value;
  if (loc !== undefined) return `${x.statusCode} ${loc}`;
  const body = x.body?.data ?? "";
  if (x.headers["content-type"]?.value === "application/json") return `${x.statusCode} json ${(JSON.parse(body) as { error: string }).error}`;
  const code = (Object.keys(ERRORS) as ErrorCode[]).find((c) => ERRORS[c].status === x.statusCode && body.includes(`<p>${ERRORS[c].sentence}</p>`));
  return `${x.statusCode} page ${code ?? "?"}`;
}

const back = (p: string) => encodeURIComponent(p);
const JSON_FETCH: [string, string][] = [["Accept", "application/json"]];

describe("checkRequest: the decision", () => {
  it.each<[string, Req, string, FunctionConfig?, string?]>([
    // refused before anything else
    ["a malformed Host", { host: "evil.example/x" }, "400 page bad-host"],
    ["a host no site names", { host: "c.example.com" }, "421 page unknown-host", TWO_SITES],
    ["a URI without a leading slash", { uri: "docs" }, "400 page bad-request"],
    ["a URI over 8 KB", { uri: `/${"a".repeat(8192)}` }, "414 page uri-too-long"],
    ["a query over 8 KB", { query: "q".repeat(8193) }, "414 page uri-too-long"],
    // public paths and preflights
    ["a public path", { uri: "/public/a.css" }, "forward /public/a.css"],
    ["a public path whose served object is public too", { uri: "/public/x" }, "forward /public/x/index.html"],
    ["a public path whose served object is not public", { uri: "/favicon.ico/" }, `302 https://${HOST}/signin?return=${back("/favicon.ico/")}`],
    ["a dot segment out of a public path", { uri: "/public/../admin/x" }, `302 https://${HOST}/signin?return=${back("/public/../admin/x")}`],
    ["an undecodable public-looking path", { uri: "/public/%ZZ" }, `302 https://${HOST}/signin?return=${back("/public/%ZZ")}`],
    ["a CORS preflight", { method: "OPTIONS", uri: "/api/x", headers: [["Access-Control-Request-Method", "POST"]] }, "forward /api/x/index.html"],
    ["OPTIONS without Access-Control-Request-Method", { method: "OPTIONS", uri: "/a.html" }, `302 https://${HOST}/signin?return=${back("/a.html")}`],
    // no key in the store
    ["no session key: 503, try again", { cookies: { [SESSION]: session() } }, "503 page cognito-unavailable", FULL, ""],
    ["no session key, an API request: JSON", { uri: "/api/x" }, "503 json cognito-unavailable", FULL, "short"],
    // signed out
    ["no session", {}, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["no session: the way back is the URL as sent", { uri: "/p", query: "a=1&b=2&a=3&x=" }, `302 https://${HOST}/signin?return=${back("/p?a=1&b=2&a=3&x=")}`],
    ["no session: a bare ?", { uri: "/p", query: "" }, `302 https://${HOST}/signin?return=${back("/p")}`],
    // The way back goes to sign-in / refresh-auth as sent; they keep it only when safe (shared/viewer/redirect.ts).
    ["no session: a query too long to come back to is still passed on", { uri: "/p", query: "q".repeat(3000) }, `302 https://${HOST}/signin?return=${back(`/p?${"q".repeat(3000)}`)}`],
    ["no session: // as the path is passed on (sign-in turns it into /)", { uri: "//evil.example/x" }, `302 https://${HOST}/signin?return=${back("//evil.example/x")}`],
    ["no session: non-ASCII as sent", { uri: "/café" }, `302 https://${HOST}/signin?return=${back("/café")}`],
    ["no session over http (CloudFront-Forwarded-Proto)", { headers: [["CloudFront-Forwarded-Proto", "http"]] }, `302 http://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["no session, an API path", { uri: "/api/items" }, "401 json unauthenticated"],
    ["no session, fetch() asking for JSON", { headers: JSON_FETCH }, "401 json unauthenticated"],
    ["no session, a background request", { headers: [["Sec-Fetch-Mode", "cors"]] }, "401 json unauthenticated"],
    ["no session, a navigation", { headers: [["Sec-Fetch-Mode", "navigate"]] }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["POST with no session: sign in (303 is not ours to choose)", { method: "POST" }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    // refresh
    ["a refresh token: refresh", { cookies: { [refreshCookie()]: "r" } }, `302 https://${HOST}/refreshauth?return=${back("/docs/page.html")}`],
    ["a refresh token in chunks: refresh", { cookies: { [`${refreshCookie()}.0`]: "r" } }, `302 https://${HOST}/refreshauth?return=${back("/docs/page.html")}`],
    ["a refresh token, HEAD: 302", { method: "HEAD", cookies: { [refreshCookie()]: "r" } }, `302 https://${HOST}/refreshauth?return=${back("/docs/page.html")}`],
    ["a refresh token, POST: 307 keeps the method", { method: "POST", cookies: { [refreshCookie()]: "r" } }, `307 https://${HOST}/refreshauth?return=${back("/docs/page.html")}`],
    ["a refresh token, an API request: refresh too", { uri: "/api/x", cookies: { [refreshCookie()]: "r" } }, `302 https://${HOST}/refreshauth?return=${back("/api/x")}`],
    ["an expired session and a refresh token: refresh", { cookies: { [SESSION]: session({ x: NOW }), [refreshCookie()]: "r" } }, `302 https://${HOST}/refreshauth?return=${back("/docs/page.html")}`],
    ["a forged session and a refresh token: sign in, not a refresh", { cookies: { [SESSION]: session({}, "z".repeat(43)), [refreshCookie()]: "r" } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["another client's session and this client's refresh token: refresh (that session is not this one)", { cookies: { [SESSION]: session({ c: "otherclient00000000000" }), [refreshCookie()]: "r" } }, `302 https://${HOST}/refreshauth?return=${back("/docs/page.html")}`],
    ["just signed in, another client's session: no session of ours was kept", { cookies: { [SIGNED_IN]: String(NOW + 10), [SESSION]: session({ c: "otherclient00000000000" }) } }, "400 page cookies-blocked"],
    ["an unreadable session and a refresh token: sign in", { cookies: { [SESSION]: "garbage", [refreshCookie()]: "r" } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["a forged session and a refresh token, an API request: 401", { uri: "/api/x", cookies: { [SESSION]: session({}, "z".repeat(43)), [refreshCookie()]: "r" } }, "401 json unauthenticated"],
    ["another client's refresh token: sign in", { cookies: { [refreshCookie("otherclient00000000000")]: "r" } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["a cookie merely ending in refreshToken: sign in", { cookies: { "x.refreshToken": "r" } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    // loop markers
    ["just refreshed, still no session", { cookies: { [refreshCookie()]: "r", [REFRESHED]: String(NOW + 10) } }, "400 page cookies-blocked"],
    ["just refreshed, an API request", { uri: "/api/x", cookies: { [refreshCookie()]: "r", [REFRESHED]: String(NOW + 10) } }, "400 json cookies-blocked"],
    ["a stale refresh marker", { cookies: { [refreshCookie()]: "r", [REFRESHED]: String(NOW) } }, `302 https://${HOST}/refreshauth?return=${back("/docs/page.html")}`],
    ["just signed in, no session cookie kept", { cookies: { [SIGNED_IN]: String(NOW + 10) } }, "400 page cookies-blocked"],
    ["just signed in, a session that does not verify", { cookies: { [SIGNED_IN]: String(NOW + 10), [SESSION]: session({}, "z".repeat(43)) } }, "401 page session-rejected"],
    ["just signed in, a session cookie that is not one", { cookies: { [SIGNED_IN]: String(NOW + 10), [SESSION]: "garbage" } }, "401 page session-rejected"],
    ["just signed in, an expired session", { cookies: { [SIGNED_IN]: String(NOW + 10), [SESSION]: session({ x: NOW - 1 }) } }, "401 page session-rejected"],
    // sealed under other rules (the session key kept between deploys): run out, as expired
    ["a session sealed under other rules and a refresh token: refresh", { uri: "/admin/x", cookies: { [SESSION]: session({ g: [], r: rulesFingerprint([{ path: "/x/*", groups: ["x"] }]) }), [refreshCookie()]: "r" } }, `302 https://${HOST}/refreshauth?return=${back("/admin/x")}`],
    ["a session sealed under other rules: sign in", { cookies: { [SESSION]: session({ r: rulesFingerprint([{ path: "/admin/*", groups: ["admins"], exclude: [{ groups: ["interns"] }] }]) }) } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["a session sealed before rules had a fingerprint: sign in", { cookies: { [SESSION]: session({ r: undefined }) } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["just signed in, a session sealed under other rules", { cookies: { [SIGNED_IN]: String(NOW + 10), [SESSION]: session({ r: "AAAAAAAA" }) } }, "401 page session-rejected"],
    ["just signed in, an API request: 401, not a loop page", { uri: "/api/x", cookies: { [SIGNED_IN]: String(NOW + 10) } }, "401 json unauthenticated"],
    ["an unreadable marker counts as just set", { cookies: { [SIGNED_IN]: "garbage" } }, "400 page cookies-blocked"],
    ["a stale sign-in marker", { cookies: { [SIGNED_IN]: String(NOW - 1) } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    // sessions
    ["a valid session", { cookies: { [SESSION]: session() } }, "forward /docs/page.html"],
    ["a session valid for one more second", { cookies: { [SESSION]: session({ x: NOW + 1 }) } }, "forward /docs/page.html"],
    ["a session expiring now", { cookies: { [SESSION]: session({ x: NOW }) } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["a session under another key", { cookies: { [SESSION]: session({}, "z".repeat(43)) } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["another app client's session", { cookies: { [SESSION]: session({ c: "otherclient00000000000" }) } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["a session cookie without the __Host- prefix", { cookies: { "edgeauth-session": session() } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`],
    ["a session cookie with the prefix, when cookie.domain wants none", { cookies: { [SESSION]: session() } }, `302 https://${HOST}/signin?return=${back("/docs/page.html")}`, DOMAIN],
    ["the session cookie cookie.domain names", { cookies: { [sessionCookieName({ domain: "example.com" }, CLIENT)]: session() } }, "forward /docs/page.html", DOMAIN],
    ["the marker cookie.domain names", { cookies: { [markerName("signedin", { domain: "example.com" }, CLIENT)]: String(NOW + 10) } }, "400 page cookies-blocked", DOMAIN],
    // rules and rewrites
    ["a rule's group missing", { uri: "/admin/x.html", cookies: { [SESSION]: session() } }, "403 page forbidden"],
    ["a rule's group missing, an API request", { uri: "/admin/x.html", headers: JSON_FETCH, cookies: { [SESSION]: session() } }, "403 json forbidden"],
    ["a rule on the served object (/admin → /admin/index.html)", { uri: "/admin", cookies: { [SESSION]: session() } }, "403 page forbidden"],
    ["a rule through an encoded letter", { uri: "/%61dmin/x", cookies: { [SESSION]: session() } }, "403 page forbidden"],
    ["a rule's group present", { uri: "/admin", cookies: { [SESSION]: session({ g: ["admins"] }) } }, "forward /admin/index.html"],
    ["a rule without identity forwarding", { uri: "/admin/x.html", cookies: { [SESSION]: session() } }, "403 page forbidden", PLAIN],
    ["a folder is its index", { uri: "/docs/", cookies: { [SESSION]: session() } }, "forward /docs/index.html"],
    ["spa: a route is /index.html", { uri: "/app/route", cookies: { [SESSION]: session() } }, "forward /index.html", SPA],
    ["spa: a file is itself", { uri: "/app/main.js", cookies: { [SESSION]: session() } }, "forward /app/main.js", SPA],
    ["spa: a public-looking route serves /index.html, not public", { uri: "/assets/route" }, `302 https://${HOST}/signin?return=${back("/assets/route")}`, SPA],
    // sites
    ["site A's session on A", { host: "a.example.com", cookies: { [SESSION]: session() } }, "forward /docs/page.html", TWO_SITES],
    ["site A's session on B", { host: "b.example.com", cookies: { [SESSION]: session() } }, `302 https://b.example.com/signin?return=${back("/docs/page.html")}`, TWO_SITES],
  ])("%s", (_name, req, expected, config = FULL, key = KEY) => {
    expect(summary(check(req, config, key))).toBe(expected);
  });
});

describe("checkRequest: what the origin sees", () => {
  it("identity headers from the session, the id token whose hash it holds; look-alikes the viewer sent are gone", () => {
    const r = asRequest(check({ headers: [["X-Auth-User", "admin"], ["X_Auth_Groups", "admins"], ["x-auth_email", "x"], ["X-Other", "kept"]], cookies: { [SESSION]: session({ u: "jané", g: ["a,b", "users"] }), [idCookie()]: ID_TOKEN } }));
    const h = Object.fromEntries(Object.entries(r.headers).map(([n, v]) => [n, v.value]));
    expect(h).toEqual({ host: HOST, accept: "text/html", "x-other": "kept", "x-auth-user": "jan%C3%A9", "x-auth-email": "jane@example.com", "x-auth-groups": "a%2Cb,users", "x-auth-id-token": ID_TOKEN });
  });

  it.each<[string, Record<string, string>, Partial<SessionClaims>, Record<string, string | undefined>]>([
    ["no e-mail in the session: no x-auth-email", {}, { e: undefined }, { "x-auth-email": undefined }],
    ["groups cut to fit the cookie: x-auth-groups-truncated", {}, { gt: 1 }, { "x-auth-groups-truncated": "true" }],
    ["groups too long for one header once encoded: cut between names, x-auth-groups-truncated", {}, { g: Array.from({ length: 40 }, (_, i) => `${"é".repeat(20)}${i}`) }, { "x-auth-groups-truncated": "true" }],
    ["groups that fit: no x-auth-groups-truncated", {}, { g: ["a", "b"] }, { "x-auth-groups": "a,b", "x-auth-groups-truncated": undefined }],
    ["no id token cookie: no x-auth-id-token", {}, {}, { "x-auth-id-token": undefined }],
    ["an id token the session does not name: not forwarded", { [idCookie()]: `${ID_TOKEN}x` }, {}, { "x-auth-id-token": undefined }],
    ["another client's id token cookie: not forwarded", { [idCookie("jane", "otherclient00000000000")]: ID_TOKEN }, {}, { "x-auth-id-token": undefined }],
    ["an id token in chunks: joined and forwarded", { [`${idCookie()}.0`]: ID_TOKEN.slice(0, 20), [`${idCookie()}.1`]: ID_TOKEN.slice(20) }, {}, { "x-auth-id-token": ID_TOKEN }],
    ["another user's id token with the same hash: still the verified token", { [idCookie("other")]: ID_TOKEN }, {}, { "x-auth-id-token": ID_TOKEN }],
  ])("%s", (_name, cookies, o, expected) => {
    const r = asRequest(check({ cookies: { [SESSION]: session(o), ...cookies } }));
    for (const [n, v] of Object.entries(expected)) expect(r.headers[n]?.value, n).toBe(v);
  });

  it("without forwardIdentity: no identity headers, and the look-alikes still go", () => {
    const r = asRequest(check({ headers: [["X-Auth-User", "admin"]], cookies: { [SESSION]: session(), [idCookie()]: ID_TOKEN } }, PLAIN));
    expect(Object.keys(r.headers).sort()).toEqual(["accept", "host"]);
  });

  it("look-alikes go on public paths and preflights too", () => {
    for (const req of [{ uri: "/public/a.css" }, { method: "OPTIONS", headers: [["Access-Control-Request-Method", "GET"]] as [string, string][] }]) {
      const r = asRequest(check({ ...req, headers: [...(req.headers ?? []), ["X-Auth-User", "admin"]] }));
      expect(r.headers["x-auth-user"]).toBeUndefined();
    }
  });

  it("forwards the request it was given (cookies and query untouched)", () => {
    const req = request({ uri: "/docs/", query: "a=1", cookies: { [SESSION]: session(), other: "1" } });
    const out = checkRequest(req, FULL, KEY, NOW);
    expect(out).toBe(req);
    expect(asRequest(out).cookies.other?.value).toBe("1");
    expect(asRequest(out).querystring).toEqual({ a: { value: "1" } });
  });
});

describe("checkRequest: the responses", () => {
  it("every answer carries the site's security headers and no caching", () => {
    const config = configOf({ headers: { "x-frame-options": "SAMEORIGIN" }, apiPaths: ["/api/*"] });
    for (const req of [{}, { uri: "/api/x" }, { cookies: { [SIGNED_IN]: String(NOW + 10) } }]) {
      const r = asResponse(check(req, config));
      expect(r.headers["cache-control"]?.value).toBe("no-cache, no-store");
      expect(r.headers.pragma?.value).toBe("no-cache");
      expect(r.headers["x-frame-options"]?.value).toBe("SAMEORIGIN");
      expect(r.headers["strict-transport-security"]?.value).toMatch(/max-age=/);
    }
  });

  it("401 names the app client in WWW-Authenticate; 503 says when to retry", () => {
    expect(asResponse(check({ uri: "/api/x" })).headers["www-authenticate"]?.value).toBe(`Bearer realm="${CLIENT}"`);
    expect(asResponse(check({}, FULL, "")).headers["retry-after"]?.value).toBe("5");
  });

  it.each<[string, Req, FunctionConfig, string | undefined]>([
    ["a refused session cookie is cleared", { cookies: { [SESSION]: "garbage" } }, FULL, `Path=/; Secure; HttpOnly; Max-Age=0`],
    ["an expired one too, on the way to refresh", { cookies: { [SESSION]: session({ x: NOW - 1 }), [refreshCookie()]: "r" } }, FULL, `Path=/; Secure; HttpOnly; Max-Age=0`],
    ["with cookie.domain, cleared for that domain", { cookies: { [sessionCookieName({ domain: "example.com" }, CLIENT)]: "garbage" } }, DOMAIN, `Path=/; Secure; HttpOnly; Max-Age=0; Domain=example.com`],
    ["no session cookie: nothing to clear", {}, FULL, undefined],
    ["another client's session cookie is cleared too", { cookies: { [SESSION]: session({ c: "otherclient00000000000" }) } }, FULL, `Path=/; Secure; HttpOnly; Max-Age=0`],
  ])("%s", (_name, req, config, attributes) => {
    const r = asResponse(check(req, config));
    const name = config === DOMAIN ? sessionCookieName({ domain: "example.com" }, CLIENT) : SESSION;
    expect(r.cookies[name]?.attributes).toBe(attributes);
    if (attributes) expect(r.cookies[name]?.value).toBe("");
  });

  it.each<[Req, string, ErrorCode]>([
    [{ uri: "/api/x" }, KEY, "unauthenticated"],
    [{ uri: "/admin/x.html", headers: JSON_FETCH, cookies: { [SESSION]: session() } }, KEY, "forbidden"],
    [{ uri: "/api/x", cookies: { [refreshCookie()]: "r", [REFRESHED]: String(NOW + 10) } }, KEY, "cookies-blocked"],
    [{ uri: "/api/x" }, "", "cognito-unavailable"],
  ])("JSON answers carry the code and the sentence as plain text: %j", (req, key, code) => {
    const r = asResponse(check(req, FULL, key));
    expect(r.statusCode).toBe(ERRORS[code].status);
    expect(JSON.parse(r.body!.data)).toEqual({ error: code, message: ERRORS[code].sentence });
  });

  it("error pages are the build's escaped texts; the 403 page links to sign out", () => {
    const r = asResponse(check({ uri: "/admin/x.html", cookies: { [SESSION]: session() } }));
    expect(r.headers["content-type"]?.value).toBe("text/html; charset=utf-8");
    expect(r.body?.data).toContain(`<title>${ERRORS.forbidden.title}</title>`);
    expect(r.body?.data).toContain('<a href="&#47;signout">Sign out or switch account</a>');
  });

  it("never throws, and never leaves the site, whatever the cookies and path", () => {
    const junk = ["", "%", "a.b", ".", "é.é", `${"A".repeat(5000)}.x`, "e30.e30", session().replace(".", "..")];
    for (const value of junk) {
      for (const uri of ["/", "/%", "/a/../../b", "/\u0000", "//x", "/\\x"]) {
        const out = check({ uri, cookies: { [SESSION]: value, [SIGNED_IN]: value, [refreshCookie()]: value } });
        if (isResponse(out) && out.headers.location) expect(new URL(out.headers.location.value).host).toBe(HOST);
      }
    }
  });
});
