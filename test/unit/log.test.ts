/**
 * Logs: one JSON line per event with a level, and never a token, code, cookie value or secret, across every flow.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkAuth } from "../../shared/edge/check-auth";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import type { ResolvedConfig } from "../../shared/config/types";
import type { EdgeContext } from "../../shared/edge/deps";
import type { EdgeRequest, Outcome } from "../../shared/edge/request";
import { createLogger } from "../../shared/log";
import { parseAuth } from "../../shared/edge/parse-auth";
import { refreshAuth } from "../../shared/edge/refresh-auth";
import { signOut } from "../../shared/edge/sign-out";
import { setCookies, viewerRequest } from "../helpers/events";
import type { RequestSpec } from "../helpers/events";
import { CookieJar, HOST, NOW_MS, NOW_S, cognitoStandIn, makeContext, parseSetCookie } from "../helpers/harness";
import type { StandIn } from "../helpers/harness";
import { sessionCookieHeader } from "../helpers/session";
import { idClaims, makeIssuer, makeKey, sign, testConfig, tokensFor } from "../helpers/tokens";

const CLIENT_SECRET = "topsecretclientsecret0123456789";
const iss = makeIssuer();
const USER = "user+tag@example.com";
const config = testConfig(iss, { clientSecret: CLIENT_SECRET, logLevel: "debug", rules: [{ path: "/admin/*", groups: ["admins"] }] });

describe("createLogger", () => {
  it("one JSON line per event, with level and function", () => {
    const lines: string[] = [];
    const log = createLogger("check-auth", "debug", (l) => lines.push(l));
    log.log("info", "hello", { a: 1 });
    log.decision("signed-in", { path: "/x" });
    log.decision("cognito-unavailable");
    expect(lines).toHaveLength(3);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[0]).toMatchObject({ level: "info", fn: "check-auth", msg: "hello", a: 1 });
    expect(parsed[1]).toMatchObject({ level: "info", msg: "decision", reason: "signed-in", Function: "check-auth", Reason: "signed-in", Decisions: 1 });
    expect(parsed[1]!._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: "EdgeAuth", Dimensions: [["Function", "Reason"]] }] });
    expect(parsed[2]).toMatchObject({ level: "warn" });
    for (const l of lines) expect(l).not.toContain("\n");
  });

  it.each([
    ["signed-in:callback", "SignIns"],
    ["refreshed", "Refreshes"],
    ["rejected:signature", "Rejections"],
    ["rejected:access-audience", "Rejections"],
    ["signed-in", undefined],
    ["no-session", undefined],
  ])("decision %s also counts %s", (reason, metric) => {
    const lines: string[] = [];
    createLogger("parse-auth", "info", (l) => lines.push(l)).decision(reason, { path: "/p", status: 302 });
    const rec = JSON.parse(lines[0]!) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } };
    const names = rec._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name);
    expect(names).toEqual(metric ? ["Decisions", metric] : ["Decisions"]);
    // Every metric named in the EMF record has its value at the top level, as the format requires.
    for (const n of names) expect(rec[n]).toBe(1);
    expect(rec).toMatchObject({ reason, path: "/p", status: 302, Reason: reason, Function: "parse-auth" });
  });

  it.each<["debug" | "info" | "warn" | "error" | "silent", number]>([
    ["debug", 4],
    ["info", 3],
    ["warn", 2],
    ["error", 1],
    ["silent", 0],
  ])("level %s lets %i of 4 lines through", (level, count) => {
    const lines: string[] = [];
    const log = createLogger("f", level, (l) => lines.push(l));
    log.log("debug", "d");
    log.log("info", "i");
    log.log("warn", "w");
    log.log("error", "e");
    expect(lines).toHaveLength(count);
  });
});

describe("no secrets in logs, across the flows", () => {
  let stand: StandIn;
  let logs: string[];
  const secrets = new Set<string>();
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW_MS);
    stand = cognitoStandIn(iss, config);
    logs = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function run(decide: (r: EdgeRequest, c: EdgeContext) => Promise<Outcome>, fn: string, spec: RequestSpec, cfg: ResolvedConfig = config) {
    const { ctx, logs: l } = makeContext(cfg, stand.http, { fn });
    const res = await viewerHandler(decide, ctx)(viewerRequest({ host: HOST, ...spec }));
    logs.push(...l);
    for (const c of setCookies(res).map(parseSetCookie)) {
      const v = decodeURIComponent(c.value);
      if (v.length >= 8) secrets.add(v);
      for (const part of v.split(".")) if (part.length >= 16) secrets.add(part);
    }
    return res;
  }

  it("sign-in, callback (success and failures), signed-in requests, refresh, sign-out", async () => {
    const jar = new CookieJar();
    const start = await run(checkAuth, "check-auth", { uri: "/docs/x", querystring: "token=abc&q=1" });
    jar.apply(setCookies(start));
    const loc = new URL((start as { headers: Record<string, { value: string }[]> }).headers.location![0]!.value);
    const q = loc.searchParams;
    const code = stand.issueCode({ challenge: q.get("code_challenge")!, nonce: q.get("nonce")!, redirectUri: q.get("redirect_uri")!, user: { username: USER, iat: NOW_S - 1 } });
    secrets.add(q.get("nonce")!);

    // Failures first (they keep the sign-in cookie), then success.
    const qs = (o: Record<string, string>) => new URLSearchParams(o).toString();
    const badCode = stand.issueCode({ challenge: "nope", nonce: "n", redirectUri: "x" });
    await run(parseAuth, "parse-auth", { uri: "/parseauth", querystring: qs({ code: badCode, state: q.get("state")! }), cookies: [jar.header()] });
    await run(parseAuth, "parse-auth", { uri: "/parseauth", querystring: qs({ error: "access_denied", error_description: "secret-ish <b>", state: q.get("state")! }), cookies: [jar.header()] });
    stand.override.token = "timeout";
    await run(parseAuth, "parse-auth", { uri: "/parseauth", querystring: qs({ code, state: q.get("state")! }), cookies: [jar.header()] });
    delete stand.override.token;
    const done = await run(parseAuth, "parse-auth", { uri: "/parseauth", querystring: qs({ code, state: q.get("state")! }), cookies: [jar.header()] });
    jar.apply(setCookies(done));
    await run(parseAuth, "parse-auth", { uri: "/parseauth", querystring: qs({ code, state: q.get("state")! }), cookies: [jar.header()] });

    await run(checkAuth, "check-auth", { uri: "/docs/x", cookies: [jar.header()] });
    await run(checkAuth, "check-auth", { uri: "/admin/x", cookies: [jar.header()] });

    // Forged and expired tokens.
    const forged = sign(idClaims(iss, { username: USER, iat: NOW_S - 60 }), makeKey(), { kid: iss.key.kid });
    secrets.add(forged);
    const refreshToken = stand.issueRefresh({ username: USER });
    const old = tokensFor(iss, { username: USER, iat: NOW_S - 7200, ttl: 3600 });
    secrets.add(old.idToken).add(old.accessToken);
    await run(checkAuth, "check-auth", { uri: "/x", cookies: [sessionCookieHeader(iss.clientId, { username: USER, idToken: forged })] });
    const expiredCookie = sessionCookieHeader(iss.clientId, { username: USER, ...old, refreshToken });
    await run(checkAuth, "check-auth", { uri: "/x", cookies: [expiredCookie] });
    await run(refreshAuth, "refresh-auth", { uri: "/refreshauth", querystring: "return=%2Fx", cookies: [expiredCookie] });
    stand.override.token = { status: 400, body: Buffer.from('{"error":"invalid_grant"}') };
    await run(refreshAuth, "refresh-auth", { uri: "/refreshauth", querystring: "return=%2Fx", cookies: [expiredCookie] });
    stand.override.token = "network";
    await run(refreshAuth, "refresh-auth", { uri: "/refreshauth", querystring: "return=%2Fx", cookies: [expiredCookie] });
    await run(signOut, "sign-out", { uri: "/signout", cookies: [jar.header()] });
    stand.override.revoke = "timeout";
    await run(signOut, "sign-out", { uri: "/signout", cookies: [expiredCookie] });

    for (const s of stand.secrets) secrets.add(s);
    secrets.add(CLIENT_SECRET);
    secrets.add(config.nonceSigningSecret);
    secrets.add(Buffer.from(`${iss.clientId}:${CLIENT_SECRET}`).toString("base64"));
    for (const call of stand.calls) for (const [k, v] of call.form ?? []) if (k === "code_verifier") secrets.add(v);

    expect(secrets.size).toBeGreaterThan(15);
    expect(logs.length).toBeGreaterThan(15);
    for (const line of logs) {
      const rec = JSON.parse(line) as Record<string, unknown>;
      expect(["debug", "info", "warn", "error"]).toContain(rec.level);
      for (const s of secrets) expect(line.includes(s), `log line leaks a secret: ${line}`).toBe(false);
      expect(line).not.toContain("token=abc");
    }
    // Every decision was logged.
    expect(logs.filter((l) => (JSON.parse(l) as { msg?: string }).msg === "decision").length).toBe(15);
  });
});
