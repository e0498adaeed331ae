/**
 * Every size limit counted in the bytes that go on the wire, after encoding (issue 17), with multi-byte text at
 * each limit's edge: the CloudFront Function's session cookie, chunked token cookies, identity header values and
 * the generated responses Lambda@Edge accepts.
 */
import { describe, expect, it } from "vitest";
import { encodeCookieName } from "../../../shared/edge/cookie-codec";
import { responseSize } from "../../../shared/edge/lambda-edge";
import { openSessionStore } from "../../../shared/edge/session-store";
import { CHUNK_SIZE, cookieWriter, splitEncoded } from "../../../shared/edge/chunked-cookies";
import { sessionCookie } from "../../../shared/edge/session-cookie-writer";
import { MAX_IDENTITY_VALUE, encodeIdentityValue, groupsHeader } from "../../../shared/viewer/identity-headers";
import { MAX_SESSION_VALUE, openSession, sealSession, sealedLength } from "../../../shared/viewer/session-cookie";
import { rulesFingerprint } from "../../../shared/viewer/rules";
import type { SessionClaims } from "../../../shared/viewer/session-cookie";
import { NOW_S, parseSetCookie } from "../../helpers/harness";
import { makeIssuer, testConfig } from "../../helpers/tokens";

const iss = makeIssuer();
const SECRET = "s".repeat(43);
/** Cognito's maximum: 100 groups; 8 CJK characters each (24 UTF-8 bytes, 8 UTF-16 code units). */
const CJK_GROUPS = Array.from({ length: 100 }, (_, i) => `管理者グループ${String.fromCharCode(0x4e00 + i)}`);
/** Bytes of a `Set-Cookie`'s `name=value` as the browser stores and sends it. */
const pairBytes = (setCookie: string) => Buffer.byteLength(setCookie.split(";", 1)[0]!);

describe("sealedLength is the sealed cookie value's length (= its bytes: base64url is ASCII)", () => {
  const base: SessionClaims = { c: "client", s: "sub", u: "jane", g: [], x: NOW_S + 60, h: "h".repeat(22) };
  it.each<[string, Partial<SessionClaims>]>([
    ["ASCII", {}],
    ["one CJK group", { g: ["管理"] }],
    ["100 CJK groups", { g: CJK_GROUPS }],
    ["emoji (surrogate pairs)", { u: "🚀".repeat(50) }],
    ["a lone surrogate", { u: "\ud800x" }],
    ["every remainder mod 3", { u: "ab" }],
    ["every remainder mod 3 (2)", { u: "abc" }],
    ["an e-mail with accents", { e: "jürgen@exämple.org" }],
  ])("%s", (_, o) => {
    const claims = { ...base, ...o };
    const sealed = sealSession(claims, SECRET);
    expect(sealedLength(claims)).toBe(sealed.length);
    expect(Buffer.byteLength(sealed)).toBe(sealed.length);
  });
});

describe("the CloudFront Function's session cookie is always one cookie within the browser's limit", () => {
  const store = (cfg: ReturnType<typeof testConfig>) => openSessionStore("", cfg);
  const seal = (raw: Record<string, unknown>, groups: string[], extra: Record<string, unknown> = {}) => {
    const cfg = testConfig(iss, { hotPath: "cloudfront-function", session: { signingSecret: SECRET }, ...raw });
    const id = { sub: "sub-1", "cognito:username": "jane", "cognito:groups": groups, exp: NOW_S + 3600, email: "jane@example.com", email_verified: true, ...extra };
    return { cfg, cookie: sessionCookie(store(cfg), cfg, { username: String(id["cognito:username"]), id, idToken: "header.payload.sig", nowSeconds: NOW_S }) };
  };

  it.each<[string, string[], boolean]>([
    ["100 CJK groups (8 characters each)", CJK_GROUPS, true],
    ["100 ASCII groups", Array.from({ length: 100 }, (_, i) => `group-${i}`), false],
    ["40 CJK groups", CJK_GROUPS.slice(0, 40), false],
    ["100 short emoji groups", Array.from({ length: 100 }, (_, i) => `🚀🚀🚀🚀${i}`), false],
    ["100 emoji groups of 8", Array.from({ length: 100 }, (_, i) => `${"🚀".repeat(8)}${i}`), true],
  ])("forwardIdentity, %s: one cookie ≤ CHUNK_SIZE bytes that the function opens; cut and marked: %s", (_, groups, cut) => {
    const { cfg, cookie } = seal({ forwardIdentity: true }, groups);
    expect(cookie).toBeDefined();
    const c = parseSetCookie(cookie!);
    expect(c.name).toBe("__Host-edgeauth-session");
    expect(pairBytes(cookie!)).toBeLessThanOrEqual(CHUNK_SIZE);
    expect(c.value.length).toBeLessThanOrEqual(MAX_SESSION_VALUE);
    const opened = openSession(c.value, SECRET, cfg.clientId, NOW_S, rulesFingerprint(cfg.rules));
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.session.gt === 1).toBe(cut);
    expect(opened.session.g).toEqual(groups.slice(0, opened.session.g.length));
    if (cut) {
      // At the edge: one more group would not have fit.
      const more = { ...opened.session, g: groups.slice(0, opened.session.g.length + 1) };
      expect(encodeCookieName(c.name).length + 1 + sealedLength(more)).toBeGreaterThan(CHUNK_SIZE);
    } else expect(opened.session.g).toEqual(groups);
  });

  it("the groups the rules name come first and are never cut", () => {
    const wanted = CJK_GROUPS[99]!;
    const { cfg, cookie } = seal({ forwardIdentity: true, rules: [{ path: "/admin/*", groups: [wanted] }] }, CJK_GROUPS);
    const opened = openSession(parseSetCookie(cookie!).value, SECRET, iss.clientId, NOW_S, rulesFingerprint(cfg.rules));
    expect(opened.ok && opened.session.g[0]).toBe(wanted);
  });

  it.each<[string, number, boolean]>([
    ["rules naming 40 CJK groups fit", 40, true],
    ["rules naming 100 CJK groups do not: undefined (the caller shows session-too-large)", 100, false],
  ])("without forwardIdentity, %s", (_, n, fits) => {
    const { cfg, cookie } = seal({ rules: [{ path: "/admin/*", groups: CJK_GROUPS.slice(0, n) }] }, CJK_GROUPS);
    expect(cookie !== undefined).toBe(fits);
    if (cookie) {
      expect(pairBytes(cookie)).toBeLessThanOrEqual(CHUNK_SIZE);
      const opened = openSession(parseSetCookie(cookie).value, SECRET, iss.clientId, NOW_S, rulesFingerprint(cfg.rules));
      expect(opened.ok && opened.session.g).toEqual(CJK_GROUPS.slice(0, n));
    }
  });
});

describe("chunked cookies: every chunk within CHUNK_SIZE bytes as sent, cut between characters", () => {
  it.each<[string, string]>([
    ["ASCII", "a".repeat(9000)],
    ["CJK (9 bytes each, encoded)", "漢".repeat(3000)],
    ["emoji (12 bytes each, encoded; a pair never split)", "😀".repeat(2000)],
    ["characters the codec escapes", "%;, ".repeat(2000)],
    ["mixed", "a漢😀%".repeat(1500)],
  ])("%s", (_, value) => {
    const cookies = cookieWriter({ sameSite: "Lax", refreshTokenMaxAge: 60 } as never).set("CognitoIdentityServiceProvider.c.u.idToken", value, { maxAge: 60, httpOnly: true });
    expect(cookies.length).toBeGreaterThan(1);
    for (const c of cookies) expect(pairBytes(c)).toBeLessThanOrEqual(CHUNK_SIZE);
    const joined = cookies.map((c) => decodeURIComponent(parseSetCookie(c).value)).join("");
    expect(joined).toBe(value);
  });

  it.each<[string, number, string[]]>([
    ["a", 3, ["a"]],
    ["abcd", 3, ["abc", "d"]],
    ["漢漢", 9, ["漢", "漢"]],
    ["漢漢", 18, ["漢漢"]],
    ["😀a", 12, ["😀", "a"]],
    ["a b", 3, ["a", " ", "b"]],
    ["a b", 4, ["a ", "b"]],
  ])("splitEncoded(%j, %i) → %j", (value, size, parts) => {
    expect(splitEncoded(value, size)).toEqual(parts);
  });
});

describe("identity header values are bytes too (percent-encoded UTF-8)", () => {
  it.each<[string, string[]]>([
    ["CJK groups", CJK_GROUPS.concat(CJK_GROUPS).concat(CJK_GROUPS)],
    ["emoji groups", Array.from({ length: 500 }, (_, i) => `😀${i}`)],
  ])("%s: the list stops at MAX_IDENTITY_VALUE bytes, between names", (_, groups) => {
    const g = groupsHeader(groups);
    expect(g.truncated).toBe(true);
    expect(Buffer.byteLength(g.value)).toBeLessThanOrEqual(MAX_IDENTITY_VALUE);
    const names = g.value.split(",").map(decodeURIComponent);
    expect(names).toEqual(groups.slice(0, names.length));
    // At the edge: the next name would have crossed the limit.
    expect(Buffer.byteLength(`${g.value},${encodeIdentityValue(groups[names.length]!, ",")}`)).toBeGreaterThan(MAX_IDENTITY_VALUE);
  });
});

describe("a generated response's size is its bytes", () => {
  it.each<[string, Record<string, string>, string]>([
    ["ASCII", { "x-a": "a".repeat(1000) }, "b".repeat(1000)],
    ["a non-ASCII header value", { "x-a": "é".repeat(1000) }, ""],
    ["a non-ASCII body", {}, "漢".repeat(1000)],
  ])("%s: counted at least as its UTF-8 bytes", (_, headers, body) => {
    const bytes = Object.entries(headers).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), Buffer.byteLength(body));
    expect(responseSize({ kind: "respond", status: 400, headers, cookies: [], body, reason: "error:internal" })).toBeGreaterThanOrEqual(bytes);
  });
});
