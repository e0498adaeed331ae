/**
 * The two viewer checks decide alike: one table of requests, each with its expected decision, run through the
 * BUILT check-auth (Lambda@Edge) and the BUILT CloudFront Function (in the runtime emulator, and under njs), every
 * answer normalised into one shape (test/helpers/differential.ts, which also names the differences that are by
 * design). A decision one path makes and the other does not fails a row. (jose's differential tests are the model.)
 *
 * Adding a row: a name, what the browser sends (`RequestSpec`: path, headers, the session it holds, loop markers,
 * more cookies) and the decision. Adding a config: a raw auth.config.json and its rows; it is built once.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { njsAvailable } from "../../scripts/cloudfront-function-runtime/njs";
import { ERRORS } from "../../shared/outcomes/errors";
import type { ErrorCode } from "../../shared/outcomes/errors";
import { buildDiffEnv, decide, DEFAULT_HOST, expectedOriginHeaders, expectedResponseHeaders } from "../helpers/differential";
import type { Decision, DiffEnv, RequestSpec } from "../helpers/differential";
import { makeIssuer } from "../helpers/tokens";

const NOW = Math.floor(Date.now() / 1000);
const issuer = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Diff1", clientId: "differentialclient0001" });
const CLIENT_B = "differentialclient0002";
const POOL = { logLevel: "silent", region: issuer.region, userPoolId: issuer.userPoolId, domain: "auth.example.com", jwks: { keys: [issuer.key.jwk] } };
/** Stands for the id token of the row's session in expected identity headers. */
const ID_TOKEN = "<id-token>";

/** What a row expects, given the config, the request and the row's id token. */
type Expect = (env: DiffEnv, spec: RequestSpec, idToken: string | undefined) => Decision;
/**
 * A row: what the browser sends and the decision both paths must make. A disagreement known today and not fixable
 * where the table lives carries what the function does instead and why (`differs`): the row then pins both answers,
 * and fails once the paths agree, so it moves back into the table.
 */
type Row = [name: string, spec: RequestSpec, expected: Expect, differs?: { function: Expect; why: string }];

/** On to the origin at `uri`, with the viewer's headers (look-alikes stripped) and these identity headers. */
const on =
  (uri: string, identity: Record<string, string> = {}): Expect =>
  (_env, spec, idToken) => {
    const id: Record<string, string> = {};
    for (const [n, v] of Object.entries(identity)) id[n] = v === ID_TOKEN ? idToken ?? "(no id token)" : v;
    return { kind: "forward", uri, headers: expectedOriginHeaders(spec, id) };
  };
/** The site's origin as the viewer addressed it (http only when CloudFront-Forwarded-Proto says so). */
const originOf = (spec: RequestSpec) => `${spec.headers?.["CloudFront-Forwarded-Proto"] === "http" ? "http" : "https"}://${(spec.host ?? DEFAULT_HOST).toLowerCase()}`;
/** To the Hosted UI for the site of `site` (index), back to the request's own origin, returning to `ret`. */
const toSignIn =
  (ret: string, site = 0): Expect =>
  (env, spec) => ({ kind: "redirect", to: "sign-in", status: 302, client: env.sites[site]!.config.clientId, origin: originOf(spec), return: ret });
const toRefresh =
  (ret: string, status = 302): Expect =>
  (env, spec) => ({ kind: "redirect", to: "refresh", status, origin: originOf(spec), return: ret, headers: expectedResponseHeaders(env, spec, status) });
/** An error page (HTML) for the code, or the same as JSON for an API request. */
const page =
  (code: ErrorCode): Expect =>
  (env, spec) => ({ kind: "error", status: ERRORS[code].status, code, headers: expectedResponseHeaders(env, spec, ERRORS[code].status, "text/html; charset=utf-8") });
const json =
  (code: ErrorCode): Expect =>
  (env, spec) => ({ kind: "json", status: ERRORS[code].status, code, headers: expectedResponseHeaders(env, spec, ERRORS[code].status, "application/json") });

/** Identity headers of the default user ("jane", verified e-mail) with these groups. */
const jane = (groups = ""): Record<string, string> => ({ "x-auth-user": "jane", "x-auth-email": "user@example.com", "x-auth-groups": groups, "x-auth-id-token": ID_TOKEN });

const JSON_FETCH = { Accept: "application/json" };
const signedIn: RequestSpec = { path: "/", session: "valid", groups: ["users"] };
const admin: RequestSpec = { path: "/", session: "valid", groups: ["admins"] };

// ------------------------------------------------------------------------------------------------ the configs

/** One site: public paths, API paths, a rule, identity forwarding, index rewrite (the default). */
const ONE_SITE = {
  ...POOL,
  clientId: issuer.clientId,
  publicPaths: ["/public/*", "/favicon.ico"],
  apiPaths: ["/api/*"],
  rules: [{ path: "/admin/*", groups: ["admins"] }],
  forwardIdentity: true,
};

const ONE_SITE_ROWS: Row[] = [
  // signed in
  ["signed in: a page", { ...signedIn, path: "/docs/page.html" }, on("/docs/page.html", jane("users"))],
  ["signed in: a folder is its index", { ...signedIn, path: "/docs/" }, on("/docs/index.html", jane("users"))],
  ["signed in: an extension-less path is its folder's index", { ...signedIn, path: "/docs" }, on("/docs/index.html", jane("users"))],
  ["signed in: the query string is not the origin's business here, but it is kept", { ...signedIn, path: "/docs/a.html", query: "q=1&q=2" }, on("/docs/a.html", jane("users"))],
  ["signed in: spoofed identity headers and look-alikes never reach the origin", { ...signedIn, path: "/a.html", headers: { "X-Auth-User": "admin", X_Auth_Groups: "admins", "x-auth_email": "a@b", "X-AUTH-ANYTHING": "1" } }, on("/a.html", jane("users"))],
  ["signed in: no groups", { path: "/a.html", session: "valid" }, on("/a.html", jane(""))],
  ["signed in: several groups, one with a comma and one not ASCII", { path: "/a.html", session: "valid", groups: ["a,b", "café", "users"] }, on("/a.html", jane("a%2Cb,caf%C3%A9,users"))],
  ["signed in: a username that is not plain ASCII is percent-encoded", { path: "/a.html", session: "valid", username: "jané doe" }, on("/a.html", { ...jane(""), "x-auth-user": "jan%C3%A9%20doe" })],
  ["signed in with a refresh token too", { ...signedIn, path: "/a.html", refreshToken: true }, on("/a.html", jane("users"))],
  ["signed in: stale loop markers change nothing", { ...signedIn, path: "/a.html", markers: { signedin: "stale", refreshed: "stale" } }, on("/a.html", jane("users"))],
  ["signed in: fresh loop markers change nothing either", { ...signedIn, path: "/a.html", markers: { signedin: "active", refreshed: "active" } }, on("/a.html", jane("users"))],
  ["signed in: POST goes on", { ...signedIn, method: "POST", path: "/form.html" }, on("/form.html", jane("users"))],
  // rules
  ["forbidden by a rule", { ...signedIn, path: "/admin/x.html" }, page("forbidden")],
  ["forbidden by a rule on the object served (/admin → /admin/index.html)", { ...signedIn, path: "/admin" }, page("forbidden")],
  ["forbidden by a rule, to an API request: JSON", { ...signedIn, path: "/admin/x.html", headers: JSON_FETCH }, json("forbidden")],
  ["allowed by a rule", { ...admin, path: "/admin/x.html" }, on("/admin/x.html", jane("admins"))],
  ["allowed by a rule: /admin is /admin/index.html", { ...admin, path: "/admin" }, on("/admin/index.html", jane("admins"))],
  // signed out
  ["signed out: a page", { path: "/docs/page.html", query: "q=1" }, toSignIn("/docs/page.html?q=1")],
  ["signed out: the way back keeps the query exactly", { path: "/p", query: "a=1&b=2&a=3&x=&y" }, toSignIn("/p?a=1&b=2&a=3&x=&y")],
  ["signed out: a bare ? ", { path: "/p", query: "" }, toSignIn("/p")],
  ["signed out: POST is sent to sign in too", { method: "POST", path: "/form.html" }, toSignIn("/form.html")],
  ["signed out: an API path", { path: "/api/items" }, json("unauthenticated")],
  ["signed out: an API path under a dot segment", { path: "/x/../api/items" }, json("unauthenticated")],
  ["signed out: fetch() with Accept: application/json", { path: "/data.json", headers: JSON_FETCH }, json("unauthenticated")],
  ["signed out: a background request (Sec-Fetch-Mode: cors)", { path: "/data.json", headers: { Accept: "*/*", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty" } }, json("unauthenticated")],
  ["signed out: an image (Sec-Fetch-Mode: no-cors)", { path: "/logo.png", headers: { Accept: "image/avif,image/webp,*/*", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image" } }, json("unauthenticated")],
  ["signed out: a navigation (Sec-Fetch-Mode: navigate, Accept */*)", { path: "/a.html", headers: { Accept: "*/*", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" } }, toSignIn("/a.html")],
  ["signed out: X-Requested-With alone is a navigation (Accept decides)", { path: "/a.html", headers: { "X-Requested-With": "XMLHttpRequest" } }, toSignIn("/a.html")],
  ["signed out: X-Requested-With with Accept json", { path: "/a.html", headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json, text/javascript" } }, json("unauthenticated")],
  ["signed out over http (CloudFront-Forwarded-Proto: http): back to http", { path: "/a.html", headers: { "CloudFront-Forwarded-Proto": "http" } }, toSignIn("/a.html")],
  ["signed out: no Accept header at all", { path: "/a.html", headers: { Accept: "" } }, toSignIn("/a.html")],
  // expired, with and without a refresh token
  ["expired with a refresh token: to refresh", { path: "/docs/a.html", query: "x=1", session: "expired", refreshToken: true }, toRefresh("/docs/a.html?x=1")],
  ["expired with a refresh token, POST: 307 keeps the method", { method: "POST", path: "/form.html", session: "expired", refreshToken: true }, toRefresh("/form.html", 307)],
  ["expired with a refresh token, an API request: refresh too", { path: "/api/items", session: "expired", refreshToken: true }, toRefresh("/api/items")],
  ["expired with a refresh token, HEAD: 302", { method: "HEAD", path: "/a.html", session: "expired", refreshToken: true }, toRefresh("/a.html")],
  ["expired with a refresh token, over http: back to http", { path: "/a.html", session: "expired", refreshToken: true, headers: { "CloudFront-Forwarded-Proto": "http" } }, toRefresh("/a.html")],
  ["a refresh token alone: to refresh", { path: "/a.html", refreshToken: true }, toRefresh("/a.html")],
  ["expired without a refresh token: sign in", { path: "/a.html", session: "expired" }, toSignIn("/a.html")],
  ["expired without a refresh token, an API request: 401", { path: "/api/x", session: "expired" }, json("unauthenticated")],
  // forged, another client's
  ["forged: sign in", { path: "/a.html", session: "forged", groups: ["admins"] }, toSignIn("/a.html")],
  ["forged on a rule's path: sign in, never the page", { path: "/admin/x.html", session: "forged", groups: ["admins"] }, toSignIn("/admin/x.html")],
  ["forged, an API request: 401", { path: "/api/x", session: "forged" }, json("unauthenticated")],
  ["token cookies and a session cookie that are not tokens at all: sign in", { path: "/a.html", cookies: [["__Host-edgeauth-session", "garbage"], ["CognitoIdentityServiceProvider.differentialclient0001.LastAuthUser", "jane"], ["CognitoIdentityServiceProvider.differentialclient0001.jane.idToken", "garbage"]] }, toSignIn("/a.html")],
  ["just signed in, cookies that are not tokens at all: a page", { path: "/a.html", markers: { signedin: "active" }, cookies: [["__Host-edgeauth-session", "garbage"], ["CognitoIdentityServiceProvider.differentialclient0001.LastAuthUser", "jane"], ["CognitoIdentityServiceProvider.differentialclient0001.jane.idToken", "garbage"]] }, page("session-rejected")],
  ["forged, with a refresh token: sign in, not a refresh", { path: "/a.html", session: "forged", refreshToken: true }, toSignIn("/a.html")],
  ["forged, with a refresh token, an API request: 401", { path: "/api/x", session: "forged", refreshToken: true }, json("unauthenticated")],
  ["forged, with a refresh token, just refreshed: sign in (the refresh marker is not this loop's)", { path: "/a.html", session: "forged", refreshToken: true, markers: { refreshed: "active" } }, toSignIn("/a.html")],
  ["another app client's session, with its refresh token: sign in (none of it is this client's)", { path: "/a.html", session: "other-client", refreshToken: true }, toSignIn("/a.html")],
  ["just signed in, another app client's session: no session of ours was kept", { path: "/a.html", session: "other-client", markers: { signedin: "active" } }, page("cookies-blocked")],
  ["cookies that are not tokens, with a refresh token: sign in", { path: "/a.html", refreshToken: true, cookies: [["__Host-edgeauth-session", "garbage"], ["CognitoIdentityServiceProvider.differentialclient0001.jane.idToken", "garbage"]] }, toSignIn("/a.html")],
  ["another app client's session: sign in", { path: "/a.html", session: "other-client" }, toSignIn("/a.html")],
  // public, preflight
  ["public: no session needed", { path: "/public/a.css" }, on("/public/a.css")],
  ["public: look-alike identity headers are stripped there too", { path: "/public/a.css", headers: { "X-Auth-User": "admin" } }, on("/public/a.css")],
  ["public: a forged session changes nothing", { path: "/favicon.ico", session: "forged" }, on("/favicon.ico")],
  ["public: a signed-in request gets no identity headers", { ...signedIn, path: "/public/a.css" }, on("/public/a.css")],
  ["public glob, but the object served is not public (/public/x → /public/x/index.html)", { path: "/public/x" }, on("/public/x/index.html")],
  ["a CORS preflight goes on without a session", { method: "OPTIONS", path: "/api/x", headers: { "Access-Control-Request-Method": "POST", Origin: "https://app.example.com" } }, on("/api/x/index.html")],
  ["OPTIONS without Access-Control-Request-Method is not a preflight", { method: "OPTIONS", path: "/a.html" }, toSignIn("/a.html")],
  // loop markers
  ["just signed in, no cookies kept: a page, not another sign-in", { path: "/a.html", markers: { signedin: "active" } }, page("cookies-blocked")],
  ["just signed in, a session that does not verify: a page", { path: "/a.html", session: "forged", markers: { signedin: "active" } }, page("session-rejected")],
  ["just signed in, an expired session: a page", { path: "/a.html", session: "expired", markers: { signedin: "active" } }, page("session-rejected")],
  ["just signed in, an API request: 401 (not a page)", { path: "/api/x", markers: { signedin: "active" } }, json("unauthenticated")],
  ["a stale sign-in marker: sign in again", { path: "/a.html", markers: { signedin: "stale" } }, toSignIn("/a.html")],
  ["just refreshed, still expired: a page, not another refresh", { path: "/a.html", session: "expired", refreshToken: true, markers: { refreshed: "active" } }, page("cookies-blocked")],
  ["just refreshed, still expired, an API request: JSON", { path: "/api/x", session: "expired", refreshToken: true, markers: { refreshed: "active" } }, json("cookies-blocked")],
  ["a stale refresh marker: refresh again", { path: "/a.html", session: "expired", refreshToken: true, markers: { refreshed: "stale" } }, toRefresh("/a.html")],
  // hostile paths against the rule (signed in without the group) and the public paths (signed out)
  ...(
    [
      ["/public/../admin/x", "/public/../admin/x"],
      ["/public/./../admin/x", "/public/./../admin/x"],
      ["/%61dmin/x", "/%61dmin/x"],
      ["/%61%64%6d%69%6e/x", "/%61%64%6d%69%6e/x"],
      ["//admin/x", "/"],
      ["/./admin/x", "/./admin/x"],
      ["/public/%2e%2e/admin/x", "/public/%2e%2e/admin/x"],
      ["/public/%2E%2E/admin/x", "/public/%2E%2E/admin/x"],
      ["/public/..;/admin/x", "/public/..;/admin/x"],
      ["/public/..%2fadmin/x", "/public/..%2fadmin/x"],
      ["/public/..%5cadmin/x", "/public/..%5cadmin/x"],
      ["/public/..\\admin/x", "/public/..%5Cadmin/x"],
      ["/public\\..\\admin/x", "/public%5C..%5Cadmin/x"],
    ] as const
  ).flatMap(([path, back]): Row[] => [
    [`hostile ${path}: the rule holds`, { ...signedIn, path }, page("forbidden")],
    [`hostile ${path}: never public`, { path }, toSignIn(back)],
  ]),
  ["hostile: double encoding is not decoded twice (/public/%252e%252e/admin/x is a public file)", { path: "/public/%252e%252e/admin/x" }, on("/public/%252e%252e/admin/x/index.html")],
  ["hostile: an encoded slash under a rule's folder: the rule holds", { ...signedIn, path: "/admin%2Fx.html" }, page("forbidden")],
  ["hostile: a double-encoded rule path is another object (/%2561dmin/x is the key %61dmin/x)", { ...signedIn, path: "/%2561dmin/x.html" }, on("/%2561dmin/x.html", jane("users"))],
  ["hostile: an encoded slash is not a public path", { path: "/public%2Fa.css" }, toSignIn("/public%2Fa.css")],
  ["hostile: an undecodable path is never public", { path: "/public/%ZZ" }, toSignIn("/public/%ZZ")],
  ["hostile: a look-alike of a public path", { path: "/publicity/x.html" }, toSignIn("/publicity/x.html")],
  ["hostile: rule paths are case-sensitive, as S3 keys are (/ADMIN/x is another object)", { ...signedIn, path: "/ADMIN/x.html" }, on("/ADMIN/x.html", jane("users"))],
  ["hostile: /Public/ is not /public/", { path: "/Public/a.css" }, toSignIn("/Public/a.css")],
  ["hostile: a raw non-ASCII path, signed out: the way back is encoded", { path: "/docs/café.html" }, toSignIn("/docs/caf%C3%A9.html")],
  ["hostile: a raw non-ASCII path, signed in", { ...signedIn, path: "/docs/café.html" }, on("/docs/café.html", jane("users"))],
  ["hostile: an encoded non-ASCII path", { path: "/docs/caf%C3%A9.html" }, toSignIn("/docs/caf%C3%A9.html")],
  ["hostile: //evil.com as the path never becomes the way back", { path: "//evil.example/x" }, toSignIn("/")],
  ["hostile: /\\evil.com as the path never becomes the way back", { path: "/\\evil.example/x" }, toSignIn("/")],
  ["hostile: a query that would be an open redirect stays a query", { path: "/a.html", query: "return=https://evil.example" }, toSignIn("/a.html?return=https://evil.example")],
  ["hostile: a path without a leading slash", { path: "docs" }, page("bad-request")],
  ["hostile: a path over 8 KB", { path: `/${"a".repeat(8200)}` }, page("uri-too-long")],
  ["hostile: a query over 8 KB", { path: "/a.html", query: `q=${"a".repeat(8200)}` }, page("uri-too-long")],
  ["hostile: a query too long to come back to: back to the bare path", { path: "/a.html", query: `q=${"a".repeat(3000)}` }, toSignIn("/a.html")],
  ["hostile: a query that only encoding makes too long: back to the bare path", { path: "/a.html", query: `q=${"é".repeat(600)}` }, toSignIn("/a.html")],
  ["hostile: expired, a query too long to come back to: refresh, back to the bare path", { path: "/a.html", query: `q=${"a".repeat(3000)}`, session: "expired", refreshToken: true }, toRefresh("/a.html")],
  ["hostile: a bad Host header", { path: "/a.html", host: "evil.example/x" }, page("bad-host")],
  ["a Host with a port and upper case: the way back keeps the port", { path: "/a.html", host: "WWW.Example.com:8443" }, toSignIn("/a.html")],
];

/** spa mode: the SPA fallback serves /index.html for client-side routes; Amplify-readable cookies; cookies for a domain (no __Host- prefix). */
const SPA = {
  ...POOL,
  clientId: issuer.clientId,
  mode: "spa",
  spaFallback: true,
  cookie: { domain: "example.com" },
  publicPaths: ["/assets/*", "/index.html"],
};

const SPA_ROWS: Row[] = [
  ["signed in: a client-side route is /index.html", { ...signedIn, path: "/app/route" }, on("/index.html")],
  ["signed in: a file is itself", { ...signedIn, path: "/app/main.js" }, on("/app/main.js")],
  ["signed in: the root is its index", { ...signedIn, path: "/" }, on("/index.html")],
  ["signed in: a folder is its index", { ...signedIn, path: "/docs/" }, on("/docs/index.html")],
  ["signed in: spoofed identity headers are stripped even without forwardIdentity", { ...signedIn, path: "/app/route", headers: { "X-Auth-User": "admin" } }, on("/index.html")],
  ["signed out: a client-side route", { path: "/app/route", query: "tab=2" }, toSignIn("/app/route?tab=2")],
  ["signed out: a public asset", { path: "/assets/app.js" }, on("/assets/app.js")],
  ["signed out: a public-looking route serves /index.html, which is public here", { path: "/assets/route" }, on("/index.html")],
  ["signed out: the root (served /index.html, public, but / itself is not)", { path: "/" }, toSignIn("/")],
  ["signed out: fetch() to an API-like route", { path: "/api/me", headers: JSON_FETCH }, json("unauthenticated")],
  ["expired with a refresh token", { path: "/app/route", session: "expired", refreshToken: true }, toRefresh("/app/route")],
  ["expired without one", { path: "/app/route", session: "expired" }, toSignIn("/app/route")],
  ["forged", { path: "/app/route", session: "forged" }, toSignIn("/app/route")],
  ["just signed in, no cookies kept", { path: "/app/route", markers: { signedin: "active" } }, page("cookies-blocked")],
  ["just refreshed, still expired", { path: "/app/route", session: "expired", refreshToken: true, markers: { refreshed: "active" } }, page("cookies-blocked")],
  ["a __Host- marker is not this config's marker", { path: "/app/route", cookies: [["__Host-edgeauth-signedin", String(NOW + 300)]] }, toSignIn("/app/route")],
  ["a preflight", { method: "OPTIONS", path: "/app/route", headers: { "Access-Control-Request-Method": "PUT" } }, on("/index.html")],
  ["hostile: a dot segment out of the assets", { path: "/assets/../app/route" }, toSignIn("/assets/../app/route")],
];

/** Two sites, each its own app client; a host no site names is refused. */
const HOST_A = "site-a.example.com";
const HOST_B = "site-b.example.com";
const TWO_SITES = {
  ...POOL,
  sites: [
    { hosts: [HOST_A], clientId: issuer.clientId, rules: [{ path: "/admin/*", groups: ["admins"] }], forwardIdentity: true },
    { hosts: [HOST_B, "*.b.example.com"], clientId: CLIENT_B, publicPaths: ["/open/*"], apiPaths: ["/api/*"] },
  ],
};

/**
 * Known difference: the session cookie's name is the same for every site (the token cookies' names carry the app
 * client), so on site B the function cannot tell a forged session cookie of site A's from a forged one of its own:
 * check-auth sees no session of B ("cookies-blocked"), the function a refused one ("session-rejected"). Only a
 * shared cookie.domain lets a browser send A's cookies to B. Per-site cookie names remove it.
 */
const SHARED_SESSION_NAME = "one session cookie name for every site";

/** The index of the site a Host picks in a raw config with `sites` (exact names, then `*.` wildcards). */
function siteIndexOf(raw: Record<string, unknown>, host: string | undefined): number {
  const sites = raw.sites as { hosts: string[] }[];
  const h = (host ?? DEFAULT_HOST).toLowerCase();
  const exact = sites.findIndex((s) => s.hosts.includes(h));
  return exact !== -1 ? exact : sites.findIndex((s) => s.hosts.some((p) => p.startsWith("*.") && h.endsWith(p.slice(1)) && !h.slice(0, -p.length + 1).includes(".")));
}

const TWO_SITE_ROWS: Row[] = [
  ["A's session on A", { ...signedIn, host: HOST_A, path: "/a.html" }, on("/a.html", jane("users"))],
  ["A's session on A, a Host in upper case", { ...signedIn, host: "SITE-A.example.com", path: "/a.html" }, on("/a.html", jane("users"))],
  ["A's rule on A", { ...signedIn, host: HOST_A, path: "/admin/x.html" }, page("forbidden")],
  ["A's session on B: B's own sign-in", { ...signedIn, host: HOST_B, path: "/a.html" }, toSignIn("/a.html", 1)],
  ["A's session on a host under B's wildcard: B's sign-in", { ...signedIn, host: "x.b.example.com", path: "/a.html" }, toSignIn("/a.html", 1)],
  ["B's session on B", { ...signedIn, sessionSite: 1, host: HOST_B, path: "/a.html" }, on("/a.html")],
  ["B's session on A: A's sign-in", { ...signedIn, sessionSite: 1, host: HOST_A, path: "/a.html" }, toSignIn("/a.html", 0)],
  ["B's rule-free /admin/ is B's own", { ...signedIn, sessionSite: 1, host: HOST_B, path: "/admin/x.html" }, on("/admin/x.html")],
  ["B's public path", { host: HOST_B, path: "/open/a.css" }, on("/open/a.css")],
  ["B's public path is not A's", { host: HOST_A, path: "/open/a.css" }, toSignIn("/open/a.css", 0)],
  ["B's API path", { host: HOST_B, path: "/api/x" }, json("unauthenticated")],
  ["B expired with a refresh token", { sessionSite: 1, session: "expired", refreshToken: true, host: HOST_B, path: "/a.html" }, toRefresh("/a.html")],
  ["A's refresh token on B is not B's", { refreshToken: true, host: HOST_B, path: "/a.html" }, toSignIn("/a.html", 1)],
  ["B just signed in, no cookies kept", { host: HOST_B, path: "/a.html", sessionSite: 1, markers: { signedin: "active" } }, page("cookies-blocked")],
  [
    "A's forged session on B, just signed in",
    { session: "forged", host: HOST_B, path: "/a.html", markers: { signedin: "active" } },
    page("cookies-blocked"),
    { function: page("session-rejected"), why: SHARED_SESSION_NAME },
  ],
  ["an unknown host: 421", { ...signedIn, host: "evil.example.com", path: "/a.html" }, page("unknown-host")],
  ["the parent domain is no site: 421", { host: "example.com", path: "/a.html" }, page("unknown-host")],
  ["two labels under B's wildcard: 421", { host: "x.y.b.example.com", path: "/a.html" }, page("unknown-host")],
  ["a site's name as a prefix: 421", { host: "site-a.example.com.evil.net", path: "/a.html" }, page("unknown-host")],
  ["an unknown host, a public path of a site: 421", { host: "evil.example.com", path: "/open/a.css" }, page("unknown-host")],
  ["an unknown host, a preflight: 421", { host: "evil.example.com", method: "OPTIONS", path: "/a", headers: { "Access-Control-Request-Method": "POST" } }, page("unknown-host")],
];

const CONFIGS: { name: string; raw: Record<string, unknown>; rows: Row[] }[] = [
  { name: "one site (rules, publicPaths, apiPaths, forwardIdentity)", raw: ONE_SITE, rows: ONE_SITE_ROWS },
  { name: "spa mode", raw: SPA, rows: SPA_ROWS },
  { name: "two sites", raw: TWO_SITES, rows: TWO_SITE_ROWS },
];

const NJS = njsAvailable();

describe.each(CONFIGS)("$name: check-auth and the CloudFront Function decide alike", ({ raw, rows }) => {
  let env: DiffEnv;
  beforeAll(async () => {
    env = await buildDiffEnv(raw, issuer, NOW);
  }, 180_000);

  it.each(rows)("%s", async (_name, spec, expected, differs) => {
    const r = await decide(env, spec, { njs: NJS });
    const want = expected(env, spec, r.idToken);
    const fnWant = differs ? differs.function(env, spec, r.idToken) : want;
    // One assertion, so a failure shows which path strays: check-auth, the function, or the function under njs.
    expect({ checkAuth: r.edge, function: r.fn, ...(NJS ? { njs: r.njs } : {}) }).toEqual({ checkAuth: want, function: fnWant, ...(NJS ? { njs: fnWant } : {}) });
  });

  it("property: any mix of the table's ingredients gets the same decision from both (emulator only)", async () => {
    await fc.assert(
      fc.asyncProperty(requests(raw), async (spec) => {
        // The known difference below (SHARED_SESSION_NAME): a session cookie of ours that is not this site's.
        fc.pre(!(spec.session === "forged" && raw.sites !== undefined && siteIndexOf(raw, spec.host) !== (spec.sessionSite ?? 0)));
        const r = await decide(env, spec, { njs: false });
        expect(r.fn).toEqual(r.edge);
      }),
      { numRuns: 60 },
    );
  });
});

/** Requests made of the table's ingredients: hostile path pieces, the config's hosts, headers, sessions, markers. */
function requests(raw: Record<string, unknown>): fc.Arbitrary<RequestSpec> {
  const sites = (raw.sites as { hosts: string[] }[] | undefined) ?? [{ hosts: [DEFAULT_HOST] }];
  const hosts = [...sites.flatMap((s) => s.hosts.map((h) => h.replace("*.", "x."))), "evil.example.com"];
  const piece = fc.constantFrom("admin", "ADMIN", "%61dmin", "public", "api", "assets", "open", "docs", "x.html", "a.css", "index.html", "..", ".", "%2e%2e", "%2F", "%5C", "\\", "", "é", "%C3%A9", "%ZZ", "%252e%252e", "a b", "route");
  const path = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => `/${p.join("/")}`);
  const header = fc.record(
    {
      Accept: fc.constantFrom("application/json", "*/*", "image/webp,*/*", ""),
      "Sec-Fetch-Mode": fc.constantFrom("navigate", "cors", "no-cors"),
      "Access-Control-Request-Method": fc.constant("POST"),
      "X-Auth-User": fc.constant("admin"),
      "CloudFront-Forwarded-Proto": fc.constantFrom("http", "https"),
    },
    { requiredKeys: [] },
  );
  return fc.record(
    {
      host: fc.constantFrom(...hosts),
      method: fc.constantFrom("GET", "HEAD", "POST", "OPTIONS"),
      path,
      query: fc.constantFrom("a=1&a=2", "", "return=//evil.example", "q=é", `q=${"a".repeat(2100)}`),
      headers: header,
      session: fc.constantFrom("valid", "expired", "forged", "other-client"),
      sessionSite: fc.nat(sites.length - 1),
      groups: fc.constantFrom(["admins"], ["users"], []),
      refreshToken: fc.boolean(),
      markers: fc.record({ signedin: fc.constantFrom("active", "stale"), refreshed: fc.constantFrom("active", "stale") }, { requiredKeys: [] }),
    },
    { requiredKeys: ["path"] },
  ) as fc.Arbitrary<RequestSpec>;
}
