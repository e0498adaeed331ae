/**
 * The local CloudFront with the BUILT functions of each hot path, routed by the catalogue
 * (`viewerFunctionFor(uri, paths, hotPath)`, `deployedEdgeFunctions`): with `hotPath: "cloudfront-function"` the
 * default behaviour runs check-auth-function in the runtime emulator (its key from kvs.json), `/signin` the sign-in
 * Lambda@Edge, and a response headers policy sets the security headers on every response; with `mergeOriginCsp`
 * http-headers merges the origin's CSP instead; with `lambda-edge` check-auth and http-headers run as before.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDistribution, startLocalCloudFront } from "../../local/cloudfront";
import type { LocalCloudFront, RequestLogEntry } from "../../local/cloudfront";
import type { OriginRequest } from "../../local/origin";
import { resolveConfig } from "../../shared/config/resolve";
import type { ResolvedConfig } from "../../shared/config/types";
import { rulesFingerprint } from "../../shared/viewer/rules";
import { idTokenHash, sealSession } from "../../shared/viewer/session-cookie";
import type { SessionClaims } from "../../shared/viewer/session-cookie";
import { buildWith, builtFunction } from "../helpers/build";
import type { Built } from "../helpers/build";
import { rawRequest } from "../helpers/http";
import { makeIssuer, poolConfig } from "../helpers/tokens";
import { E2E_FUNCTION_BUDGET_MS } from "../helpers/function-budget";

const iss = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Local1", clientId: "localclient1234567890" });
const SESSION = "__Host-edgeauth-session";
/** What the stub origin answers every request with: its own CSP and frame options, which the edge must not let stand. */
const ORIGIN_HEADERS = { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'self'", "x-frame-options": "SAMEORIGIN" };

const raw = (extra: Record<string, unknown>) => ({
  ...poolConfig(iss),
  publicPaths: ["/public/*"],
  apiPaths: ["/api/*"],
  rules: [{ path: "/admin/*", groups: ["admins"] }],
  forwardIdentity: true,
  ...extra,
});

/** A local CloudFront over one build, with a stub origin that records what reaches it. */
interface Running {
  cf: LocalCloudFront;
  config: ResolvedConfig;
  built: Built;
  seen: OriginRequest[];
  entries: RequestLogEntry[];
  get(path: string, headers?: Record<string, string>): ReturnType<typeof rawRequest>;
}

async function run(built: Built): Promise<Running> {
  expect(built.status, built.stderr + built.stdout).toBe(0);
  const r = resolveConfig(JSON.parse(readFileSync(built.configPath, "utf8")), { nonceSigningSecret: "n".repeat(32), sessionSigningSecret: "s".repeat(43) });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  const seen: OriginRequest[] = [];
  const entries: RequestLogEntry[] = [];
  const cf = await startLocalCloudFront({
    port: 0,
    origin: async (req) => {
      seen.push(req);
      return { status: 200, headers: { ...ORIGIN_HEADERS }, body: Buffer.from("<p>origin</p>") };
    },
    onRequest: (e) => entries.push(e),
    log: () => {},
  });
  cf.setDistribution(loadDistribution(built.outdir, r.config, { functionBudgetMs: E2E_FUNCTION_BUDGET_MS }));
  return { cf, config: r.config, built, seen, entries, get: (path, headers) => rawRequest(cf.port, path, headers) };
}

let cff: Running;
let merged: Running;
let lambda: Running;

beforeAll(async () => {
  const [a, b, c] = await Promise.all([
    buildWith(raw({ hotPath: "cloudfront-function" })),
    buildWith(raw({ hotPath: "cloudfront-function", mergeOriginCsp: true })),
    buildWith(raw({})),
  ]);
  [cff, merged, lambda] = await Promise.all([run(a), run(b), run(c)]);
}, 120_000);
afterAll(async () => {
  for (const r of [cff, merged, lambda]) await r?.cf.stop();
});

const securityHeaders = (h: Record<string, unknown>) => ({
  "strict-transport-security": h["strict-transport-security"],
  "x-content-type-options": h["x-content-type-options"],
  "x-frame-options": h["x-frame-options"],
  "content-security-policy": h["content-security-policy"],
  "referrer-policy": h["referrer-policy"],
});
const POLICY = {
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "frame-ancestors 'none'",
  "referrer-policy": "strict-origin-when-cross-origin",
};

/** A session cookie the way parse-auth seals it, under the key the build put into kvs.json, and its id token cookie. */
function session(r: Running, claims: Partial<SessionClaims> = {}): Record<string, string> {
  const key = builtFunction(r.built).sessionKey;
  const idToken = "header.payload-of-jane.signature";
  const c: SessionClaims = { c: iss.clientId, s: "sub-1", u: "jane", e: "jane@example.com", g: ["users"], r: rulesFingerprint([{ path: "/admin/*", groups: ["admins"] }]), x: Math.floor(Date.now() / 1000) + 600, h: idTokenHash(idToken), ...claims };
  return { cookie: `${SESSION}=${sealSession(c, key)}; CognitoIdentityServiceProvider.${iss.clientId}.jane.idToken=${idToken}` };
}

describe("hotPath cloudfront-function", () => {
  it("a signed-out page view: check-auth-function sends it to /signin with the path and query; sign-in starts the sign-in", async () => {
    // A viewer cannot choose the protocol the functions see: CloudFront sets CloudFront-Forwarded-Proto itself.
    const first = await cff.get("/deep/p%C3%A4th/?q=%C3%BC&x=1", { "cloudfront-forwarded-proto": "https" });
    expect(first.status).toBe(302);
    const signIn = new URL(first.headers.location!);
    expect(`${signIn.origin}${signIn.pathname}`).toBe(`${cff.cf.url}/signin`);
    expect(signIn.searchParams.get("return")).toBe("/deep/p%C3%A4th/?q=%C3%BC&x=1");
    const second = await cff.get(`${signIn.pathname}${signIn.search}`);
    expect(second.status).toBe(302);
    const authorize = new URL(second.headers.location!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe("https://auth.example.com/oauth2/authorize");
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${cff.cf.url}/parseauth`);
    expect(second.headers["set-cookie"]?.some((c) => c.startsWith("__Host-edgeauth-signin."))).toBe(true);
    for (const res of [first, second]) expect(securityHeaders(res.headers)).toEqual(POLICY);
    expect(cff.entries.slice(-2).map((e) => `${e.answeredBy}:${e.reason}`)).toEqual(["check-auth-function:sign-in", "sign-in:sign-in"]);
    expect(cff.seen).toEqual([]);
  });

  it("a valid session goes on to the origin: index rewritten, raw query kept, identity headers set, spoofed ones dropped", async () => {
    const res = await cff.get("/docs/?q=%C3%BC&x=1", { ...session(cff), "x-auth-user": "admin", "X_Auth_Groups": "admins" });
    expect([res.status, res.body]).toEqual([200, "<p>origin</p>"]);
    const req = cff.seen.at(-1)!;
    expect([req.uri, req.querystring]).toEqual(["/docs/index.html", "q=%C3%BC&x=1"]);
    expect(req.headers).toMatchObject({ "x-auth-user": "jane", "x-auth-email": "jane@example.com", "x-auth-groups": "users", "x-auth-id-token": "header.payload-of-jane.signature" });
    expect(req.headers).not.toHaveProperty("x_auth_groups");
    expect(cff.entries.at(-1)).toMatchObject({ status: 200, answeredBy: "origin", reason: "check-auth-function:signed-in" });
  });

  it("the response headers policy replaces the origin's security headers but keeps its own CSP (Override false, as deployed)", async () => {
    const res = await cff.get("/public/page.html");
    expect(res.status).toBe(200);
    expect(cff.entries.at(-1)).toMatchObject({ answeredBy: "origin", reason: "check-auth-function:public" });
    expect(securityHeaders(res.headers)).toEqual({ ...POLICY, "content-security-policy": ORIGIN_HEADERS["content-security-policy"] });
    expect(res.headers["content-type"]).toBe(ORIGIN_HEADERS["content-type"]);
  });

  it("the function's own answers carry the policy too: 401 JSON on an API path, 403 page on a rule's path", async () => {
    const api = await cff.get("/api/me");
    expect([api.status, JSON.parse(api.body).error]).toEqual([401, "unauthenticated"]);
    const admin = await cff.get("/admin", session(cff));
    expect(admin.status).toBe(403);
    expect(admin.body).toContain("Access denied");
    for (const res of [api, admin]) expect(securityHeaders(res.headers)).toEqual(POLICY);
    expect(cff.entries.slice(-2).map((e) => `${e.answeredBy}:${e.reason}`)).toEqual(["check-auth-function:unauthenticated", "check-auth-function:forbidden"]);
  });

  it("an expired session with a refresh token goes to refresh-auth; the callback and sign-out paths reach their Lambdas", async () => {
    const expired = await cff.get("/", { cookie: `${session(cff, { x: 1 }).cookie}; CognitoIdentityServiceProvider.${iss.clientId}.jane.refreshToken=r` });
    expect([expired.status, new URL(expired.headers.location!).pathname]).toEqual([302, "/refreshauth"]);
    expect(expired.headers["set-cookie"]).toContainEqual(expect.stringMatching(new RegExp(`^${SESSION}=;.*Max-Age=0`)));
    const callback = await cff.get("/parseauth");
    expect(callback.status).toBe(400);
    const signOut = await cff.get("/signout", { "sec-fetch-site": "same-origin" });
    expect(signOut.status).toBe(302);
    for (const res of [callback, signOut]) expect(securityHeaders(res.headers)).toEqual(POLICY);
    expect(cff.entries.slice(-3).map((e) => e.answeredBy)).toEqual(["check-auth-function", "parse-auth", "sign-out"]);
    expect(cff.entries.at(-3)!.reason).toBe("refresh");
  });

  it("check-auth and http-headers are not deployed with this hot path, so they do not run", () => {
    expect(cff.entries.map((e) => e.answeredBy)).not.toContain("check-auth");
    expect(cff.entries.map((e) => e.answeredBy)).not.toContain("http-headers");
  });
});

describe("hotPath cloudfront-function with mergeOriginCsp", () => {
  it("http-headers runs on origin responses and merges the origin's CSP; the policy keeps the merged one", async () => {
    const res = await merged.get("/public/page.html");
    expect(res.status).toBe(200);
    expect(res.headers["content-security-policy"]).toBe("default-src 'self'; frame-ancestors 'none'");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    const first = await merged.get("/docs/");
    expect([first.status, merged.entries.at(-1)!.answeredBy]).toEqual([302, "check-auth-function"]);
  });
});

describe("hotPath lambda-edge (the default)", () => {
  it("check-auth answers the default behaviour, straight to the Hosted UI; http-headers merges the origin's CSP", async () => {
    const first = await lambda.get("/docs/");
    expect(first.status).toBe(302);
    expect(first.headers.location).toMatch(/^https:\/\/auth\.example\.com\/oauth2\/authorize\?/);
    expect(lambda.entries.at(-1)).toMatchObject({ answeredBy: "check-auth", reason: "no-session" });
    const page = await lambda.get("/public/page.html");
    expect(page.headers["content-security-policy"]).toBe("default-src 'self'; frame-ancestors 'none'");
    // check-auth counts its public and preflight passes instead of logging them; the log line still names them.
    expect(lambda.entries.at(-1)).toMatchObject({ answeredBy: "origin", reason: "check-auth:public" });
    await rawRequest(lambda.cf.port, "/docs/", { "access-control-request-method": "POST" }, "OPTIONS");
    expect(lambda.entries.at(-1)).toMatchObject({ answeredBy: "origin", reason: "check-auth:preflight" });
    // The sign-in function is deployed with both hot paths and answers its own path.
    const signIn = await lambda.get("/signin?return=%2Fdocs%2F");
    expect([signIn.status, lambda.entries.at(-1)!.answeredBy]).toEqual([302, "sign-in"]);
  });
});
