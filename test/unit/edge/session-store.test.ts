import { describe, expect, it } from "vitest";
import type { CookieSettings } from "../../../shared/config/types";
import { encodeCookieName, parseCookieHeader } from "../../../shared/edge/cookie-codec";
import {
  MAX_PENDING_SIGNINS,
  endSignIn,
  expireAll,
  expireTokens,
  hasPendingSignIns,
  justFinished,
  lastAuthUserName,
  mark,
  markerActive,
  markerName,
  bindingCookieName,
  sessionCookieName,
  openSessionStore,
  openSignIn,
  ownCookieNames,
  readSession,
  signInCookieName,
  signInsToDrop,
  signInCookies,
  tokenCookieName,
  usernameOf,
  withRepeatedCleared,
  writeSession,
} from "../../../shared/edge/session-store";
import { newSignIn, sealSignIn } from "../../../shared/edge/sign-in-state";
import { deterministicRandom, NOW_S, parseSetCookie } from "../../helpers/harness";

const LAX: CookieSettings = { sameSite: "Lax", refreshTokenMaxAge: 30 * 24 * 3600 };

describe("names", () => {
  it("Amplify names", () => {
    expect(lastAuthUserName("c1")).toBe("CognitoIdentityServiceProvider.c1.LastAuthUser");
    expect(tokenCookieName("c1", "a@b.c", "accessToken")).toBe("CognitoIdentityServiceProvider.c1.a@b.c.accessToken");
  });

  it("our own cookies: __Host- prefixed when host-only, unprefixed and named per app client with cookie.domain", () => {
    expect(signInCookieName("abc", LAX, "c1")).toBe("__Host-edgeauth-signin.abc");
    expect(markerName("signedin", LAX, "c1")).toBe("__Host-edgeauth-signedin");
    expect(sessionCookieName(LAX, "c1")).toBe("__Host-edgeauth-session");
    expect(bindingCookieName(LAX, "c1")).toBe("__Host-edgeauth-binding");
    expect(markerName("refreshed", { domain: "example.com" }, "c1")).toBe("edgeauth-c1-refreshed");
    expect(signInCookieName("abc", { domain: "example.com" }, "c1")).toBe("edgeauth-c1-signin.abc");
    expect(sessionCookieName({ domain: "example.com" }, "c2")).toBe("edgeauth-c2-session");
    // A client id that is not a plain token (an OpenID Connect client may be a URL) is named by its hash.
    expect(sessionCookieName({ domain: "example.com" }, "https://app.example.com/")).toMatch(/^edgeauth-[\w-]{22}-session$/);
    expect(encodeCookieName(sessionCookieName({ domain: "example.com" }, "https://app.example.com/"))).toBe(sessionCookieName({ domain: "example.com" }, "https://app.example.com/"));
  });

  it.each<[string, CookieSettings]>([["host-only", LAX], ["with a domain", { ...LAX, domain: "example.com" }]])(
    "ownCookieNames (%s): this client's Amplify cookies and our sign-in cookies and markers, nothing else",
    (_, cookie) => {
      const own = (base: string) => (cookie.domain ? `edgeauth-c1-${base}` : `__Host-edgeauth-${base}`);
      const other = (base: string) => (cookie.domain ? `__Host-edgeauth-${base}` : `edgeauth-${base}`);
      const m = new Map([
        ["CognitoIdentityServiceProvider.c1.LastAuthUser", "1"],
        ["CognitoIdentityServiceProvider.c1.u.idToken", "1"],
        ["CognitoIdentityServiceProvider.c2.u.idToken", "1"],
        [own("signin.AAAAAAAAAAAAAAAAAAAAAA"), "1"],
        [own("signin.abc"), "1"],
        [own("signedin"), "1"],
        [own("anything"), "1"],
        [other("signedin"), "1"],
        [other("signin.AAAAAAAAAAAAAAAAAAAAAA"), "1"],
        ["CognitoIdentityServiceProvider.c1.u.somethingElse", "1"],
        ["_ga", "1"],
      ]);
      // Only names we write: other edgeauth-* (a planted unprefixed one too) or Amplify-looking names are not ours.
      expect(ownCookieNames(m, { clientId: "c1", cookie }).sort()).toEqual(
        [
          "CognitoIdentityServiceProvider.c1.LastAuthUser",
          "CognitoIdentityServiceProvider.c1.u.idToken",
          own("signedin"),
          own("signin.AAAAAAAAAAAAAAAAAAAAAA"),
        ].sort(),
      );
    },
  );
});

describe("readSession", () => {
  const C = "client1";
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
    expect(readSession(parseCookieHeader(header).cookies, C)).toEqual(expected);
    expect(openSessionStore(header, { clientId: C, cookie: LAX, mode: "static" }).session).toEqual(expected);
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

describe("writeSession and expiring", () => {
  const C = "client1";
  const config = { clientId: C, cookie: LAX, mode: "static" as const };
  const base = { username: "a@b.c", subject: { iss: "https://issuer", sub: "sub-1", clientId: C }, bindingKey: "k".repeat(32), idExp: NOW_S + 3600, accessExp: NOW_S + 600, nowSeconds: NOW_S };
  it("token cookies live as long as their token, the refresh token as configured", () => {
    const out = writeSession(openSessionStore("", config), { ...base, tokens: { idToken: "i", accessToken: "a", refreshToken: "r" } })!.map(parseSetCookie);
    const age = (k: "idToken" | "accessToken" | "refreshToken") => out.find((c) => c.name === encodeCookieName(tokenCookieName(C, "a@b.c", k)))!.attrs["max-age"];
    expect([age("idToken"), age("accessToken"), age("refreshToken")]).toEqual(["3600", "600", String(30 * 24 * 3600)]);
  });

  it("spa mode: id/access token and LastAuthUser readable by scripts, the refresh token HttpOnly", () => {
    const out = writeSession(openSessionStore("", { ...config, mode: "spa" }), { ...base, tokens: { idToken: "i", accessToken: "a", refreshToken: "r" } })!.map(parseSetCookie);
    const httpOnly = (n: string) => out.find((c) => c.name === encodeCookieName(n))!.attrs.httponly === true;
    expect(httpOnly(tokenCookieName(C, "a@b.c", "idToken"))).toBe(false);
    expect(httpOnly(lastAuthUserName(C))).toBe(false);
    expect(httpOnly(tokenCookieName(C, "a@b.c", "refreshToken"))).toBe(true);
  });

  it("a previous user's token cookies are expired", () => {
    const header = `${encodeCookieName(tokenCookieName(C, "old@x.y", "idToken"))}=T; ${encodeCookieName(tokenCookieName(C, "old@x.y", "refreshToken"))}=R`;
    const out = writeSession(openSessionStore(header, config), { ...base, tokens: { idToken: "i", accessToken: "a" } })!.map(parseSetCookie);
    const expired = out.filter((c) => c.attrs["max-age"] === "0").map((c) => c.name);
    expect(expired).toEqual(expect.arrayContaining([encodeCookieName(tokenCookieName(C, "old@x.y", "idToken")), encodeCookieName(tokenCookieName(C, "old@x.y", "refreshToken"))]));
  });

  it("a session too big for CloudFront's request headers → undefined", () => {
    expect(writeSession(openSessionStore("", config), { ...base, tokens: { idToken: "i".repeat(10_000), accessToken: "a".repeat(10_000) } })).toBeUndefined();
  });

  it("expireAll always names LastAuthUser and the user's three token cookies", () => {
    const header = `${encodeCookieName(lastAuthUserName(C))}=a%40b.c`;
    const out = expireAll(openSessionStore(header, config)).map(parseSetCookie);
    expect(out).toHaveLength(4);
    for (const c of out) expect(c.attrs["max-age"]).toBe("0");
  });

  it("expireTokens expires the named kinds with their chunks, and nothing without a user", () => {
    const idName = encodeCookieName(tokenCookieName(C, "a@b.c", "idToken"));
    const store = openSessionStore(`${encodeCookieName(lastAuthUserName(C))}=a%40b.c; ${idName}.0=x; ${idName}.1=y`, config);
    expect(expireTokens(store, ["idToken"]).map((c) => parseSetCookie(c).name)).toEqual([idName, `${idName}.0`, `${idName}.1`]);
    expect(expireTokens(openSessionStore("", config), ["idToken"])).toEqual([]);
  });
});

describe("loop markers", () => {
  it.each([
    ["absent", undefined, false],
    ["the token it names is still valid", String(NOW_S + 60), true],
    ["the token it names has expired since", String(NOW_S - 1), false],
    ["expires exactly now", String(NOW_S), false],
    ["unreadable (fails towards stopping the loop)", "garbage", true],
  ])("markerActive: %s → %s", (_, value, expected) => {
    expect(markerActive(value, NOW_S)).toBe(expected);
  });

  it("mark() sets one marker with the id token's exp for 15 s and expires the other when present", () => {
    const config = { clientId: "c", cookie: LAX, mode: "static" as const };
    const store = openSessionStore(`${markerName("refreshed", LAX, "c")}=1`, config);
    const set = mark(store, "signedin", NOW_S + 3600).map(parseSetCookie);
    expect(set[0]).toMatchObject({ name: "__Host-edgeauth-signedin", value: String(NOW_S + 3600), attrs: { "max-age": "15", httponly: true, samesite: "Lax" } });
    expect(set[1]).toMatchObject({ name: "__Host-edgeauth-refreshed", attrs: { "max-age": "0" } });
    expect(justFinished(openSessionStore(`${markerName("signedin", LAX, "c")}=${NOW_S + 60}`, config), "signedin", NOW_S)).toBe(true);
    // A marker without the prefix could have been planted by a sibling subdomain: not ours.
    expect(justFinished(openSessionStore(`edgeauth-signedin=${NOW_S + 60}`, config), "signedin", NOW_S)).toBe(false);
  });
});

describe("pending sign-ins", () => {
  const SECRET = "s".repeat(40);
  const pendingOf = (n: number) => {
    const m = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const s = newSignIn(`/p${i}`, NOW_S + i, deterministicRandom(`p${i}`));
      m.set(s.state, sealSignIn(s, SECRET, "site"));
    }
    return m;
  };

  it.each([0, 1, 2, 3])("%i pending → none dropped", (n) => {
    expect(signInsToDrop(pendingOf(n))).toEqual([]);
  });

  it.each([4, 5, 8])("%i pending → the oldest dropped so that, with the new one, 4 remain", (n) => {
    const pending = pendingOf(n);
    const drop = signInsToDrop(pending);
    expect(drop).toHaveLength(n - (MAX_PENDING_SIGNINS - 1));
    const states = [...pending.keys()];
    expect(drop.sort()).toEqual(states.slice(0, drop.length).sort());
  });

  it("garbage values count as oldest", () => {
    const pending = pendingOf(3);
    pending.set("GarbageGarbageGarbage0", "%%%not-a-cookie");
    expect(signInsToDrop(pending)).toEqual(["GarbageGarbageGarbage0"]);
  });

  it("names that are not our states are not ours to drop, and at most 40 are dropped at once", () => {
    const pending = pendingOf(3);
    pending.set("garbage", "%%%not-a-cookie");
    expect(signInsToDrop(pending)).toEqual([]);
    expect(signInsToDrop(pendingOf(500))).toHaveLength(40);
  });

  it("the sign-in cookie carries the state in its name; the store finds, opens and ends it", () => {
    const config = { clientId: "c", cookie: LAX, mode: "static" as const };
    const s = newSignIn("/x", NOW_S, deterministicRandom());
    const set = signInCookies(openSessionStore("", config), s, SECRET, "https://www.example.com").map(parseSetCookie);
    expect(set).toHaveLength(1);
    expect(set[0]).toMatchObject({ name: `__Host-edgeauth-signin.${s.state}`, attrs: { "max-age": "900", httponly: true, samesite: "Lax" } });
    const store = openSessionStore(`${set[0]!.name}=${set[0]!.value}; other=x`, config);
    expect(hasPendingSignIns(store)).toBe(true);
    expect(openSignIn(store, s.state, SECRET, NOW_S, "https://www.example.com")).toEqual({ ok: true, signIn: s });
    expect(openSignIn(store, "AAAAAAAAAAAAAAAAAAAAAA", SECRET, NOW_S, "https://www.example.com")).toBeUndefined();
    expect(endSignIn(store, s.state).map((c) => parseSetCookie(c).attrs["max-age"])).toEqual(["0"]);
    expect(endSignIn(store, "AAAAAAAAAAAAAAAAAAAAAA")).toEqual([]);
  });
});

describe("a cookie of ours sent twice is judged as absent and expired (issue 17)", () => {
  const C = "c1";
  const id = encodeCookieName(tokenCookieName(C, "u", "idToken"));
  const lau = lastAuthUserName(C);
  const open = (header: string, cookie: CookieSettings = LAX) => openSessionStore(header, { clientId: C, cookie, mode: "static" });

  it.each<[string, string, string[]]>([
    ["the id token", `${lau}=u; ${id}=planted; ${id}=mine`, [tokenCookieName(C, "u", "idToken")]],
    ["the loop marker", `__Host-edgeauth-signedin=1; __Host-edgeauth-signedin=2`, ["__Host-edgeauth-signedin"]],
    ["the binding", `__Host-edgeauth-binding=a; __Host-edgeauth-binding=b`, ["__Host-edgeauth-binding"]],
    ["a sign-in state", `__Host-edgeauth-signin.AAAAAAAAAAAAAAAAAAAAAA=a; __Host-edgeauth-signin.AAAAAAAAAAAAAAAAAAAAAA=b`, ["__Host-edgeauth-signin.AAAAAAAAAAAAAAAAAAAAAA"]],
    ["not ours: left alone", `_ga=1; _ga=2; CognitoIdentityServiceProvider.other.u.idToken=1; CognitoIdentityServiceProvider.other.u.idToken=2`, []],
  ])("%s", (_, header, repeated) => {
    const store = open(header);
    expect(store.repeated).toEqual(repeated);
    for (const n of repeated) expect(store.cookies.has(n)).toBe(false);
  });

  it("a repeated id token is no session; the repeated LastAuthUser does not name the user", () => {
    expect(open(`${lau}=u; ${id}=planted; ${id}=mine`).session.idToken).toBeUndefined();
    expect(open(`${lau}=attacker; ${lau}=u; ${id}=mine`).session).toEqual({ username: "u", idToken: "mine" });
  });

  it("host-only: one host-only expiry, in front; none for a name the response writes again", () => {
    const store = open(`__Host-edgeauth-signedin=1; __Host-edgeauth-signedin=2; ${id}=a; ${id}=b`);
    const out = withRepeatedCleared(store, ["x=1"]).map(parseSetCookie);
    expect(out.map((c) => [c.name, c.attrs["max-age"], c.attrs.domain])).toEqual([["__Host-edgeauth-signedin", "0", undefined], [id, "0", undefined], ["x", undefined, undefined]]);
    const written = withRepeatedCleared(store, [`${id}=new; Path=/`]).map((c) => parseSetCookie(c).name);
    expect(written).toEqual(["__Host-edgeauth-signedin", id]);
  });

  it("with cookie.domain: expired host-only and with the Domain; a name written again (with the Domain) loses only its host-only copy", () => {
    const cookie = { ...LAX, domain: "example.com" };
    const name = markerName("signedin", cookie, C);
    const store = open(`${name}=1; ${name}=2`, cookie);
    const out = withRepeatedCleared(store, []).map(parseSetCookie);
    expect(out.map((c) => [c.name, c.attrs["max-age"], c.attrs.domain])).toEqual([[name, "0", undefined], [name, "0", "example.com"]]);
    const again = withRepeatedCleared(store, [`${name}=3; Domain=example.com`]).map(parseSetCookie);
    expect(again.map((c) => [c.attrs["max-age"], c.attrs.domain])).toEqual([["0", undefined], [undefined, "example.com"]]);
  });
});
