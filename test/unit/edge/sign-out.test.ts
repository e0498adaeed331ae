import { beforeEach, describe, expect, it } from "vitest";
import { encodeCookieName } from "../../../shared/edge/cookie-codec";
import { lastAuthUserName, tokenCookieName } from "../../../shared/edge/session-store";
import { signOut } from "../../../shared/edge/sign-out";
import { asRespond } from "../../helpers/flow";
import { HOST, NOW_S, cognitoStandIn, edgeRequest, makeContext, parseSetCookie, useFixedClock } from "../../helpers/harness";
import type { StandIn } from "../../helpers/harness";
import { sessionCookieHeader } from "../../helpers/session";
import { makeIssuer, testConfig, tokensFor } from "../../helpers/tokens";
import type { ResolvedConfig } from "../../../shared/config/types";

const iss = makeIssuer();
const USER = "user+tag@example.com";
const config = testConfig(iss);

let stand: StandIn;
useFixedClock();
beforeEach(() => {
  stand = cognitoStandIn(iss, config);
});

/** A sign-out asked for on this site (a link on its own page: `Sec-Fetch-Site: same-origin`). */
async function out(cookie: string, cfg: ResolvedConfig = config, host = HOST, headers: Record<string, string> = { "Sec-Fetch-Site": "same-origin" }) {
  const { ctx, logs } = makeContext(cfg, stand.http, { fn: "sign-out" });
  const r = asRespond(await signOut(edgeRequest({ uri: "/signout", host, headers, cookies: cookie ? [cookie] : [] }), ctx));
  return { r, logs };
}

const fullSession = (refreshToken: string) =>
  sessionCookieHeader(
    iss.clientId,
    { username: USER, ...tokensFor(iss, { username: USER, iat: NOW_S - 60 }), refreshToken },
    { "__Host-edgeauth-signin.AAAAAAAAAAAAAAAAAAAAAA": "x.y", "__Host-edgeauth-signedin": "1", "__Host-edgeauth-refreshed": "1", _ga: "GA1", [`CognitoIdentityServiceProvider.${iss.clientId}.${USER}.clockDrift`]: "0", "CognitoIdentityServiceProvider.otherclient.u.idToken": "keep" },
  );

describe("sign-out", () => {
  it("revokes the refresh token, expires every cookie of ours, and goes to Cognito's /logout", async () => {
    const refreshToken = stand.issueRefresh({ username: USER });
    const cookie = fullSession(refreshToken);
    const { r } = await out(cookie);
    const revoke = stand.calls.filter((c) => c.url === "https://auth.example.com/oauth2/revoke");
    expect(revoke).toHaveLength(1);
    expect(revoke[0]!.req.method).toBe("POST");
    expect(revoke[0]!.req.timeoutMs).toBeLessThan(5000);
    expect(Object.fromEntries(revoke[0]!.form!)).toEqual({ token: refreshToken, client_id: iss.clientId });
    expect(stand.revoked).toEqual([refreshToken]);

    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`https://auth.example.com/logout?client_id=${iss.clientId}&logout_uri=https%3A%2F%2F${HOST}%2F`);

    const expired = new Map(r.cookies.map(parseSetCookie).map((c) => [c.name, c.attrs["max-age"]]));
    const ours = cookie
      .split("; ")
      .map((p) => p.slice(0, p.indexOf("=")))
      .filter((name) => !name.startsWith("_ga") && !name.includes("otherclient"));
    expect(ours.length).toBeGreaterThanOrEqual(8);
    for (const name of ours) expect(expired.get(name), name).toBe("0");
    expect(expired.has("_ga")).toBe(false);
    expect([...expired.keys()].some((k) => k.includes("otherclient"))).toBe(false);
    for (const c of r.cookies.map(parseSetCookie)) expect(c.attrs).toMatchObject({ "max-age": "0", path: "/", secure: true });
    expect(r.headers["cache-control"]).toBe("no-cache, no-store");
  });

  it("chunked token cookies are expired too", async () => {
    const refreshToken = stand.issueRefresh({ username: USER });
    const base = encodeCookieName(tokenCookieName(iss.clientId, USER, "idToken"));
    const cookie = `${encodeCookieName(lastAuthUserName(iss.clientId))}=${encodeURIComponent(USER)}; ${base}.0=aaa; ${base}.1=bbb; ${encodeCookieName(tokenCookieName(iss.clientId, USER, "refreshToken"))}=${refreshToken}`;
    const { r } = await out(cookie);
    const expired = r.cookies.map(parseSetCookie).filter((c) => c.attrs["max-age"] === "0").map((c) => c.name);
    expect(expired).toEqual(expect.arrayContaining([`${base}.0`, `${base}.1`]));
  });

  it.each<[string, StandIn["override"]["revoke"]]>([
    ["timeout", "timeout"],
    ["network", "network"],
    ["500", { status: 500, body: Buffer.alloc(0) }],
    ["400 invalid_token", { status: 400, body: Buffer.from('{"error":"invalid_token"}') }],
  ])("revoke failure (%s) still signs out", async (_, answer) => {
    stand.override.revoke = answer;
    const { r } = await out(fullSession(stand.issueRefresh({ username: USER })));
    expect(r.status).toBe(302);
    expect(r.headers.location).toMatch(/^https:\/\/auth\.example\.com\/logout\?/);
    expect(r.cookies.length).toBeGreaterThan(5);
    expect(r.reason).toBe("signed-out:revoke-failed");
  });

  it("no session: no revoke call, still the logout redirect", async () => {
    const { r } = await out("");
    expect(stand.calls).toHaveLength(0);
    expect(r.headers.location).toBe(`https://auth.example.com/logout?client_id=${iss.clientId}&logout_uri=https%3A%2F%2F${HOST}%2F`);
  });

  it("afterSignOut and the Host decide logout_uri; nothing from the query does", async () => {
    const cfg = testConfig(iss, { paths: { afterSignOut: "/bye" } });
    const { ctx } = makeContext(cfg, stand.http, { fn: "sign-out" });
    const r = asRespond(await signOut(edgeRequest({ uri: "/signout", querystring: "logout_uri=https://evil.com&redirect=//evil.com", host: "www.example.com", headers: { "Sec-Fetch-Site": "same-origin" } }), ctx));
    const loc = new URL(r.headers.location!);
    expect(loc.origin).toBe("https://auth.example.com");
    expect(loc.searchParams.get("logout_uri")).toBe("https://www.example.com/bye");
  });

  it("a bad Host → 400 page, no redirect", async () => {
    const { r } = await out("", config, "evil.com/x");
    expect(r.status).toBe(400);
    expect(r.headers.location).toBeUndefined();
  });
});

describe("sign-out asked for by another site", () => {
  const ORIGIN = `https://${HOST}`;
  it.each<[string, Record<string, string>, boolean]>([
    ["same-origin link", { "Sec-Fetch-Site": "same-origin" }, true],
    ["typed or bookmarked", { "Sec-Fetch-Site": "none" }, true],
    ["a link on another site", { "Sec-Fetch-Site": "cross-site" }, false],
    ["a sibling subdomain", { "Sec-Fetch-Site": "same-site" }, false],
    ["cross-site even with our Referer claimed", { "Sec-Fetch-Site": "cross-site", Referer: `${ORIGIN}/` }, false],
    ["no Sec-Fetch-Site, our Referer", { Referer: `${ORIGIN}/page` }, true],
    ["no Sec-Fetch-Site, our Origin", { Origin: ORIGIN }, true],
    ["no Sec-Fetch-Site, another Origin", { Origin: "https://evil.example" }, false],
    ["no Sec-Fetch-Site, a look-alike Referer", { Referer: `${ORIGIN}.evil.example/` }, false],
    ["no marker at all", {}, false],
  ])("%s → signed out: %s", async (_, headers, signsOut) => {
    const refreshToken = stand.issueRefresh({ username: USER });
    const { r, logs } = await out(fullSession(refreshToken), config, HOST, headers);
    if (signsOut) {
      expect(r.status).toBe(302);
      expect(stand.revoked).toEqual([refreshToken]);
      return;
    }
    // A small page with a button, nothing revoked, no cookie touched.
    expect(r.status).toBe(200);
    expect(r.reason).toBe("sign-out:confirm");
    expect(r.cookies).toEqual([]);
    expect(stand.revoked).toEqual([]);
    expect(stand.calls).toEqual([]);
    expect(r.body).toContain('<form method="get" action="&#47;signout">');
    expect(r.body).toContain("<button");
    expect(r.headers["cache-control"]).toBe("no-cache, no-store");
    expect(r.headers["x-frame-options"]).toBe("DENY");
    expect(r.body).not.toContain(refreshToken);
    expect(logs.join("\n")).not.toContain(refreshToken);
  });
});
