/**
 * Cookie tossing (issue 17), through the BUILT bundles and the BUILT CloudFront Function (in the runtime emulator
 * and under njs): what a sibling subdomain that can set `Domain=<parent>` cookies (any name not starting with
 * `__Host-`, any Path) can plant, and two sites that share a cookie domain.
 *
 * - our cookies are read only under the exact name we set: `%5F%5FHost-…` is not ours;
 * - a cookie of ours sent twice is judged as absent, and expired;
 * - the token cookies (Amplify's names, no prefix) count only with the `__Host-` binding cookie of their user;
 * - sites sharing `cookie.domain` name their cookies per app client and seal sign-ins for their own site.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildViewerRequestEvent } from "../../scripts/cloudfront-function-runtime/event";
import { runUnderNjs } from "../../scripts/cloudfront-function-runtime/njs";
import { loadCloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CffRequest, CffResponse } from "../../scripts/cloudfront-function-runtime/types";
import { markerName, sessionCookieName, signInCookieName } from "../../shared/viewer/cookie-names";
import { idTokenHash, sealSession } from "../../shared/viewer/session-cookie";
import type { SessionClaims } from "../../shared/viewer/session-cookie";
import { buildWith, builtFunction } from "../helpers/build";
import type { KvsData } from "../helpers/build";
import { CookieJar } from "../helpers/cognito-stand-in";
import { header, setCookies, viewerRequest } from "../helpers/events";
import { HOST, hostedUi, makeSite, req, signIn } from "../helpers/site";
import type { Site } from "../helpers/site";
import { makeIssuer, poolConfig, TEST_NONCE_SECRET, tokensFor } from "../helpers/tokens";

const NOW = Math.floor(Date.now() / 1000);
const enc = (name: string) => name.replace(/_/g, "%5F");
/** The Set-Cookie values that expire `name` (Max-Age=0). */
const expiries = (res: unknown, name: string) => setCookies(res).filter((c) => c.startsWith(`${name}=`) && /Max-Age=0/i.test(c));
const tokenNames = (res: unknown) => setCookies(res).filter((c) => /^CognitoIdentityServiceProvider\.[^=]*\.(idToken|accessToken)=[^;]+/.test(c) && !/Max-Age=0/i.test(c));

describe("Lambda@Edge (built bundles)", () => {
  let site: Site;
  const VICTIM = { username: "victim", email: "victim@example.com", sub: "aaaaaaaa-0000-0000-0000-00000000000v" };
  const ATTACKER = { username: "attacker", email: "attacker@example.com", sub: "aaaaaaaa-0000-0000-0000-00000000000a" };
  /** A browser signed in as `user` through the real flow (check-auth → Hosted UI → parse-auth). */
  async function signedIn(user: typeof VICTIM): Promise<CookieJar> {
    site.cognito.user = { ...user };
    const jar = new CookieJar();
    const done = await signIn(site, jar, { uri: "/" });
    expect(done.status).toBe("302");
    return jar;
  }
  const cookieOf = (jar: CookieJar, suffix: string) => [...jar.cookies].find(([n]) => n.endsWith(suffix))!;
  /** `user` starts a sign-in at check-auth and gets through the Hosted UI: the browser's jar (holding the sign-in
   *  cookie) and the callback URL parse-auth would be sent to, not yet followed. */
  async function atCallback(user: typeof VICTIM): Promise<{ jar: CookieJar; callback: URL }> {
    site.cognito.user = { ...user };
    const jar = new CookieJar();
    const first = await site.fn.check(req(jar, { uri: "/" }));
    jar.apply(setCookies(first));
    return { jar, callback: await hostedUi(header(first, "location")!) };
  }

  beforeAll(async () => {
    site = await makeSite();
  }, 120_000);
  afterAll(() => site?.cognito.stop());

  it("login CSRF: the attacker's own sign-in cookie planted as %5F%5FHost-edgeauth-signin.<state> does not finish his sign-in in the victim's browser", async () => {
    const { jar: attacker, callback } = await atCallback(ATTACKER);
    const state = callback.searchParams.get("state")!;
    const [name, { value }] = cookieOf(attacker, `signin.${state}`);
    expect(name).toBe(`__Host-edgeauth-signin.${state}`);
    // The victim follows the attacker's callback link with the planted cookie.
    const res = await site.fn.parse(viewerRequest({ host: HOST, uri: callback.pathname, querystring: callback.search.slice(1), cookies: [`${enc(name)}=${value}`] }));
    expect(res.status).toBe("400");
    expect(tokenNames(res)).toEqual([]);
  });

  it.each([
    ["signedin", "sign-in", "a signed-out visitor is sent to sign in, not told cookies are blocked"],
    ["refreshed", "refresh", "a visitor with a refresh token is sent to refresh, not told cookies are blocked"],
  ])("a planted, percent-encoded __Host-edgeauth-%s marker is not ours (%s): %s", async (kind, wants) => {
    const jar = await signedIn(VICTIM);
    const refresh = cookieOf(jar, ".refreshToken");
    const cookies = [`${enc(`__Host-edgeauth-${kind}`)}=${NOW + 600}`, ...(wants === "refresh" ? [`${refresh[0]}=${refresh[1].value}`] : [])].join("; ");
    const res = await site.fn.check(viewerRequest({ host: HOST, uri: "/docs/", cookies: [cookies] }));
    expect(res.status).toBe("302");
    expect(header(res, "location")).toMatch(wants === "refresh" ? /\/refreshauth\?return=/ : /\/oauth2\/authorize\?/);
  });

  it("an id token cookie sent twice is judged on neither copy: to refresh (the refresh token came once), the repeated name expired", async () => {
    // Two sessions of the same user in two browsers: both genuine and bound, so only the repetition is judged.
    const one = await signedIn(VICTIM);
    const two = await signedIn(VICTIM);
    const [idName, first] = cookieOf(two, ".idToken");
    expect((await site.fn.check(req(one, { uri: "/docs/" }))).status).toBeUndefined();
    const res = await site.fn.check(viewerRequest({ host: HOST, uri: "/docs/", cookies: [`${idName}=${first.value}; ${one.header()}`] }));
    expect(res.status).toBe("302");
    expect(header(res, "location")).toMatch(/\/refreshauth\?return=/);
    expect(expiries(res, idName).length).toBeGreaterThan(0);
  });

  it("a sign-in cookie sent twice finishes no sign-in", async () => {
    const { jar, callback } = await atCallback(VICTIM);
    const [name, { value }] = cookieOf(jar, `signin.${callback.searchParams.get("state")}`);
    const res = await site.fn.parse(viewerRequest({ host: HOST, uri: callback.pathname, querystring: callback.search.slice(1), cookies: [`${name}=${value}; ${name}=${value}`] }));
    expect(res.status).toBe("400");
    expect(tokenNames(res)).toEqual([]);
    expect(expiries(res, name).length).toBeGreaterThan(0);
  });

  it("a sign-in with a repeated LastAuthUser finishes with the new one kept, not expired after it was written", async () => {
    const { jar, callback } = await atCallback(VICTIM);
    const lau = `CognitoIdentityServiceProvider.${site.cognito.opts.issuer.clientId}.LastAuthUser`;
    const done = await site.fn.parse(viewerRequest({ host: HOST, uri: callback.pathname, querystring: callback.search.slice(1), cookies: [`${lau}=a; ${lau}=b; ${jar.header()}`] }));
    expect(done.status).toBe("302");
    expect(expiries(done, lau).length).toBe(0);
    jar.apply(setCookies(done));
    expect(jar.cookies.get(lau)?.value).toBe("victim");
    expect((await site.fn.check(req(jar, { uri: "/docs/" }))).status).toBeUndefined();
  });

  it("the attacker's genuinely signed tokens, planted without a binding: not a session, sign in", async () => {
    const attacker = await signedIn(ATTACKER);
    const planted = [...attacker.cookies].filter(([n]) => n.startsWith("CognitoIdentityServiceProvider.")).map(([n, c]) => `${n}=${c.value}`).join("; ");
    expect((await site.fn.check(req(attacker, { uri: "/docs/" }))).status).toBeUndefined();
    const res = await site.fn.check(viewerRequest({ host: HOST, uri: "/docs/", cookies: [planted] }));
    expect(res.status).toBe("302");
    expect(header(res, "location")).toMatch(/\/oauth2\/authorize\?/);
  });

  it("the attacker's tokens next to the victim's own binding cookie: refused", async () => {
    const attacker = await signedIn(ATTACKER);
    const victim = await signedIn(VICTIM);
    const planted = [...attacker.cookies].filter(([n]) => n.startsWith("CognitoIdentityServiceProvider.")).map(([n, c]) => `${n}=${c.value}`);
    const [bindingName, binding] = cookieOf(victim, "edgeauth-binding");
    expect(bindingName).toBe("__Host-edgeauth-binding");
    const res = await site.fn.check(viewerRequest({ host: HOST, uri: "/docs/", cookies: [[...planted, `${bindingName}=${binding.value}`].join("; ")] }));
    expect(res.status).toBe("302");
    expect(header(res, "location")).toMatch(/\/oauth2\/authorize\?/);
  });

  it("the attacker's refresh token, planted: refresh-auth refreshes nothing and sets no session", async () => {
    const attacker = await signedIn(ATTACKER);
    const planted = [...attacker.cookies].filter(([n]) => /^CognitoIdentityServiceProvider\..*\.(refreshToken|LastAuthUser)$/.test(n)).map(([n, c]) => `${n}=${c.value}`);
    const res = await site.fn.refresh(viewerRequest({ host: HOST, uri: "/refreshauth", querystring: "return=%2Fdocs%2F", cookies: [planted.join("; ")] }));
    expect(res.status).toBe("302");
    expect(tokenNames(res)).toEqual([]);
  });

  it("Amplify's own refresh (new tokens, same user) keeps the binding: still signed in", async () => {
    const victim = await signedIn(VICTIM);
    const fresh = tokensFor(site.cognito.opts.issuer, { ...VICTIM, iat: NOW - 5 });
    const rewritten = new CookieJar();
    for (const [n, c] of victim.cookies) rewritten.cookies.set(n, { ...c, value: n.endsWith(".idToken") ? fresh.idToken : n.endsWith(".accessToken") ? fresh.accessToken : c.value });
    expect((await site.fn.check(req(rewritten, { uri: "/docs/" }))).status).toBeUndefined();
  });
});

describe("the CloudFront Function (built, in the emulator and under njs)", () => {
  const iss = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Toss1", clientId: "tossclient1234567890" });
  let code: string;
  let kvs: KvsData;
  let key: string;
  const claims = (o: Partial<SessionClaims> = {}): SessionClaims => ({ c: iss.clientId, s: "sub-victim", u: "victim", g: [], x: NOW + 600, h: "h".repeat(22), ...o });

  beforeAll(async () => {
    const built = await buildWith({
      ...poolConfig(iss),
      hotPath: "cloudfront-function",
      nonceSigningSecret: TEST_NONCE_SECRET,
      forwardIdentity: true,
    });
    expect(built.status, built.stderr + built.stdout).toBe(0);
    ({ code, kvs, sessionKey: key } = builtFunction(built));
  }, 120_000);

  /** Runs the built function in the emulator and under njs; both answers must be the same. */
  async function both(cookie: string) {
    const ev = () => buildViewerRequestEvent({ method: "GET", path: "/docs/", query: "", headers: [["Host", HOST], ["Accept", "text/html"], ["Cookie", cookie]], ip: "203.0.113.1" });
    const fn = loadCloudFrontFunction(code, { kvs, now: () => NOW * 1000 });
    const inEmulator = await fn.run(ev());
    const inNjs = await runUnderNjs(code, ev(), { kvs, now: new Date(NOW * 1000) });
    expect(inNjs.ok, inNjs.ok ? "" : inNjs.error).toBe(true);
    const mine = inEmulator.kind === "request" ? inEmulator.request : inEmulator.response;
    expect(inNjs.ok && inNjs.result).toEqual(JSON.parse(JSON.stringify(mine)));
    return inEmulator;
  }

  it("a session cookie sent twice (a planted valid one first) is judged on neither: to sign in, expired", async () => {
    expect((await both(`__Host-edgeauth-session=${sealSession(claims(), key)}`)).kind).toBe("request");
    const r = await both(`__Host-edgeauth-session=${sealSession(claims({ s: "sub-attacker", u: "attacker" }), key)}; __Host-edgeauth-session=${sealSession(claims(), key)}`);
    expect(r.kind).toBe("response");
    const res = (r as { response: CffResponse }).response;
    expect(res.statusCode).toBe(302);
    expect(res.headers!.location!.value).toMatch(/\/signin\?return=/);
    expect(res.cookies!["__Host-edgeauth-session"]!.attributes).toMatch(/Max-Age=0/);
  });

  it.each(["signedin", "refreshed"])("a planted, percent-encoded __Host-edgeauth-%s marker is not ours: to sign in", async (kind) => {
    const r = await both(`${enc(`__Host-edgeauth-${kind}`)}=${NOW + 600}`);
    expect((r as { response: CffResponse }).response.statusCode).toBe(302);
  });

  it("an id token cookie sent twice is not forwarded as verified, even when one copy is the session's", async () => {
    // The function only hashes it; short, so the whole answer fits on one line of njs's console.log (about 2 KB).
    const idToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0ifQ.c2ln";
    const session = `__Host-edgeauth-session=${sealSession(claims({ h: idTokenHash(idToken) }), key)}`;
    const name = `CognitoIdentityServiceProvider.${iss.clientId}.victim.idToken`;
    const once = await both(`${session}; ${name}=${idToken}`);
    expect((once as { request: CffRequest }).request.headers["x-auth-id-token"]?.value).toBe(idToken);
    const twice = await both(`${session}; ${name}=${idToken}; ${name}=${idToken}`);
    expect(twice.kind).toBe("request");
    expect((twice as { request: CffRequest }).request.headers["x-auth-id-token"]).toBeUndefined();
  });

  it("a loop marker sent twice counts for nothing: to sign in, not a loop page", async () => {
    const r = await both(`__Host-edgeauth-signedin=${NOW + 600}; __Host-edgeauth-signedin=${NOW + 600}`);
    const res = (r as { response: CffResponse }).response;
    expect(res.statusCode).toBe(302);
    expect(res.cookies!["__Host-edgeauth-signedin"]!.attributes).toMatch(/Max-Age=0/);
  });
});

describe("two sites sharing one cookie.domain", () => {
  const A = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Share1", clientId: "sharedsitea" });
  const B = { ...A, clientId: "sharedsiteb" };
  const config = (hotPath: string) => ({
    region: A.region,
    userPoolId: A.userPoolId,
    // Nothing listens here: a test that reached the token endpoint would fail fast, on loopback.
    domain: "http://127.0.0.1:9",
    issuer: A.issuer,
    jwks: { keys: [A.key.jwk] },
    hotPath,
    nonceSigningSecret: TEST_NONCE_SECRET,
    cookie: { domain: "example.com" },
    sites: [
      { hosts: ["site-a.example.com"], clientId: A.clientId },
      { hosts: ["site-b.example.com"], clientId: B.clientId },
    ],
  });
  type Handler = (e: unknown) => Promise<Record<string, unknown>>;
  // The names each site writes, from the one module that names them.
  const shared = { domain: "example.com" };
  const names = (clientId: string) => ({
    session: sessionCookieName(shared, clientId),
    signedIn: markerName("signedin", shared, clientId),
    signIn: (state: string) => signInCookieName(state, shared, clientId),
  });
  const a = names(A.clientId);
  const b = names(B.clientId);
  let edge: Awaited<ReturnType<typeof buildWith>>;
  let fnCode: string;
  let kvs: KvsData;
  beforeAll(async () => {
    const [e, f] = await Promise.all([buildWith(config("lambda-edge")), buildWith(config("cloudfront-function"))]);
    expect(e.status, e.stderr + e.stdout).toBe(0);
    expect(f.status, f.stderr + f.stdout).toBe(0);
    edge = e;
    ({ code: fnCode, kvs } = builtFunction(f));
  }, 180_000);

  it("the build warns that cookie.domain shares the cookies with every host under it", () => {
    expect(edge.stdout + edge.stderr).toMatch(/warning: sites\[0\]\.cookie\.domain: is example\.com, .*can plant session or sign-in cookies/);
  });

  it("each site names its cookies after its app client", async () => {
    const res = await (edge.load("check-auth").handler as Handler)(viewerRequest({ host: "site-a.example.com", uri: "/docs/" }));
    expect(res.status).toBe("302");
    expect(setCookies(res).some((c) => c.startsWith("edgeauth-sharedsitea-signin.") && /Domain=example\.com/i.test(c))).toBe(true);
  });

  it("site A's fresh sign-in marker does not stop a sign-in on site B", async () => {
    const res = await (edge.load("check-auth").handler as Handler)(viewerRequest({ host: "site-b.example.com", uri: "/docs/", cookies: [`${a.signedIn}=${NOW + 600}`] }));
    expect(res.status).toBe("302");
    expect(header(res, "location")).toMatch(/\/oauth2\/authorize\?/);
  });

  it("a sign-in cookie sealed for site A does not finish a callback on site B, even renamed to B's name", async () => {
    const start = await (edge.load("check-auth").handler as Handler)(viewerRequest({ host: "site-a.example.com", uri: "/docs/" }));
    const state = new URL(header(start, "location")!).searchParams.get("state")!;
    const sealed = setCookies(start).find((c) => c.startsWith(`${a.signIn(state)}=`))!.split(";")[0]!.split("=").slice(1).join("=");
    const res = await (edge.load("parse-auth").handler as Handler)(
      viewerRequest({ host: "site-b.example.com", uri: "/parseauth", querystring: `code=abc&state=${state}`, cookies: [`${b.signIn(state)}=${sealed}`] }),
    );
    expect(res.status).toBe("400");
    expect(String(res.body)).not.toMatch(/unavailable/i);
  });

  it("site B's check neither reads nor clears site A's session cookie (CloudFront Function, emulator and njs)", async () => {
    const key = kvs.data.find((d) => d.key === "session-key")!.value;
    const sessionA = sealSession({ c: A.clientId, s: "sub-1", u: "jane", g: [], x: NOW + 600, h: "h".repeat(22) }, key);
    const sessionB = sealSession({ c: B.clientId, s: "sub-1", u: "jane", g: [], x: NOW + 600, h: "h".repeat(22) }, key);
    const ev = (cookie: string) => buildViewerRequestEvent({ method: "GET", path: "/docs/", query: "", headers: [["Host", "site-b.example.com"], ["Accept", "text/html"], ["Cookie", cookie]], ip: "203.0.113.1" });
    const fn = loadCloudFrontFunction(fnCode, { kvs, now: () => NOW * 1000 });
    for (const [cookie, bHasOwn] of [[`${a.session}=${sessionA}`, false], [`${a.session}=${sessionA}; ${b.session}=${sessionB}`, true]] as const) {
      const r = await fn.run(ev(cookie));
      const inNjs = await runUnderNjs(fnCode, ev(cookie), { kvs, now: new Date(NOW * 1000) });
      expect(inNjs.ok && inNjs.result).toEqual(JSON.parse(JSON.stringify(r.kind === "request" ? r.request : r.response)));
      if (bHasOwn) expect(r.kind).toBe("request");
      else {
        expect(r.kind).toBe("response");
        expect(Object.keys((r as { response: CffResponse }).response.cookies ?? {})).not.toContain(a.session);
      }
    }
  });

  it("site A's sign-in marker does not stop site B's check (CloudFront Function)", async () => {
    const fn = loadCloudFrontFunction(fnCode, { kvs, now: () => NOW * 1000 });
    const r = await fn.run(buildViewerRequestEvent({ method: "GET", path: "/docs/", query: "", headers: [["Host", "site-b.example.com"], ["Accept", "text/html"], ["Cookie", `${a.signedIn}=${NOW + 600}`]], ip: "203.0.113.1" }));
    expect((r as { response: CffResponse }).response.statusCode).toBe(302);
  });
});

describe("with cookie.domain, a repeated cookie of ours is expired with and without the Domain", () => {
  it("Lambda@Edge check-auth expires both copies of a repeated sign-in marker", async () => {
    const iss = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Dom1", clientId: "domclient1" });
    const built = await buildWith({ ...poolConfig(iss), cookie: { domain: "example.com" } });
    expect(built.status, built.stderr + built.stdout).toBe(0);
    const name = "edgeauth-domclient1-signedin";
    const res = await (built.load("check-auth").handler as (e: unknown) => Promise<Record<string, unknown>>)(
      viewerRequest({ host: HOST, uri: "/docs/", cookies: [`${name}=${NOW + 600}; ${name}=${NOW + 600}`] }),
    );
    expect(res.status).toBe("302");
    const gone = expiries(res, name);
    expect(gone.some((c) => /Domain=example\.com/i.test(c))).toBe(true);
    expect(gone.some((c) => !/Domain=/i.test(c))).toBe(true);
  }, 120_000);
});
