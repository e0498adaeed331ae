import { beforeEach, describe, expect, it } from "vitest";
import { checkAuth } from "../../../shared/edge/check-auth";
import { encodeCookieName } from "../../../shared/edge/cookie-codec";
import { ERRORS } from "../../../shared/outcomes/errors";
import { escapeHtml } from "../../../shared/viewer/html";
import { lastAuthUserName, tokenCookieName } from "../../../shared/edge/session-store";
import type { ResolvedConfig } from "../../../shared/config/types";
import { pkceChallenge } from "../../../shared/edge/sign-in-state";
import { asRespond, callback, hostedUiCallback, startSignIn } from "../../helpers/flow";
import { CookieJar, NOW_MS, NOW_S, ORIGIN, cognitoStandIn, edgeRequest, makeContext, parseSetCookie, useFixedClock } from "../../helpers/harness";
import type { StandIn } from "../../helpers/harness";
import { sessionCookieHeader } from "../../helpers/session";
import { makeIssuer, makeKey, testConfig, tokensFor } from "../../helpers/tokens";

const iss = makeIssuer();
const USER = "user+tag@example.com";
const user = { username: USER, email: USER };
const config = testConfig(iss);
const withSecret = testConfig(iss, { clientSecret: "topsecretclientsecret0123456789" });

let stand: StandIn;
let jar: CookieJar;
useFixedClock();
beforeEach(() => {
  stand = cognitoStandIn(iss, config);
  jar = new CookieJar();
});

const tokenCalls = () => stand.calls.filter((c) => c.url === "https://auth.example.com/oauth2/token");
const maxAgeOf = (cookies: string[]) => new Map(cookies.map(parseSetCookie).map((c) => [c.name, c.attrs["max-age"]]));

describe("happy path", () => {
  it("exchanges the code with the PKCE verifier, sets Amplify cookies, returns to the exact URL", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/docs/caf%C3%A9", querystring: "q=%E2%9C%93&a=1&a=2" });
    const { outcome } = await callback(config, stand, jar, hostedUiCallback(stand, s, user));
    const r = asRespond(outcome);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`${ORIGIN}/docs/caf%C3%A9?q=%E2%9C%93&a=1&a=2`);

    const calls = tokenCalls();
    expect(calls).toHaveLength(1);
    const form = calls[0]!.form!;
    expect(calls[0]!.req.method).toBe("POST");
    expect(calls[0]!.req.headers?.["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(calls[0]!.req.timeoutMs).toBeLessThan(5000);
    expect(form.get("grant_type")).toBe("authorization_code");
    expect(form.get("code")).toMatch(/^code-/);
    expect(pkceChallenge(form.get("code_verifier")!)).toBe(s.challenge);
    expect(form.get("redirect_uri")).toBe(`${ORIGIN}/parseauth`);
    expect(form.get("client_id")).toBe(iss.clientId);
    expect(calls[0]!.req.headers?.authorization).toBeUndefined();

    const set = r.cookies.map(parseSetCookie);
    const byName = new Map(set.map((c) => [c.name, c]));
    const n = (k: "idToken" | "accessToken" | "refreshToken") => encodeCookieName(tokenCookieName(iss.clientId, USER, k));
    for (const name of [encodeCookieName(lastAuthUserName(iss.clientId)), n("idToken"), n("accessToken"), n("refreshToken")]) {
      const c = byName.get(name);
      expect(c, name).toBeDefined();
      expect(c!.attrs).toMatchObject({ httponly: true, secure: true, samesite: "Lax", path: "/" });
    }
    // Token cookies live as long as the token (the stand-in issues them at NOW - 1 s for 3600 s).
    expect(byName.get(n("idToken"))!.attrs["max-age"]).toBe("3599");
    expect(byName.get(n("accessToken"))!.attrs["max-age"]).toBe("3599");
    expect(byName.get(n("refreshToken"))!.attrs["max-age"]).toBe(String(30 * 24 * 3600));
    expect(decodeURIComponent(byName.get(encodeCookieName(lastAuthUserName(iss.clientId)))!.value)).toBe(USER);
    // The sign-in cookie is cleared and the loop marker set.
    expect(byName.get(`__Host-edgeauth-signin.${s.state}`)!.attrs["max-age"]).toBe("0");
    expect(byName.get("__Host-edgeauth-signedin")!.attrs["max-age"]).not.toBe("0");
    expect(r.headers["cache-control"]).toBe("no-cache, no-store");
  });

  it("a confidential client authenticates with HTTP Basic", async () => {
    stand = cognitoStandIn(iss, withSecret);
    const s = await startSignIn(withSecret, stand, jar, { uri: "/" });
    const r = asRespond((await callback(withSecret, stand, jar, hostedUiCallback(stand, s, user))).outcome);
    expect(r.status).toBe(302);
    const auth = tokenCalls()[0]!.req.headers?.authorization;
    expect(auth).toBe(`Basic ${Buffer.from(`${iss.clientId}:topsecretclientsecret0123456789`).toString("base64")}`);
    expect(tokenCalls()[0]!.form!.get("client_secret")).toBeNull();
  });

  it("the session the callback sets is accepted by check-auth", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/a.html" });
    jar.apply(asRespond((await callback(config, stand, jar, hostedUiCallback(stand, s, user))).outcome).cookies);
    const before = stand.calls.length;
    const o = await checkAuth(edgeRequest({ uri: "/a.html", cookies: [jar.header()] }), makeContext(config, stand.http).ctx);
    expect(o.kind).toBe("forward");
    expect(stand.calls.length).toBe(before);
  });

  it("two sign-ins started in parallel both complete, in either order", async () => {
    const a = await startSignIn(config, stand, jar, { uri: "/page-a" });
    const b = await startSignIn(config, stand, jar, { uri: "/favicon-b" });
    expect(a.state).not.toBe(b.state);
    const qa = hostedUiCallback(stand, a, user);
    const qb = hostedUiCallback(stand, b, user);
    const rb = asRespond((await callback(config, stand, jar, qb)).outcome);
    expect(rb.headers.location).toBe(`${ORIGIN}/favicon-b`);
    jar.apply(rb.cookies);
    const ra = asRespond((await callback(config, stand, jar, qa)).outcome);
    expect(ra.headers.location).toBe(`${ORIGIN}/page-a`);
  });

  it("SameSite=Strict: a 200 page that navigates on (a cross-site redirect chain would drop Strict cookies)", async () => {
    const strict = testConfig(iss, { cookie: { sameSite: "Strict" } });
    const s = await startSignIn(strict, stand, jar, { uri: "/x" });
    const r = asRespond((await callback(strict, stand, jar, hostedUiCallback(stand, s, user))).outcome);
    expect(r.status).toBe(200);
    expect(r.body).toContain(`url=${ORIGIN.replace(/\//g, "&#47;")}&#47;x`);
  });

  it("spa mode: id/access/LastAuthUser readable by scripts, the refresh token still HttpOnly", async () => {
    const spa = testConfig(iss, { mode: "spa" });
    const s = await startSignIn(spa, stand, jar, { uri: "/x" });
    const set = asRespond((await callback(spa, stand, jar, hostedUiCallback(stand, s, user))).outcome).cookies.map(parseSetCookie);
    const get = (k: string) => set.find((c) => c.name === encodeCookieName(tokenCookieName(iss.clientId, USER, k as "idToken")))!;
    expect(get("idToken").attrs.httponly).toBeUndefined();
    expect(get("refreshToken").attrs.httponly).toBe(true);
  });
});

describe("failures end on a 4xx page", () => {
  const page = async (qs: string, o: { now?: () => number; cfg?: ResolvedConfig } = {}) => {
    const r = asRespond((await callback(o.cfg ?? config, stand, jar, qs, o.now ? { now: o.now } : {})).outcome);
    expect(r.headers.location).toBeUndefined();
    expect(r.headers["content-type"]).toMatch(/^text\/html/);
    expect(r.headers["cache-control"]).toBe("no-cache, no-store");
    return r;
  };

  it("state of another sign-in (this browser has a different one) → 400 state mismatch, no token call", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const qs = hostedUiCallback(stand, { ...s, state: "AAAAAAAAAAAAAAAAAAAAAA" });
    const r = await page(qs);
    expect(r.status).toBe(400);
    expect(r.reason).toBe("state-mismatch");
    expect(tokenCalls()).toHaveLength(0);
  });

  it.each([
    ["another provider's issuer (RFC 9207 mix-up)", "https://evil.example.com", 400],
    ["the issuer twice", null, 400],
  ])("iss of %s → 400, no token call", async (_, iss, status) => {
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const qs = `${hostedUiCallback(stand, s, user)}&${iss === null ? `iss=${encodeURIComponent(config.provider.issuer)}&iss=${encodeURIComponent(config.provider.issuer)}` : `iss=${encodeURIComponent(iss)}`}`;
    const r = await page(qs);
    expect(r.status).toBe(status);
    expect(r.reason).toBe("idp-error");
    expect(tokenCalls()).toHaveLength(0);
  });

  it.each<[string, (q: string) => string, number]>([
    ["no iss", (q) => q, 400],
    ["an empty iss", (q) => `${q}&iss=`, 400],
    ["another provider's iss", (q) => `${q}&iss=${encodeURIComponent("https://evil.example.com")}`, 400],
    ["its own iss", (q) => `${q}&iss=${encodeURIComponent(config.provider.issuer)}`, 302],
  ])("a provider whose discovery says it sends iss (RFC 9207 §2.4): %s → %i", async (_, withIss, status) => {
    const strict: ResolvedConfig = { ...config, provider: { ...config.provider, issParameter: true } };
    const s = await startSignIn(strict, stand, jar, { uri: "/x" });
    const r = asRespond((await callback(strict, stand, jar, withIss(hostedUiCallback(stand, s, user)))).outcome);
    expect(r.status).toBe(status);
    if (status === 400) {
      expect(r.reason).toBe("idp-error");
      expect(tokenCalls()).toHaveLength(0);
    }
  });

  it("iss of our own provider is fine (RFC 9207)", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/x" });
    const r = asRespond((await callback(config, stand, jar, `${hostedUiCallback(stand, s, user)}&iss=${encodeURIComponent(config.provider.issuer)}`)).outcome);
    expect(r.status).toBe(302);
  });

  it("no sign-in cookie at all (stale or replayed link, another browser, cookies blocked) → link expired or used, blocked cookies named, sign in again", async () => {
    const s = await startSignIn(config, stand, new CookieJar(), { uri: "/" });
    const r = await page(hostedUiCallback(stand, s));
    expect(r.status).toBe(400);
    expect(r.reason).toBe("cookies-blocked");
    expect(r.body).toContain("<h1>Sign-in link expired</h1>");
    expect(r.body).toContain("<p>This sign-in link has expired or was already used. It also happens when your browser blocks this site&#39;s cookies: then allow them. Sign in again to start over.</p>");
    expect(r.body).toContain('<nav><a href="&#47;signin?return&#61;%2F">Sign in again</a></nav>');
    expect(r.body).not.toContain("Cookies are needed");
    expect(tokenCalls()).toHaveLength(0);
  });

  it.each([
    // The state names this browser's sign-in: the new one goes back to the page first asked for.
    ["a code with a forbidden character", (code: string, state: string) => `code=${encodeURIComponent(`${code}<`)}&state=${state}`, "%2Fdocs%2Fx.html%3Fy%3D1"],
    // No sign-in to go back to: home.
    ["a malformed state", (code: string) => `code=${code}&state=not-a-state`, "%2F"],
  ])("%s → the sign-in could not be completed, sign in again, not only \"Bad request\"", async (_, qs, back) => {
    const s = await startSignIn(config, stand, jar, { uri: "/docs/x.html", querystring: "y=1" });
    const cb = new URLSearchParams(hostedUiCallback(stand, s, user));
    const r = await page(qs(cb.get("code")!, cb.get("state")!));
    expect(r.status).toBe(400);
    expect(r.reason).toBe("bad-request");
    expect(r.body).toContain("<h1>Sign-in not completed</h1>");
    expect(r.body).toContain("<p>The sign-in could not be completed: the answer from the sign-in service is malformed. Please sign in again.</p>");
    expect(r.body).toContain(`<nav><a href="&#47;signin?return&#61;${back}">Sign in again</a></nav>`);
    expect(r.body).not.toContain("Bad request");
    expect(r.body).not.toContain(cb.get("code")!);
    expect(tokenCalls()).toHaveLength(0);
  });

  it("expired sign-in (callback after the TTL) → 400", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const r = await page(hostedUiCallback(stand, s, user), { now: () => NOW_MS + 16 * 60_000 });
    expect(r.status).toBe(400);
    expect(r.reason).toBe("state-mismatch:expired");
    expect(tokenCalls()).toHaveLength(0);
    expect(maxAgeOf(r.cookies).get(`__Host-edgeauth-signin.${s.state}`)).toBe("0");
  });

  it("tampered sign-in cookie → 400 state mismatch", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const name = `__Host-edgeauth-signin.${s.state}`;
    const [payload, mac] = jar.cookies.get(name)!.split(".");
    const evil = Buffer.from(JSON.stringify({ n: s.nonce, v: "x".repeat(43), r: "//evil.com", e: NOW_S + 900 })).toString("base64url");
    jar.cookies.set(name, `${evil}.${mac}`);
    expect(payload).not.toBe(evil);
    const r = await page(hostedUiCallback(stand, s, user));
    expect(r.status).toBe(400);
    expect(r.reason).toBe("state-mismatch:bad-mac");
    expect(tokenCalls()).toHaveLength(0);
  });

  it("a provider error shows a fixed sentence: neither the code nor the description is reflected", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const qs = new URLSearchParams({ error: "access_denied<script>alert(1)</script>", error_description: `<img src=x onerror="alert(2)">'&`, state: s.state });
    const r = await page(qs.toString());
    expect(r.status).toBe(400);
    expect(r.body).not.toContain("<script>");
    expect(r.body).not.toContain("script");
    expect(r.body).not.toContain("<img");
    expect(r.body).not.toContain("alert");
    expect(r.body).toContain(ERRORS["idp-error"].sentence);
    expect(tokenCalls()).toHaveLength(0);
  });

  const PHISH = "Your account is locked. Call +1 555 0100 or visit evil.example to unlock it";
  it.each<[string, string]>([
    ["access_denied", "The sign-in was cancelled, or the sign-in service refused access."],
    ["invalid_request", "The sign-in service did not accept this site's sign-in request."],
    ["unauthorized_client", "This site is not allowed to sign in with this sign-in service."],
    ["unsupported_response_type", "The sign-in service does not support the kind of sign-in this site asks for."],
    ["invalid_scope", "The sign-in service did not accept the permissions this site asks for."],
    ["server_error", "The sign-in service had an internal error. Please try again."],
    ["temporarily_unavailable", "The sign-in service is busy or down for maintenance. Please try again in a moment."],
    ["login_required", "The sign-in service needs you to sign in there first."],
    ["consent_required", "The sign-in service needs your consent, which was not given."],
    ["interaction_required", "The sign-in service needs you to complete a step there before signing in."],
    ["no_such_code", "The sign-in service reported an error."],
    ["toString", "The sign-in service reported an error."],
    ["__proto__", "The sign-in service reported an error."],
    ["", "The sign-in service reported an error."],
  ])("error=%s → its fixed sentence, never error_description (logged at debug only)", async (code, sentence) => {
    const debug = testConfig(iss, { logLevel: "debug" });
    const logs: string[] = [];
    const r = asRespond((await callback(debug, stand, jar, new URLSearchParams({ error: code, error_description: PHISH, state: "AAAAAAAAAAAAAAAAAAAAAA" }).toString(), { logs })).outcome);
    expect(r.status).toBe(400);
    expect(r.body).toContain(escapeHtml(sentence));
    expect(r.body).not.toContain("evil.example");
    expect(r.body).not.toContain("555");
    const line = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "sign-in service error");
    expect(line?.level).toBe("debug");
    expect(line?.description).toBe(PHISH);
    const quiet: string[] = [];
    await callback(config, stand, jar, new URLSearchParams({ error: code, error_description: PHISH }).toString(), { logs: quiet });
    expect(quiet.join("\n")).not.toContain("evil.example");
  });

  it("error without a state → still the escaped page", async () => {
    const r = await page("error=server_error&error_description=%3Cb%3Ehi%3C%2Fb%3E");
    expect(r.status).toBe(400);
    expect(r.body).not.toContain("<b>");
  });

  it("refused code (invalid_grant) → 400 code refused; a replayed code too", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const qs = hostedUiCallback(stand, s, user);
    const first = asRespond((await callback(config, stand, jar, qs)).outcome);
    expect(first.status).toBe(302);
    // Replay with the original sign-in cookie still present (the attacker kept it).
    const r = await page(qs);
    expect(r.status).toBe(400);
    expect(r.reason).toBe("code-refused");
  });

  it("a code issued for another PKCE challenge is refused", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const r = await page(hostedUiCallback(stand, { ...s, challenge: pkceChallenge("another-verifier-another-verifier-another-v") }, user));
    expect(r.status).toBe(400);
    expect(r.reason).toBe("code-refused");
  });

  it.each<[string, StandIn["override"]["token"]]>([
    ["500", { status: 500, body: Buffer.from("{}") }],
    ["502 HTML", { status: 502, body: Buffer.from("<html>bad gateway</html>") }],
    ["429", { status: 429, body: Buffer.from('{"error":"slow_down"}') }],
    ["timeout", "timeout"],
    ["network error", "network"],
    ["200 but not JSON", { status: 200, body: Buffer.from("<html>") }],
  ])("token endpoint %s → 503 page with a retry link", async (_, answer) => {
    const s = await startSignIn(config, stand, jar, { uri: "/docs/x.html?y=1" });
    stand.override.token = answer;
    const r = await page(hostedUiCallback(stand, s, user));
    expect(r.status).toBe(503);
    expect(r.headers["retry-after"]).toBeDefined();
    expect(r.body).toContain('href="&#47;docs&#47;x.html?y&#61;1"');
  });

  it("nonce mismatch → 401", async () => {
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const r = await page(hostedUiCallback(stand, { ...s, nonce: "another-nonce-value" }, user));
    expect(r.status).toBe(401);
    expect(r.reason).toBe("nonce-mismatch");
  });

  it("id token issued to another client → 401", async () => {
    stand = cognitoStandIn(iss, config, { signWith: makeIssuer({ key: iss.key, clientId: "otherclient" }) });
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const r = await page(hostedUiCallback(stand, s, user));
    expect(r.status).toBe(401);
    expect(r.reason).toBe("token-invalid");
  });

  it("tokens signed by a foreign key → 401", async () => {
    const foreign = makeKey(iss.key.kid);
    stand = cognitoStandIn(iss, config, { signWith: { ...iss, key: foreign } });
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    expect((await page(hostedUiCallback(stand, s, user))).status).toBe(401);
  });

  it.each<[string, (code: string, state: string) => string]>([
    ["repeated code", (c, s) => `code=${c}&code=${c}&state=${s}`],
    ["repeated state", (c, s) => `code=${c}&state=${s}&state=${s}`],
    ["code with bad characters", (_, s) => `code=%3Cscript%3E&state=${s}`],
    ["state with bad characters", (c) => `code=${c}&state=%3Cscript%3E`],
    ["huge code", (_, s) => `code=${"a".repeat(2000)}&state=${s}`],
  ])("%s → 400", async (_, qs) => {
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const code = stand.issueCode({ challenge: s.challenge, nonce: s.nonce, redirectUri: s.redirectUri, user });
    const r = await page(qs(code, s.state));
    expect(r.status).toBe(400);
    expect(tokenCalls()).toHaveLength(0);
  });

  it.each(["", "code=abc", "state=AAAAAAAAAAAAAAAAAAAAAA"])("missing code or state (%j) → 400", async (qs) => {
    expect((await page(qs)).status).toBe(400);
  });

  it("a stale callback URL of a signed-in browser → back to the site, not an error", async () => {
    const t = tokensFor(iss, { username: USER, iat: NOW_S - 60 });
    jar.cookies.set("x", "1");
    const r = asRespond(
      (await callback(config, stand, jar, "code=abc&state=AAAAAAAAAAAAAAAAAAAAAA")).outcome,
    );
    expect(r.status).toBe(400); // no session in this jar yet: the cookies-blocked / mismatch page
    const signedIn = new CookieJar();
    for (const part of sessionCookieHeader(iss.clientId, { username: USER, ...t }).split("; ")) {
      const eq = part.indexOf("=");
      signedIn.cookies.set(part.slice(0, eq), part.slice(eq + 1));
    }
    const stale = asRespond((await callback(config, stand, signedIn, "code=abc&state=AAAAAAAAAAAAAAAAAAAAAA")).outcome);
    expect(stale.status).toBe(302);
    expect(stale.headers.location).toBe(`${ORIGIN}/`);
  });
});
