/**
 * Refresh token rotation (deploy.userPool.refreshTokenRotation) through the BUILT refresh-auth and check-auth
 * bundles: the Cognito stand-in answers every refresh with a new refresh token and keeps the rotated-out one valid
 * for a grace period, as an app client with RefreshTokenRotation does. Two refreshes racing from one browser (two
 * tabs, or a page and its favicon, both with the same expired session) must both succeed inside the grace period,
 * whichever answer the browser applies last must leave one consistent session, and nothing may loop.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CookieJar } from "../helpers/cognito-stand-in";
import { header, setCookies } from "../helpers/events";
import { HOST, makeSite, req, signIn } from "../helpers/site";
import type { Site } from "../helpers/site";

const GRACE_SECONDS = 10;
const TOKEN_COOKIE = /\.(idToken|accessToken|refreshToken)(\.\d+)?$/;

/** The token cookies a response sets (name → value), expired ones left out. */
function tokenCookies(res: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of setCookies(res)) {
    const [pair = ""] = c.split(";");
    const name = pair.slice(0, pair.indexOf("="));
    if (TOKEN_COOKIE.test(name) && !/max-age=0(;|$)/i.test(c.replace(/\s/g, ""))) out.set(name, pair.slice(pair.indexOf("=") + 1));
  }
  return out;
}

const refreshTokenOf = (jar: CookieJar) => [...jar.cookies].find(([n]) => n.endsWith(".refreshToken"))?.[1].value;

describe("refresh token rotation with a grace period", () => {
  let site: Site;
  beforeAll(async () => {
    site = await makeSite();
    site.cognito.rotation = { graceSeconds: GRACE_SECONDS };
  }, 120_000);
  afterAll(() => site?.cognito.stop());
  afterEach(() => vi.useRealTimers());

  /** A signed-in browser whose tokens have expired; returns its jar. */
  async function expiredSession(): Promise<CookieJar> {
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    const expired = await site.fn.check(req(jar, { uri: "/report" }));
    expect(new URL(header(expired, "location")!).pathname).toBe("/refreshauth");
    return jar;
  }

  const refresh = (jar: CookieJar, ret: string) => site.fn.refresh(req(jar, { uri: "/refreshauth", querystring: `return=${encodeURIComponent(ret)}` }));

  it("rotates: a refresh stores the new refresh token, and the next refresh uses it", async () => {
    const jar = await expiredSession();
    const before = refreshTokenOf(jar);
    const res = await refresh(jar, "/report");
    expect(res.status).toBe("302");
    jar.apply(setCookies(res));
    const after = refreshTokenOf(jar);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    const again = await refresh(jar, "/report");
    expect(header(again, "location")).toBe(`https://${HOST}/report`);
    expect(tokenCookies(again).size).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ["the first answer applied last", [1, 0]],
    ["the second answer applied last", [0, 1]],
  ] as const)("two refreshes racing inside the grace period both succeed; %s wins, consistently, and nothing loops", async (_, order) => {
    const jar = await expiredSession();
    const old = refreshTokenOf(jar)!;
    const calls = site.cognito.calls.length;
    // Both requests leave the browser with the same (expired) cookies, before either answer arrives.
    const answers = await Promise.all([refresh(jar, "/a"), refresh(jar, "/b")]);
    expect(site.cognito.calls.slice(calls).map((c) => c.form.refresh_token)).toEqual([old, old]);
    expect(answers.map((a) => a.status)).toEqual(["302", "302"]);
    expect(answers.map((a) => header(a, "location"))).toEqual([`https://${HOST}/a`, `https://${HOST}/b`]);
    const sets = answers.map(tokenCookies);
    const newTokens = sets.map((s) => [...s].find(([n]) => n.endsWith(".refreshToken"))![1]);
    expect(new Set([old, ...newTokens]).size).toBe(3);

    for (const i of order) jar.apply(setCookies(answers[i]!));
    const winner = sets[order[1]]!;
    // Every token cookie in the jar is the later answer's: id, access and refresh token of one response.
    const inJar = new Map([...jar.cookies].filter(([n]) => TOKEN_COOKIE.test(n)).map(([n, c]) => [n, c.value]));
    expect(inJar).toEqual(winner);

    // Signed in, no redirect to refresh or sign-in again.
    const next = await site.fn.check(req(jar, { uri: "/b" }));
    expect(next.status).toBeUndefined();
    // And the session keeps refreshing from the winner's token after the grace period has passed.
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    const later = await refresh(jar, "/c");
    expect(header(later, "location")).toBe(`https://${HOST}/c`);
    expect(tokenCookies(later).size).toBeGreaterThanOrEqual(3);
    jar.apply(setCookies(later));
    expect((await site.fn.check(req(jar, { uri: "/c" }))).status).toBeUndefined();
  });

  it("refuses a rotated-out refresh token after the grace period: the tokens are cleared and the next visit signs in", async () => {
    const jar = await expiredSession();
    const stale = new CookieJar();
    for (const [n, c] of jar.cookies) stale.cookies.set(n, { ...c });
    const first = await refresh(jar, "/x");
    expect(tokenCookies(first).size).toBeGreaterThanOrEqual(3);
    vi.setSystemTime(Date.now() + (GRACE_SECONDS + 1) * 1000);
    const late = await refresh(stale, "/x");
    const signIn = new URL(header(late, "location")!);
    expect(`${signIn.origin}${signIn.pathname}`).toBe(`${site.cognito.url}/oauth2/authorize`);
    stale.apply(setCookies(late));
    expect([...stale.cookies.keys()].some((n) => TOKEN_COOKIE.test(n))).toBe(false);
    expect(header(await site.fn.check(req(stale, { uri: "/x" })), "location")).toMatch(/\/oauth2\/authorize\?/);
  });
});
