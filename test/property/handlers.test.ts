/**
 * Hostile input to every viewer-request handler (the decision wrapped by viewerHandler): it never throws, always
 * answers with the request or a 2xx/3xx/4xx/503 response carrying no-cache, and never redirects anywhere but the
 * site's own origin or the configured Hosted UI.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import type { CloudFrontRequestEvent, CloudFrontResultResponse } from "aws-lambda";
import { checkAuth } from "../../shared/edge/check-auth";
import { toEdgeRequest, viewerHandler } from "../../shared/edge/lambda-edge";
import type { EdgeContext } from "../../shared/edge/deps";
import type { EdgeRequest, Outcome } from "../../shared/edge/request";
import { parseAuth } from "../../shared/edge/parse-auth";
import { siteOrigin } from "../../shared/viewer/redirect";
import { refreshAuth } from "../../shared/edge/refresh-auth";
import { signOut } from "../../shared/edge/sign-out";
import { encodeCookieName } from "../../shared/edge/cookie-codec";
import { lastAuthUserName, tokenCookieName } from "../../shared/edge/session-store";
import { viewerRequest } from "../helpers/events";
import { HOSTED_UI, NOW_MS, NOW_S, cognitoStandIn, makeContext } from "../helpers/harness";
import type { StandIn } from "../helpers/harness";
import { sessionCookieHeader } from "../helpers/session";
import { idClaims, makeIssuer, makeKey, sign, testConfig, tokensFor } from "../helpers/tokens";

const iss = makeIssuer();
const USER = "user+tag@example.com";
const config = testConfig(iss, {
  clientSecret: "topsecretclientsecret0123456789",
  publicPaths: ["/public/*"],
  apiPaths: ["/api/*"],
  rules: [{ path: "/admin/*", groups: ["admins"] }],
  forwardIdentity: true,
  logLevel: "silent",
});

type Decide = (req: EdgeRequest, ctx: EdgeContext) => Promise<Outcome>;
const HANDLERS: [string, Decide, string][] = [
  ["check-auth", checkAuth, "/"],
  ["parse-auth", parseAuth, "/parseauth"],
  ["refresh-auth", refreshAuth, "/refreshauth"],
  ["sign-out", signOut, "/signout"],
];

let validSession = "";
let expiredSession = "";
let forgedSession = "";
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW_MS);
  validSession = sessionCookieHeader(iss.clientId, { username: USER, ...tokensFor(iss, { username: USER, iat: NOW_S - 60, groups: ["admins"] }), refreshToken: "r".repeat(40) });
  expiredSession = sessionCookieHeader(iss.clientId, { username: USER, ...tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 }), refreshToken: "r".repeat(40) });
  forgedSession = sessionCookieHeader(iss.clientId, { username: USER, idToken: sign(idClaims(iss, { username: USER, iat: NOW_S }), makeKey(), { kid: iss.key.kid }) });
});
afterAll(() => {
  vi.useRealTimers();
});

const garbage = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: fc.constantFrom("%", "2", "F", "5", "C", "/", "\\", ".", "?", "&", "=", "#", "\r", "\n", "\t", " ", "\u0000", "é", "😀", "+", ";", '"'), maxLength: 60 }),
  fc.constantFrom("", "//evil.com", "/\\evil.com", "https://evil.com", "javascript:alert(1)", "%2F%2Fevil.com", "/%2F%2Fevil.com", "\t/evil", "/a\r\nLocation: https://evil.com", "%ZZ", "%E0%A4%A"),
  fc.nat({ max: 30_000 }).map((n) => "a".repeat(n)),
);

const uri = fc.oneof(
  garbage,
  garbage.map((g) => `/${g}`),
  fc.constantFrom("/", "/admin/x", "/public/../admin/x", "/%61dmin/x", "//admin/x", "/api/x", "/docs/", "/parseauth", "/refreshauth", "/signout", "/public/a.css"),
  fc.webPath(),
);

const PARAM_NAMES = ["code", "state", "error", "error_description", "return", "x", "code_verifier", "redirect_uri"];
const querystring = fc.oneof(
  garbage,
  fc.webQueryParameters(),
  fc
    .array(fc.tuple(fc.constantFrom(...PARAM_NAMES), fc.oneof(garbage, fc.constantFrom("AAAAAAAAAAAAAAAAAAAAAA", "code-1", "/ok", "//evil.com"))), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${Math.random() < 0.5 ? encodeURIComponent(v) : v}`).join("&")),
);

const COOKIE_NAMES = [
  lastAuthUserName(iss.clientId),
  tokenCookieName(iss.clientId, USER, "idToken"),
  tokenCookieName(iss.clientId, USER, "accessToken"),
  tokenCookieName(iss.clientId, USER, "refreshToken"),
  `${tokenCookieName(iss.clientId, USER, "idToken")}.0`,
  "__Host-edgeauth-signin.AAAAAAAAAAAAAAAAAAAAAA",
  "__Host-edgeauth-signedin",
  "__Host-edgeauth-refreshed",
  "__proto__",
].map(encodeCookieName);
const cookieHeader = fc.oneof(
  garbage,
  fc.array(fc.tuple(fc.constantFrom(...COOKIE_NAMES), garbage), { maxLength: 8 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("; ")),
  fc.tuple(fc.constantFrom("valid", "expired", "forged"), garbage).map(([kind, g]) => {
    const base = kind === "valid" ? validSession : kind === "expired" ? expiredSession : forgedSession;
    return `${base}; ${g}`;
  }),
);

const host = fc.oneof(fc.constant("d111111abcdef8.cloudfront.net"), fc.constant("WWW.Example.com:8443"), fc.constant("localhost:3000"), garbage);
const method = fc.oneof(fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"), fc.string({ maxLength: 10 }));
const headerValues = fc.record(
  {
    accept: fc.oneof(fc.constantFrom("application/json", "text/html", "*/*"), garbage),
    "sec-fetch-mode": fc.oneof(fc.constantFrom("navigate", "cors", "no-cors"), garbage),
    "cloudfront-forwarded-proto": fc.oneof(fc.constantFrom("http", "https"), garbage),
    "access-control-request-method": fc.constantFrom("POST", "GET"),
    "x-auth-user": garbage,
  },
  { requiredKeys: [] },
);
const cognito = fc.constantFrom<"normal" | "timeout" | "500" | "garbage">("normal", "timeout", "500", "garbage");

const event = fc.record({ uri, querystring, cookie: cookieHeader, host, method, headers: headerValues, cognito, extraCookieHeaders: fc.array(garbage, { maxLength: 2 }) });

type Spec = { uri: string; querystring: string; method: string; host: string; headers: Record<string, string>; cookie: string; extraCookieHeaders: string[] };

function makeEvent(e: Spec): CloudFrontRequestEvent {
  return viewerRequest({ uri: e.uri, querystring: e.querystring, method: e.method, host: e.host, headers: e.headers, cookies: [e.cookie, ...e.extraCookieHeaders] });
}

function applyCognito(stand: StandIn, mode: string): void {
  if (mode === "timeout") stand.override = { token: "timeout", revoke: "timeout", jwks: "timeout" };
  else if (mode === "500") stand.override = { token: { status: 500, body: Buffer.alloc(0) }, revoke: { status: 500, body: Buffer.alloc(0) }, jwks: { status: 500, body: Buffer.alloc(0) } };
  else if (mode === "garbage") {
    const body = Buffer.from('{"id_token":"a.b.c","access_token":1,"error":"<script>"}');
    stand.override = { token: { status: 200, body }, revoke: { status: 302, body }, jwks: { status: 200, body } };
  }
}

describe.each(HANDLERS)("%s never throws and never redirects off-site", (name, decide, path) => {
  it("hostile requests", async () => {
    await fc.assert(
      fc.asyncProperty(event, fc.boolean(), async (e, atOwnPath) => {
        const stand = cognitoStandIn(iss, config);
        applyCognito(stand, e.cognito);
        const { ctx } = makeContext(config, stand.http, { fn: name });
        const ev = makeEvent({ ...e, uri: atOwnPath ? path : e.uri });
        const req = ev.Records[0]!.cf.request;
        const origin = siteOrigin(toEdgeRequest(structuredClone(req)));

        const out = await viewerHandler(decide, ctx)(ev);

        if (!("status" in out)) {
          // Forwarded: a request to the origin, without any client-sent identity header that was not ours.
          expect(typeof out.uri).toBe("string");
          expect(out.uri.startsWith("/")).toBe(true);
          if (out.headers["x-auth-user"]) expect(e.cookie.includes(validSession)).toBe(true);
          return;
        }
        const res = out as CloudFrontResultResponse;
        const status = Number(res.status);
        expect(status === 503 || (status >= 200 && status < 500), `status ${status}`).toBe(true);
        expect(res.headers?.["cache-control"]?.[0]?.value).toBe("no-cache, no-store");
        if (status >= 300 && status < 400) {
          const location = res.headers?.location?.[0]?.value ?? "";
          const url = new URL(location);
          if (url.origin === HOSTED_UI) {
            expect(["/oauth2/authorize", "/logout"]).toContain(url.pathname);
            const back = url.searchParams.get("redirect_uri") ?? url.searchParams.get("logout_uri") ?? "";
            expect(origin).toBeDefined();
            // String comparison: WHATWG URL would rewrite numeric hosts ("0" → "0.0.0.0") on both sides alike.
            expect(back.startsWith(`${origin}/`), back).toBe(true);
            expect(back.slice(origin!.length)).not.toMatch(/^\/[/\\]/);
          } else {
            expect(origin, `redirect to ${location} without a valid Host`).toBeDefined();
            expect(location.startsWith(`${origin}/`)).toBe(true);
            expect(location.slice(origin!.length)).not.toMatch(/^\/[/\\]/);
            expect(location).not.toMatch(/[\r\n\t\u0000]/);
          }
        }
        for (const sc of res.headers?.["set-cookie"] ?? []) expect(sc.value).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 200 },
    );
  });
});

describe("malformed events", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["empty object", {}],
    ["no records", { Records: [] }],
    ["record without cf", { Records: [{}] }],
    ["request not an object", { Records: [{ cf: { request: "x" } }] }],
    ["request without headers or uri", { Records: [{ cf: { request: {} } }] }],
    ["headers with wrong shapes", { Records: [{ cf: { request: { uri: "/", headers: { host: "x", cookie: [{ value: 5 }, null], accept: [] } } } }] }],
    ["uri not a string", { Records: [{ cf: { request: { uri: 42, querystring: {}, method: null, headers: { host: [{ key: "Host", value: "a.com" }] } } } }] }],
  ])("%s → a response or request, never a throw", async (_, ev) => {
    for (const [name, decide] of HANDLERS) {
      const stand = cognitoStandIn(iss, config);
      const { ctx } = makeContext(config, stand.http, { fn: name });
      const out = await viewerHandler(decide, ctx)(ev as CloudFrontRequestEvent);
      if ("status" in out) expect(Number(out.status)).toBeLessThan(500);
    }
  });
});
