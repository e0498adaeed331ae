import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkAuth } from "../../../shared/edge/check-auth";
import { encodeCookieName, lastAuthUserName, parseCookies, tokenCookieName } from "../../../shared/edge/cookies";
import { expireAll, readSession, sessionCookies, usernameOf } from "../../../shared/edge/session";
import { asRespond, callback, hostedUiCallback, startSignIn } from "../../helpers/flow";
import { CookieJar, NOW_MS, NOW_S, cognitoStandIn, edgeRequest, makeContext, parseSetCookie } from "../../helpers/harness";
import { makeIssuer, testConfig } from "../../helpers/tokens";

const iss = makeIssuer();
const C = iss.clientId;
const config = testConfig(iss, { rules: [{ path: "/admin/*", groups: ["g-0099"] }] });
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW_MS);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("readSession", () => {
  const id = (u: string) => tokenCookieName(C, u, "idToken");
  it.each<[string, [string, string][], Record<string, string | undefined>]>([
    ["LastAuthUser names the user", [[lastAuthUserName(C), "a@b.c"], [id("a@b.c"), "T"], [id("other"), "X"]], { username: "a@b.c", idToken: "T" }],
    ["no LastAuthUser: the one user with an id token", [[id("a@b.c"), "T"]], { username: "a@b.c", idToken: "T" }],
    ["no LastAuthUser: a chunked id token", [[`${id("a@b.c")}.0`, "T1"], [`${id("a@b.c")}.1`, "T2"]], { username: "a@b.c", idToken: "T1T2" }],
    ["another client's cookies are ignored", [[tokenCookieName("other", "u", "idToken"), "T"]], {}],
    ["a huge LastAuthUser is ignored", [[lastAuthUserName(C), "x".repeat(300)]], {}],
    ["nothing", [], {}],
  ])("%s", (_, pairs, expected) => {
    const header = pairs.map(([k, v]) => `${encodeCookieName(k)}=${v}`).join("; ");
    expect(readSession(parseCookies(header), C)).toEqual(expected);
  });
});

describe("usernameOf", () => {
  it.each<[Record<string, unknown>, Record<string, unknown> | undefined, string | undefined]>([
    [{ "cognito:username": "a@b.c" }, undefined, "a@b.c"],
    [{}, { username: "u1" }, "u1"],
    [{ "cognito:username": "" }, undefined, undefined],
    [{ "cognito:username": 5 }, undefined, undefined],
    [{ "cognito:username": "x".repeat(300) }, undefined, undefined],
  ])("%j / %j → %s", (id, access, expected) => {
    expect(usernameOf(id as never, access as never)).toBe(expected);
  });
});

describe("sessionCookies", () => {
  const base = { username: "a@b.c", idExp: NOW_S + 3600, accessExp: NOW_S + 600, nowSeconds: NOW_S, existing: new Map<string, string>() };
  it("token cookies live as long as their token, the refresh token as configured", () => {
    const out = sessionCookies(config, { ...base, tokens: { idToken: "i", accessToken: "a", refreshToken: "r" } })!.map(parseSetCookie);
    const age = (k: "idToken" | "accessToken" | "refreshToken") => out.find((c) => c.name === encodeCookieName(tokenCookieName(C, "a@b.c", k)))!.attrs["max-age"];
    expect([age("idToken"), age("accessToken"), age("refreshToken")]).toEqual(["3600", "600", String(30 * 24 * 3600)]);
  });

  it("a previous user's token cookies are expired", () => {
    const existing = parseCookies(`${encodeCookieName(tokenCookieName(C, "old@x.y", "idToken"))}=T; ${encodeCookieName(tokenCookieName(C, "old@x.y", "refreshToken"))}=R`);
    const out = sessionCookies(config, { ...base, existing, tokens: { idToken: "i", accessToken: "a" } })!.map(parseSetCookie);
    const expired = out.filter((c) => c.attrs["max-age"] === "0").map((c) => c.name);
    expect(expired).toEqual(expect.arrayContaining([encodeCookieName(tokenCookieName(C, "old@x.y", "idToken")), encodeCookieName(tokenCookieName(C, "old@x.y", "refreshToken"))]));
  });

  it("a session too big for CloudFront's request headers → undefined", () => {
    expect(sessionCookies(config, { ...base, tokens: { idToken: "i".repeat(10_000), accessToken: "a".repeat(10_000) } })).toBeUndefined();
  });

  it("expireAll always names LastAuthUser and the user's three token cookies", () => {
    const out = expireAll(config, new Map(), "a@b.c").map(parseSetCookie);
    expect(out).toHaveLength(4);
    for (const c of out) expect(c.attrs["max-age"]).toBe("0");
  });
});

describe("big tokens (many groups) round-trip through chunked cookies", () => {
  it.each([100, 250])("%i groups: callback sets chunks, check-auth reassembles and authorizes", async (n) => {
    const stand = cognitoStandIn(iss, config);
    const jar = new CookieJar();
    const groups = Array.from({ length: n }, (_, i) => `g-${String(i).padStart(4, "0")}`);
    const s = await startSignIn(config, stand, jar, { uri: "/admin/x" });
    const r = asRespond((await callback(config, stand, jar, hostedUiCallback(stand, s, { username: "u@example.com", groups }))).outcome);
    expect(r.status).toBe(302);
    for (const c of r.cookies) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4096);
    jar.apply(r.cookies);
    const o = await checkAuth(edgeRequest({ uri: "/admin/x", cookies: [jar.header()] }), makeContext(config, stand.http).ctx);
    expect(o.reason).toBe("signed-in");
  });

  it("too many groups to fit → a clear 400 page, not a broken session", async () => {
    const stand = cognitoStandIn(iss, config);
    const jar = new CookieJar();
    const groups = Array.from({ length: 2000 }, (_, i) => `group-${i}`);
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const r = asRespond((await callback(config, stand, jar, hostedUiCallback(stand, s, { username: "u@example.com", groups }))).outcome);
    expect(r.status).toBe(400);
    expect(r.reason).toBe("session-too-large");
    expect(r.headers.location).toBeUndefined();
  });
});
