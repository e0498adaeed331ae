/**
 * Issue 17 through the BUILT bundles (and the built CloudFront Function, in the runtime emulator and under njs):
 * limits counted in bytes on the wire, identity that stays verified, a refresh that keeps its user, RFC 9207's
 * `iss`, return paths that never lead back to our own endpoints, and no provider text on our pages.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { captureLogLines } from "../helpers/log-capture";
import { buildViewerRequestEvent } from "../../scripts/cloudfront-function-runtime/event";
import { runUnderNjs } from "../../scripts/cloudfront-function-runtime/njs";
import { loadCloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CffRequest, CffResponse } from "../../scripts/cloudfront-function-runtime/types";
import { CookieJar } from "../helpers/cognito-stand-in";
import { buildWith } from "../helpers/build";
import { header, setCookies, viewerRequest } from "../helpers/events";
import { CONFIDENTIAL_SECRET, signInAtProvider, startTestProvider } from "../helpers/oidc-provider";
import type { TestProvider } from "../helpers/oidc-provider";
import { HOST, hostedUi, makeSite, req, signIn } from "../helpers/site";
import type { Handler, Site } from "../helpers/site";
import type { UserSpec } from "../helpers/tokens";

/** Cognito's maximum of 100 groups, each 8 CJK characters (24 UTF-8 bytes, 8 UTF-16 code units). */
const CJK_GROUPS = Array.from({ length: 100 }, (_, i) => `管理者グループ${String.fromCharCode(0x4e00 + i)}`);
const decodeGroups = (v: string) => v.split(",").map(decodeURIComponent);

/** The site's CloudFront Function, built with it, in the emulator; and the same code under njs. */
interface FunctionSite extends Site {
  signInFn: Handler;
  code: string;
  kvs: { data: { key: string; value: string }[] };
  cff: CloudFrontFunction;
}

async function functionSite(extra: Record<string, unknown>): Promise<FunctionSite> {
  const site = await makeSite({ extra: { hotPath: "cloudfront-function", ...extra } });
  const dir = join(site.built.outdir, "check-auth-function");
  const code = readFileSync(join(dir, "index.js"), "utf8");
  const kvs = JSON.parse(readFileSync(join(dir, "kvs.json"), "utf8")) as FunctionSite["kvs"];
  return { ...site, code, kvs, cff: loadCloudFrontFunction(code, { kvs }), signInFn: site.built.load("sign-in").handler as Handler };
}

function cffEvent(jar: CookieJar, path: string, query = "") {
  const cookie = jar.header();
  return buildViewerRequestEvent({
    method: "GET",
    path,
    query,
    headers: [["Host", HOST], ["Accept", "text/html"], ...(cookie ? ([["Cookie", cookie]] as [string, string][]) : [])],
    ip: "203.0.113.1",
  });
}

/** The function in the emulator and under njs: the same answer from both, returned once. */
async function runFunction(s: FunctionSite, jar: CookieJar, path: string, query = ""): Promise<CffRequest | CffResponse> {
  const inEmulator = await s.cff.run(cffEvent(jar, path, query));
  const mine = inEmulator.kind === "request" ? inEmulator.request : inEmulator.response;
  const inNjs = await runUnderNjs(s.code, cffEvent(jar, path, query), { kvs: s.kvs });
  expect(inNjs.ok, inNjs.ok ? "" : inNjs.error).toBe(true);
  expect(inNjs.ok && inNjs.result).toEqual(JSON.parse(JSON.stringify(mine)));
  return mine;
}
const isResponse = (r: CffRequest | CffResponse): r is CffResponse => "statusCode" in r;

/**
 * A sign-in on the CloudFront Function hot path, as a browser makes it: the function sends a signed-out visitor
 * to paths.signIn, the sign-in function to the Hosted UI, which comes back to parse-auth. Returns parse-auth's answer.
 */
async function signInThroughFunction(s: FunctionSite, jar: CookieJar, path: string, query = "") {
  const first = await runFunction(s, jar, path, query);
  if (!isResponse(first)) throw new Error("expected a redirect to sign in");
  expect(first.statusCode).toBe(302);
  const toSignIn = new URL(first.headers!.location!.value);
  expect(toSignIn.pathname).toBe("/signin");
  const start = await s.signInFn(req(jar, { uri: toSignIn.pathname, querystring: toSignIn.search.slice(1) }));
  expect(start.status).toBe("302");
  jar.apply(setCookies(start));
  const cb = await hostedUi(header(start, "location")!);
  const done = await s.fn.parse(req(jar, { uri: cb.pathname, querystring: cb.search.slice(1) }));
  jar.apply(setCookies(done));
  return done;
}

const forwardedHeader = (r: CffRequest | CffResponse, name: string) => (isResponse(r) ? undefined : r.headers[name]?.value);

let lambdaEdge: Site;
let cloudFrontFunction: FunctionSite;
beforeAll(async () => {
  // usernameClaim "email": the claim of the identity items; forwardIdentity for the groups' limit.
  const common = { forwardIdentity: true, usernameClaim: "email" };
  [lambdaEdge, cloudFrontFunction] = await Promise.all([makeSite({ extra: common }), functionSite(common)]);
}, 240_000);
afterAll(async () => {
  await lambdaEdge?.cognito.stop();
  await cloudFrontFunction?.cognito.stop();
});
const withUser = (s: Site, user: UserSpec) => {
  s.cognito.user = user;
};
afterEach(() => {
  for (const s of [lambdaEdge, cloudFrontFunction]) if (s) s.cognito.user = { email: "user@example.com" };
  vi.restoreAllMocks();
});

describe("limits counted in the bytes that are sent", () => {
  const user: UserSpec = { email: "cjk@example.com", groups: CJK_GROUPS };

  it("100 groups of CJK names: the CloudFront Function hot path signs in and forwards, the list cut and marked", async () => {
    withUser(cloudFrontFunction, user);
    const jar = new CookieJar();
    const done = await signInThroughFunction(cloudFrontFunction, jar, "/docs/");
    expect(done.status, String(done.body ?? "")).toBe("302");
    // One session cookie within a browser's 4 KB (name and value as sent), no chunks the function cannot read.
    const sessions = setCookies(done).filter((c) => c.startsWith("__Host-edgeauth-session"));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatch(/^__Host-edgeauth-session=/);
    expect(Buffer.byteLength(sessions[0]!.split(";")[0]!)).toBeLessThanOrEqual(4096);
    const page = await runFunction(cloudFrontFunction, jar, "/docs/");
    expect(isResponse(page), JSON.stringify(page).slice(0, 300)).toBe(false);
    const groups = decodeGroups(forwardedHeader(page, "x-auth-groups")!);
    expect(groups.length).toBeGreaterThan(10);
    expect(groups).toEqual(CJK_GROUPS.slice(0, groups.length));
    expect(forwardedHeader(page, "x-auth-groups-truncated")).toBe("true");
    expect(forwardedHeader(page, "x-auth-user")).toBe("cjk@example.com");
  }, 60_000);

  it("the same user on the Lambda@Edge hot path: signed in, every cookie and x-auth-groups within its byte limit (cut between names, marked)", async () => {
    withUser(lambdaEdge, user);
    const jar = new CookieJar();
    const done = await signIn(lambdaEdge, jar, { uri: "/docs/" });
    expect(done.status).toBe("302");
    for (const c of setCookies(done)) expect(Buffer.byteLength(c.split(";")[0]!)).toBeLessThanOrEqual(4096);
    const page = await lambdaEdge.fn.check(req(jar, { uri: "/docs/" }));
    expect(page.status).toBeUndefined();
    const value = header(page, "x-auth-groups")!;
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(4096);
    const groups = decodeGroups(value);
    expect(groups).toEqual(CJK_GROUPS.slice(0, groups.length));
    expect(header(page, "x-auth-groups-truncated") === "true").toBe(groups.length < CJK_GROUPS.length);
  }, 60_000);
});

describe("identity from email is forwarded only when verified (usernameClaim: email)", () => {
  it.each<[string, boolean | string]>([
    ["verified", true],
    ["verified (the string a V1 override leaves)", "true"],
    ["not verified", false],
  ])("%s: both hot paths give the same x-auth-user and x-auth-email", async (_, verified) => {
    const user: UserSpec = { email: "ceo@victim.example", extra: { email_verified: verified } };
    const expected = verified === true || verified === "true" ? "ceo@victim.example" : undefined;

    withUser(lambdaEdge, user);
    const jar = new CookieJar();
    expect((await signIn(lambdaEdge, jar, { uri: "/" })).status).toBe("302");
    const viaLambda = await lambdaEdge.fn.check(req(jar, { uri: "/", headers: { "X-Auth-User": "ceo@victim.example" } }));
    expect(viaLambda.status).toBeUndefined();
    expect(header(viaLambda, "x-auth-user")).toBe(expected);
    expect(header(viaLambda, "x-auth-email")).toBe(expected);

    withUser(cloudFrontFunction, user);
    const fjar = new CookieJar();
    expect((await signInThroughFunction(cloudFrontFunction, fjar, "/")).status).toBe("302");
    const viaFunction = await runFunction(cloudFrontFunction, fjar, "/");
    expect(isResponse(viaFunction)).toBe(false);
    expect(forwardedHeader(viaFunction, "x-auth-user")).toBe(expected);
    expect(forwardedHeader(viaFunction, "x-auth-email")).toBe(expected);
  }, 60_000);
});

describe("a refresh answer must keep the same user", () => {
  it("a refresh token of another subject with the same username (a planted or swapped refresh token) ends the session", async () => {
    // Two accounts whose usernames (their e-mail, usernameClaim "email") are the same: only `sub` tells them apart.
    withUser(lambdaEdge, { email: "same@example.com", sub: "aaaaaaaa-0000-0000-0000-00000000000a" });
    const victim = new CookieJar();
    await signIn(lambdaEdge, victim, { uri: "/" });
    withUser(lambdaEdge, { email: "same@example.com", sub: "bbbbbbbb-0000-0000-0000-00000000000b" });
    const attacker = new CookieJar();
    await signIn(lambdaEdge, attacker, { uri: "/" });
    const refreshName = [...attacker.cookies.keys()].find((n) => n.endsWith(".refreshToken"))!;
    victim.cookies.set(refreshName, attacker.cookies.get(refreshName)!);

    const r = await lambdaEdge.fn.refresh(req(victim, { uri: "/refreshauth", querystring: "return=%2Fdocs%2F" }));
    expect(r.status).toBe("302");
    expect(header(r, "location")).toContain("/oauth2/authorize?");
    victim.apply(setCookies(r));
    expect([...victim.cookies.keys()].filter((n) => /\.(idToken|accessToken|refreshToken)$/.test(n))).toEqual([]);
    // The next request signs in again.
    const next = await lambdaEdge.fn.check(req(victim, { uri: "/docs/" }));
    expect(next.status).toBe("302");
    expect(header(next, "location")).toContain("/oauth2/authorize?");

    // The attacker's own refresh still works: the refusal is about the mix, not the token.
    const own = await lambdaEdge.fn.refresh(req(attacker, { uri: "/refreshauth", querystring: "return=%2F" }));
    expect(setCookies(own).some((c) => /\.idToken=ey/.test(c))).toBe(true);
  }, 60_000);
});

describe("loops: a return path to one of our own endpoints becomes /", () => {
  it.each(["return=%2Frefreshauth%3Freturn%3D%2Frefreshauth%3Freturn%3D%2Fx", "return=%2FREFRESHAUTH", "return=%2Fsignin%3Freturn%3D%2Fsignin", "return=%2Fparseauth%3Fcode%3Dx%26state%3Dy", "return=%2Fx%2F..%2Fsignout"])(
    "refresh-auth ?%s → /, one refresh grant spent",
    async (querystring) => {
      withUser(lambdaEdge, { email: "loop@example.com" });
      const jar = new CookieJar();
      await signIn(lambdaEdge, jar, { uri: "/" });
      const before = lambdaEdge.cognito.calls.filter((c) => c.form.grant_type === "refresh_token").length;
      const r = await lambdaEdge.fn.refresh(req(jar, { uri: "/refreshauth", querystring }));
      expect(header(r, "location")).toBe(`https://${HOST}/`);
      expect(lambdaEdge.cognito.calls.filter((c) => c.form.grant_type === "refresh_token").length).toBe(before + 1);
    },
    60_000,
  );

  it.each(["/SignIn", "/REFRESHAUTH", "/ParseAuth", "/signout/"])("check-auth on %s (a case variant no behaviour matches) signs in and comes back to /", async (uri) => {
    const jar = new CookieJar();
    const done = await signIn(lambdaEdge, jar, { uri, querystring: "return=%2Fsignin" });
    expect(header(done, "location")).toBe(`https://${HOST}/`);
  }, 60_000);

  it.each([
    ["/SIGNIN", "return=/signin"],
    ["/RefreshAuth", ""],
    ["/parseauth/", "code=x&state=y"],
  ])("the CloudFront Function's redirect for %s?%s: the sign-in function comes back to /", async (path, query) => {
    const jar = new CookieJar();
    const done = await signInThroughFunction(cloudFrontFunction, jar, path, query);
    expect(header(done, "location")).toBe(`https://${HOST}/`);
  }, 60_000);

  it("sign-in ?return=/signin?return=/signin… starts one sign-in that comes back to /", async () => {
    const r = await cloudFrontFunction.signInFn(viewerRequest({ host: HOST, uri: "/signin", querystring: `return=${encodeURIComponent("/signin?return=/signin?return=/x")}` }));
    const jar = new CookieJar();
    jar.apply(setCookies(r));
    const cb = await hostedUi(header(r, "location")!);
    const done = await cloudFrontFunction.fn.parse(req(jar, { uri: cb.pathname, querystring: cb.search.slice(1) }));
    expect(header(done, "location")).toBe(`https://${HOST}/`);
  }, 60_000);
});

describe("a callback carrying error shows a fixed sentence, never the provider's text", () => {
  const PHISH = "Your account is locked. Call +1 555 0100 or visit evil.example to unlock it";
  it.each<[string, string]>([
    ["access_denied", "The sign-in was cancelled, or the sign-in service refused access."],
    ["temporarily_unavailable", "The sign-in service is busy or down for maintenance. Please try again in a moment."],
    ["made_up_code", "The sign-in service reported an error."],
  ])("error=%s", async (code, sentence) => {
    const lines: string[] = [];
    captureLogLines(lines);
    for (const s of [lambdaEdge, cloudFrontFunction]) {
      lines.length = 0;
      const r = await s.fn.parse(viewerRequest({ host: HOST, uri: "/parseauth", querystring: new URLSearchParams({ error: code, error_description: PHISH, state: "AAAAAAAAAAAAAAAAAAAAAA" }).toString() }));
      expect(r.status).toBe("400");
      const body = String(r.body);
      expect(body).toContain(sentence.replace(/'/g, "&#39;"));
      expect(body).not.toContain("evil.example");
      expect(body).not.toContain(code === "made_up_code" ? code : "555");
      // The description is in the debug log (the sites log at debug), nowhere else.
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "sign-in service error");
      expect(logged).toMatchObject({ level: "debug", description: PHISH });
    }
  }, 60_000);
});

describe("RFC 9207 with a provider whose discovery says it sends iss (panva's oidc-provider)", () => {
  const OIDC_HOST = "www.example.com";
  let idp: TestProvider;
  let parse: Handler;
  let check: Handler;
  beforeAll(async () => {
    idp = await startTestProvider({ redirectUris: [`https://${OIDC_HOST}/parseauth`], postLogoutUris: [`https://${OIDC_HOST}/`] });
    const built = await buildWith({ provider: { type: "oidc", issuer: idp.issuer }, clientId: idp.clients.confidential, clientSecret: CONFIDENTIAL_SECRET });
    expect(built.status, built.stderr + built.stdout).toBe(0);
    parse = built.load("parse-auth").handler as Handler;
    check = built.load("check-auth").handler as Handler;
  }, 120_000);
  afterAll(() => idp?.stop());

  it.each<[string, (q: URLSearchParams) => void, string]>([
    ["with its iss: signed in", () => undefined, "302"],
    ["without iss: refused", (q) => q.delete("iss"), "400"],
    ["with another iss: refused", (q) => q.set("iss", "https://evil.example.com"), "400"],
  ])("%s", async (_, change, status) => {
    const jar = new CookieJar();
    const start = await check(viewerRequest({ host: OIDC_HOST, uri: "/x" }));
    jar.apply(setCookies(start));
    const back = await signInAtProvider(header(start, "location")!, `https://${OIDC_HOST}/parseauth`);
    expect(back.searchParams.get("iss")).toBe(idp.issuer);
    change(back.searchParams);
    const done = await parse(viewerRequest({ host: OIDC_HOST, uri: "/parseauth", querystring: back.searchParams.toString(), cookies: [jar.header()] }));
    expect(done.status).toBe(status);
  }, 60_000);
});
