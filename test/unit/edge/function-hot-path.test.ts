/**
 * The Lambda@Edge side of the CloudFront Function hot path: sign-in starts sign-ins for `?return=`, parse-auth and
 * refresh-auth seal a session cookie the function can check, and sign-out / a refused refresh end it.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { refreshAuth } from "../../../shared/edge/refresh-auth";
import { signIn } from "../../../shared/edge/sign-in";
import { signOut } from "../../../shared/edge/sign-out";
import { signInSite, unsealSignIn } from "../../../shared/edge/sign-in-state";
import { openSession } from "../../../shared/viewer/session-cookie";
import { rulesFingerprint } from "../../../shared/viewer/rules";
import { asRespond, callback, hostedUiCallback } from "../../helpers/flow";
import { CookieJar, NOW_S, ORIGIN, cognitoStandIn, edgeRequest, makeContext, parseSetCookie, useFixedClock } from "../../helpers/harness";
import type { StandIn } from "../../helpers/harness";
import { sessionCookieHeader } from "../../helpers/session";
import { makeIssuer, testConfig, tokensFor } from "../../helpers/tokens";

const iss = makeIssuer();
const USER = "user+tag@example.com";
const SECRET = "s".repeat(43);
const RAW = { hotPath: "cloudfront-function", session: { signingSecret: SECRET }, rules: [{ path: "/admin/*", groups: ["admins"] }] };
const config = testConfig(iss, RAW);

let stand: StandIn;
useFixedClock();
beforeEach(() => {
  stand = cognitoStandIn(iss, config);
});

async function startAt(returnQuery: string, jar = new CookieJar(), cfg = config) {
  const { ctx } = makeContext(cfg, stand.http, { fn: "sign-in" });
  const r = asRespond(await signIn(edgeRequest({ uri: "/signin", querystring: returnQuery }), ctx));
  jar.apply(r.cookies);
  return { r, jar };
}

const sessionOf = (cookies: string[]) => parseSetCookie(cookies.find((c) => c.startsWith("__Host-edgeauth-session="))!);

describe("sign-in", () => {
  it("starts a sign-in returning to ?return=, with its own signed state cookie and PKCE", async () => {
    const { r } = await startAt(`return=${encodeURIComponent("/docs/café?q=1")}`);
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.location!);
    expect(`${loc.origin}${loc.pathname}`).toBe("https://auth.example.com/oauth2/authorize");
    expect(loc.searchParams.get("code_challenge_method")).toBe("S256");
    const state = loc.searchParams.get("state")!;
    const cookie = r.cookies.map(parseSetCookie).find((c) => c.name === `__Host-edgeauth-signin.${state}`)!;
    const opened = unsealSignIn(state, cookie.value, config.nonceSigningSecret, NOW_S, signInSite(config.clientId, ORIGIN));
    expect(opened).toMatchObject({ ok: true, signIn: { returnPath: "/docs/caf%C3%A9?q=1" } });
  });

  it.each(["return=https://evil.com/", "return=//evil.com", "return=/a&return=/b", "", "return=%5C%5Cevil.com"])("an unsafe or missing return (%s) comes back to /", async (q) => {
    const { r } = await startAt(q);
    const state = new URL(r.headers.location!).searchParams.get("state")!;
    const cookie = r.cookies.map(parseSetCookie).find((c) => c.name === `__Host-edgeauth-signin.${state}`)!;
    expect(unsealSignIn(state, cookie.value, config.nonceSigningSecret, NOW_S, signInSite(config.clientId, ORIGIN))).toMatchObject({ ok: true, signIn: { returnPath: "/" } });
  });
});

describe("parse-auth and refresh-auth seal a session cookie", () => {
  it("after the callback: HttpOnly, Secure, Lax, __Host-, lives as long as the id token, binds client, user, groups and expiry", async () => {
    const { r: start, jar } = await startAt("return=%2Fadmin%2Fx");
    const loc = new URL(start.headers.location!);
    const s = { state: loc.searchParams.get("state")!, nonce: loc.searchParams.get("nonce")!, challenge: loc.searchParams.get("code_challenge")!, redirectUri: loc.searchParams.get("redirect_uri")!, location: loc };
    const r = asRespond((await callback(config, stand, jar, hostedUiCallback(stand, s, { username: USER, email: "jane@example.com", groups: ["admins", "other"] }))).outcome);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`${ORIGIN}/admin/x`);
    const c = sessionOf(r.cookies);
    expect(c.attrs).toMatchObject({ httponly: true, secure: true, samesite: "Lax", path: "/", "max-age": "3599" });
    expect(c.attrs.domain).toBeUndefined();
    const opened = openSession(c.value, SECRET, iss.clientId, NOW_S, rulesFingerprint(config.rules));
    expect(opened).toMatchObject({ ok: true, session: { c: iss.clientId, u: USER, e: "jane@example.com", g: ["admins"], x: NOW_S - 1 + 3600 } });
    // Another key, another client, or later than the id token: not a session.
    expect(openSession(c.value, "z".repeat(43), iss.clientId, NOW_S, rulesFingerprint(config.rules)).ok).toBe(false);
    expect(openSession(c.value, SECRET, "otherclient", NOW_S, rulesFingerprint(config.rules)).ok).toBe(false);
    expect(openSession(c.value, SECRET, iss.clientId, NOW_S + 3600, rulesFingerprint(config.rules)).ok).toBe(false);
  });

  it("session.maxAge bounds the session below the id token's life", async () => {
    const cfg = testConfig(iss, { ...RAW, session: { signingSecret: SECRET, maxAge: 300 } });
    const refreshToken = stand.issueRefresh({ username: USER });
    const old = tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 });
    const { ctx } = makeContext(cfg, stand.http, { fn: "refresh-auth" });
    const r = asRespond(await refreshAuth(edgeRequest({ uri: "/refreshauth", querystring: "return=%2F", cookies: [sessionCookieHeader(iss.clientId, { username: USER, ...old, refreshToken })] }), ctx));
    expect(r.reason).toBe("refreshed");
    const c = sessionOf(r.cookies);
    expect(c.attrs["max-age"]).toBe("300");
    expect(openSession(c.value, SECRET, iss.clientId, NOW_S + 299, rulesFingerprint(config.rules)).ok).toBe(true);
    expect(openSession(c.value, SECRET, iss.clientId, NOW_S + 300, rulesFingerprint(config.rules)).ok).toBe(false);
  });

  it("a refused refresh (revoked, disabled user) expires the session cookie too", async () => {
    const old = tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 });
    const header = sessionCookieHeader(iss.clientId, { username: USER, ...old, refreshToken: "revoked-token" }, { "__Host-edgeauth-session": "x.y" });
    const { ctx } = makeContext(config, stand.http, { fn: "refresh-auth" });
    const r = asRespond(await refreshAuth(edgeRequest({ uri: "/refreshauth", querystring: "return=%2F", cookies: [header] }), ctx));
    expect(r.reason).toBe("refresh-refused:code-refused");
    expect(sessionOf(r.cookies).attrs["max-age"]).toBe("0");
  });

  it("sign-out expires the session cookie", async () => {
    const header = sessionCookieHeader(iss.clientId, { username: USER }, { "__Host-edgeauth-session": "x.y" });
    const { ctx } = makeContext(config, stand.http, { fn: "sign-out" });
    const r = asRespond(await signOut(edgeRequest({ uri: "/signout", headers: { "Sec-Fetch-Site": "same-origin" }, cookies: [header] }), ctx));
    expect(sessionOf(r.cookies).attrs["max-age"]).toBe("0");
  });

  it("with the lambda-edge hot path, no session cookie is written", async () => {
    const cfg = testConfig(iss, { session: { signingSecret: SECRET } });
    const refreshToken = stand.issueRefresh({ username: USER });
    const old = tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 });
    const { ctx } = makeContext(cfg, stand.http, { fn: "refresh-auth" });
    const r = asRespond(await refreshAuth(edgeRequest({ uri: "/refreshauth", querystring: "return=%2F", cookies: [sessionCookieHeader(iss.clientId, { username: USER, ...old, refreshToken })] }), ctx));
    expect(r.cookies.some((c) => c.startsWith("__Host-edgeauth-session="))).toBe(false);
  });
});
