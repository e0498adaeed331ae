import { beforeEach, describe, expect, it } from "vitest";
import { encodeCookieName } from "../../../shared/edge/cookie-codec";
import { bindingCookieName, lastAuthUserName, tokenCookieName } from "../../../shared/edge/session-store";
import { refreshAuth } from "../../../shared/edge/refresh-auth";
import { asRespond } from "../../helpers/flow";
import { signInSite, unsealSignIn } from "../../../shared/edge/sign-in-state";
import { HOSTED_UI, NOW_S, ORIGIN, cognitoStandIn, edgeRequest, makeContext, parseSetCookie, useFixedClock } from "../../helpers/harness";
import type { StandIn } from "../../helpers/harness";
import type { RequestSpec } from "../../helpers/events";
import { bindingFor, sessionCookieHeader } from "../../helpers/session";
import { makeIssuer, testConfig, tokensFor } from "../../helpers/tokens";

const iss = makeIssuer();
const USER = "user+tag@example.com";
const config = testConfig(iss);
const n = (k: "idToken" | "accessToken" | "refreshToken") => encodeCookieName(tokenCookieName(iss.clientId, USER, k));

let stand: StandIn;
let refreshToken: string;
let cookie: string;
useFixedClock();
beforeEach(() => {
  stand = cognitoStandIn(iss, config);
  refreshToken = stand.issueRefresh({ username: USER });
  const old = tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 });
  cookie = sessionCookieHeader(iss.clientId, { username: USER, ...old, refreshToken });
});
async function refresh(spec: RequestSpec) {
  const { ctx, logs } = makeContext(config, stand.http, { fn: "refresh-auth" });
  const r = asRespond(await refreshAuth(edgeRequest({ uri: "/refreshauth", cookies: [cookie], ...spec }), ctx));
  return { r, logs, set: new Map(r.cookies.map(parseSetCookie).map((c) => [c.name, c])) };
}
const tokenCalls = () => stand.calls.filter((c) => c.url.endsWith("/oauth2/token"));

/**
 * A refused refresh starts a sign-in right away (302 to the Hosted UI, a sign-in cookie for its state whose sealed
 * return path is `returnPath`): sending the browser back would loop on a refresh token the edge cannot expire.
 */
function expectSignInFor(r: ReturnType<typeof asRespond>, returnPath: string): void {
  expect(r.status).toBe(302);
  const loc = new URL(r.headers.location!);
  expect(`${loc.origin}${loc.pathname}`).toBe(`${HOSTED_UI}/oauth2/authorize`);
  const state = loc.searchParams.get("state")!;
  const signIn = r.cookies.map(parseSetCookie).find((c) => c.name === `__Host-edgeauth-signin.${state}`);
  expect(signIn).toBeDefined();
  const unsealed = unsealSignIn(state, decodeURIComponent(signIn!.value), config.nonceSigningSecret, NOW_S, signInSite(config.clientId, ORIGIN));
  expect(unsealed.ok && unsealed.signIn.returnPath).toBe(returnPath);
}

describe("refresh-auth", () => {
  it("happy path: refresh_token grant, new id/access cookies, back to the return URL", async () => {
    const { r, set } = await refresh({ querystring: new URLSearchParams({ return: "/docs/caf%C3%A9?q=1&r=2" }).toString() });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`${ORIGIN}/docs/caf%C3%A9?q=1&r=2`);
    const form = tokenCalls()[0]!.form!;
    expect(Object.fromEntries(form)).toEqual({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: iss.clientId });
    expect(set.get(n("idToken"))!.attrs).toMatchObject({ "max-age": "3599", httponly: true, secure: true });
    expect(set.get(n("accessToken"))!.attrs["max-age"]).toBe("3599");
    // No rotation: the refresh cookie is left alone, not expired.
    expect(set.get(n("refreshToken"))?.attrs["max-age"]).not.toBe("0");
    expect(set.get("__Host-edgeauth-refreshed")!.attrs["max-age"]).not.toBe("0");
    expect(r.headers["cache-control"]).toBe("no-cache, no-store");
  });

  it("POST → 307", async () => {
    expect((await refresh({ method: "POST", querystring: "return=%2Fform" })).r.status).toBe(307);
  });

  it("the signed-in marker is dropped on success", async () => {
    cookie += "; __Host-edgeauth-signedin=1";
    expect((await refresh({ querystring: "return=%2F" })).set.get("__Host-edgeauth-signedin")!.attrs["max-age"]).toBe("0");
  });

  it.each<[string, string]>([
    ["return=%2F%2Fevil.com", "/"],
    ["return=https%3A%2F%2Fevil.com%2F", "/"],
    ["return=%2F%5Cevil.com", "/"],
    ["return=%2F%252F%252Fevil.com", "/"],
    ["return=javascript%3Aalert(1)", "/"],
    ["return=%09%2Fevil", "/"],
    ["return=%2Fa%0D%0ASet-Cookie%3A%20x%3D1", "/a%0D%0ASet-Cookie:%20x=1"], // kept, but encoded: no header injection
    ["return=%2Fok&return=%2F%2Fevil.com", "/"],
    ["return=%2Fok&return=%2Fok2", "/"],
    ["", "/"],
    ["other=1", "/"],
    ["return=%2Fok", "/ok"],
  ])("return %s → %s on our origin", async (querystring, path) => {
    const { r } = await refresh({ querystring });
    expect(r.headers.location).toBe(`${ORIGIN}${path}`);
  });

  it("refused refresh token (invalid_grant) → token cookies cleared, a sign-in back to the return URL starts here", async () => {
    stand.override.token = { status: 400, body: Buffer.from('{"error":"invalid_grant"}') };
    const { r, set } = await refresh({ querystring: "return=%2Fdocs%2F" });
    expectSignInFor(r, "/docs/");
    for (const k of ["idToken", "accessToken", "refreshToken"] as const) expect(set.get(n(k))?.attrs["max-age"]).toBe("0");
  });

  it("a refresh token the edge cannot expire (planted under a parent Domain) does not loop: the refusal signs in", async () => {
    // Another browser's refresh token: valid at the provider, but not bound to this browser's sign-in.
    cookie = sessionCookieHeader(iss.clientId, { username: USER, refreshToken });
    const first = await refresh({ querystring: "return=%2Fdocs%2F" });
    expect(first.r.reason).toBe("refresh-refused:token-invalid");
    expectSignInFor(first.r, "/docs/");
  });

  it.each([
    ["fetch()", { "sec-fetch-mode": "cors", accept: "*/*" }],
    ["an API client", { accept: "application/json" }],
  ])("refused, for %s → 401 JSON with the tokens cleared, no sign-in redirect", async (_, headers) => {
    stand.override.token = { status: 400, body: Buffer.from('{"error":"invalid_grant"}') };
    const { r, set } = await refresh({ querystring: "return=%2Fapi%2Fx", headers });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body!)).toMatchObject({ error: "unauthenticated" });
    expect(set.get(n("refreshToken"))?.attrs["max-age"]).toBe("0");
  });

  it("refreshed tokens of another user → treated as refused", async () => {
    refreshToken = stand.issueRefresh({ username: "someone-else" });
    const old = tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 });
    cookie = sessionCookieHeader(iss.clientId, { username: USER, ...old, refreshToken });
    const { r, set } = await refresh({ querystring: "return=%2F" });
    expect(r.status).toBe(302);
    expect(set.get(n("refreshToken"))?.attrs["max-age"]).toBe("0");
    expect(set.has(encodeCookieName(tokenCookieName(iss.clientId, "someone-else", "idToken")))).toBe(false);
  });

  it.each<[string, { sub?: string; iss?: string }, boolean]>([
    ["the same sub and issuer", {}, true],
    ["another sub under the same username", { sub: "99999999-0000-0000-0000-000000000000" }, false],
    ["the session's id token from another issuer", { iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other" }, false],
  ])("refreshed tokens and the session's id token: %s (%j) → kept: %s", async (_, differ, kept) => {
    // The refresh token answers for USER with the default sub; the session's (expired) id token says `differ`.
    const old = tokensFor(differ.iss ? { ...iss, issuer: differ.iss } : iss, { username: USER, iat: NOW_S - 7200, ttl: 3600, ...(differ.sub ? { sub: differ.sub } : {}) });
    cookie = sessionCookieHeader(iss.clientId, { username: USER, ...old, refreshToken });
    const { r, set, logs } = await refresh({ querystring: "return=%2Fdocs%2F" });
    if (kept) {
      expect(r.status).toBe(302);
      expect(r.headers.location).toBe(`${ORIGIN}/docs/`);
      expect(r.reason).toBe("refreshed");
      expect(set.get(n("idToken"))?.attrs["max-age"]).not.toBe("0");
    } else {
      // The session ends: every token cookie and marker goes, and a sign-in starts.
      expect(r.reason).toBe("refresh-refused:token-invalid");
      expectSignInFor(r, "/docs/");
      for (const k of ["idToken", "accessToken", "refreshToken"] as const) expect(set.get(n(k))?.attrs["max-age"]).toBe("0");
      expect(logs.join("\n")).not.toContain(refreshToken);
    }
  });

  it("without the session's id token in the request (its cookie expired), the username is what is compared", async () => {
    // The binding cookie (issue 17) outlives the id token cookie: it is still there, for the same user.
    const old = tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 });
    cookie = sessionCookieHeader(iss.clientId, { username: USER, refreshToken }, { [bindingCookieName({}, iss.clientId)]: bindingFor(iss.clientId, old.idToken) });
    const { r } = await refresh({ querystring: "return=%2F" });
    expect(r.reason).toBe("refreshed");
  });

  it.each(["return=%2Frefreshauth%3Freturn%3D%2Frefreshauth", "return=%2FRefreshAuth", "return=%2Fsignin%3Freturn%3D%2Fx", "return=%2Fparseauth%3Fcode%3Dx", "return=%2Fsignout"])(
    "a return to one of our own endpoints (%s) → /, one grant spent, never nested",
    async (querystring) => {
      const { r } = await refresh({ querystring });
      expect(r.headers.location).toBe(`${ORIGIN}/`);
      expect(tokenCalls()).toHaveLength(1);
    },
  );

  it.each<[string, StandIn["override"]["token"]]>([
    ["500", { status: 500, body: Buffer.from("") }],
    ["timeout", "timeout"],
    ["network", "network"],
  ])("Cognito down (%s) → 503 page with a retry link, cookies kept", async (_, answer) => {
    stand.override.token = answer;
    const { r } = await refresh({ querystring: "return=%2Fdocs%2Fx%3Fy%3D1" });
    expect(r.status).toBe(503);
    expect(r.headers.location).toBeUndefined();
    expect(r.body).toContain('href="&#47;docs&#47;x?y&#61;1"');
    expect(r.cookies.filter((c) => /Max-Age=0/.test(c))).toEqual([]);
  });

  it("no refresh token → straight back, no network", async () => {
    cookie = `${encodeCookieName(lastAuthUserName(iss.clientId))}=${encodeURIComponent(USER)}`;
    const { r } = await refresh({ querystring: "return=%2Fx" });
    expect(r.headers.location).toBe(`${ORIGIN}/x`);
    expect(stand.calls).toHaveLength(0);
  });
});

describe("refresh-auth and the binding cookie (issue 17)", () => {
  it.each([
    ["no binding", { bindingKey: false as const }],
    ["a binding under another key", { bindingKey: "another-secret-another-secret-0123" }],
  ])("%s: the refreshed tokens are not this browser's session, nothing is written", async (_, o) => {
    const old = tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 });
    cookie = sessionCookieHeader(iss.clientId, { username: USER, ...old, refreshToken, ...o });
    const { r, set } = await refresh({ querystring: "return=%2F" });
    expect(r.reason).toBe("refresh-refused:token-invalid");
    expect(set.get(n("idToken"))?.attrs["max-age"]).toBe("0");
    expect(set.get(n("refreshToken"))?.attrs["max-age"]).toBe("0");
    expect(set.has("__Host-edgeauth-refreshed")).toBe(false);
  });

  it.each<[string, () => string]>([
    ["absent", () => sessionCookieHeader(iss.clientId, { username: USER, ...tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 }), refreshToken, bindingKey: false })],
    ["sent twice (a planted parent-domain copy next to ours)", () => `${cookie}; __Host-edgeauth-binding=${cookie.match(/__Host-edgeauth-binding=([^;]*)/)![1]}`],
  ])("no binding cookie (%s): refused before the token endpoint is called, as an unbound answer", async (_, make) => {
    cookie = make();
    const { r, set } = await refresh({ querystring: "return=%2Fdocs%2F" });
    expect(tokenCalls()).toHaveLength(0);
    expect(r.reason).toBe("refresh-refused:token-invalid");
    expectSignInFor(r, "/docs/");
    expect(set.get(n("refreshToken"))?.attrs["max-age"]).toBe("0");
  });

  it("with the user's binding: refreshed, and the binding written again", async () => {
    const { r, set } = await refresh({ querystring: "return=%2F" });
    expect(r.reason).toBe("refreshed");
    expect(set.get("__Host-edgeauth-binding")).toMatchObject({ attrs: { httponly: true, secure: true, path: "/" } });
  });
});
