/**
 * Logs: one JSON line per event with a level, and never a token, code, cookie value or secret, across every flow.
 * The expected decisions (signed-in, public, preflight) write nothing per request at `info`: they are counted and
 * written now and then as aggregated EMF records, on an injected clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkAuth } from "../../shared/edge/check-auth";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import type { ResolvedConfig } from "../../shared/config/types";
import { createContext } from "../../shared/edge/deps";
import type { EdgeContext } from "../../shared/edge/deps";
import type { EdgeRequest, Outcome } from "../../shared/edge/request";
import { DEFAULT_FLUSH_COUNT, DEFAULT_FLUSH_MS, QUIET_REASONS, consoleSink, createLogger, stdoutSink } from "../../shared/log";
import type { LoggerOptions } from "../../shared/log";
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
    ["forbidden", undefined],
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

type Emf = Record<string, unknown> & {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
};

/** Parses a line and checks it against the EMF specification's rules for the root node and the directives. */
function emf(line: string): Emf {
  const rec = JSON.parse(line) as Emf;
  expect(Number.isInteger(rec._aws.Timestamp)).toBe(true);
  expect(rec._aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  for (const d of rec._aws.CloudWatchMetrics) {
    expect(d.Namespace).toBe("EdgeAuth");
    // Every dimension named is a root member with one string value; every metric named has a numeric value there.
    for (const set of d.Dimensions) for (const k of set) expect(typeof rec[k]).toBe("string");
    for (const m of d.Metrics) {
      expect(m.Unit).toBe("Count");
      expect(typeof rec[m.Name]).toBe("number");
    }
  }
  return rec;
}

describe("quiet decisions at info: counted, written now and then as aggregated EMF records", () => {
  const T0 = Date.UTC(2030, 0, 1);
  /** A logger on a clock the test moves. */
  function clocked(level: "debug" | "info" | "warn" = "info", o: LoggerOptions = {}) {
    const lines: string[] = [];
    const clock = { t: T0 };
    const log = createLogger("check-auth", level, (l) => lines.push(l), { now: () => clock.t, ...o });
    return { lines, clock, log, bytes: () => lines.reduce((n, l) => n + Buffer.byteLength(l), 0) };
  }

  it.each(QUIET_REASONS)("%s: 0 bytes for many decisions within the window, then one record with the count", (reason) => {
    const { lines, clock, log, bytes } = clocked();
    const N = 500;
    for (let i = 0; i < N; i++) {
      log.decision(reason, { path: `/p/${i}`, status: undefined });
      clock.t += 100; // 50 s in all: inside the 60 s window
    }
    expect(bytes()).toBe(0);
    clock.t = T0 + DEFAULT_FLUSH_MS; // checked on the next decision, as Lambda has no timers
    log.decision(reason, { path: "/last" });
    expect(lines).toHaveLength(1);
    const rec = emf(lines[0]!);
    expect(rec).toMatchObject({ level: "info", fn: "check-auth", msg: "decisions", reason, since: T0, Function: "check-auth", Reason: reason, Decisions: N + 1 });
    expect(rec._aws.Timestamp).toBe(T0 + DEFAULT_FLUSH_MS);
    expect(rec._aws.CloudWatchMetrics).toEqual([{ Namespace: "EdgeAuth", Dimensions: [["Function", "Reason"]], Metrics: [{ Name: "Decisions", Unit: "Count" }] }]);
    // Nothing about single requests (paths) in the aggregate.
    expect(lines[0]).not.toContain("/p/");
    // A new window starts with the next decision.
    log.decision(reason);
    clock.t += DEFAULT_FLUSH_MS - 1;
    log.decision(reason);
    expect(lines).toHaveLength(1);
  });

  it("one record per reason in a flush, each with its own count (an EMF record has one value per dimension)", () => {
    const { lines, clock, log } = clocked();
    for (let i = 0; i < 7; i++) log.decision("signed-in");
    for (let i = 0; i < 3; i++) log.decision("public");
    log.decision("preflight");
    clock.t += DEFAULT_FLUSH_MS;
    log.decision("signed-in");
    expect(lines.map((l) => emf(l)).map((r) => [r.Reason, r.Decisions])).toEqual([
      ["signed-in", 8],
      ["public", 3],
      ["preflight", 1],
    ]);
  });

  it("the count threshold writes the record without waiting for the window", () => {
    const { lines, log } = clocked();
    for (let i = 0; i < DEFAULT_FLUSH_COUNT - 1; i++) log.decision("signed-in");
    expect(lines).toHaveLength(0);
    log.decision("signed-in");
    expect(lines.map((l) => emf(l).Decisions)).toEqual([DEFAULT_FLUSH_COUNT]);
    const small = clocked("info", { flushCount: 3, flushMs: 10 });
    for (let i = 0; i < 7; i++) small.log.decision("public");
    expect(small.lines.map((l) => emf(l).Decisions)).toEqual([3, 3]);
  });

  it("a later decision of another reason writes the due counts first, then its own line", () => {
    const { lines, clock, log } = clocked();
    log.decision("signed-in");
    log.decision("signed-in");
    clock.t += DEFAULT_FLUSH_MS;
    log.decision("no-session", { path: "/x", status: 302 });
    expect(lines.map((l) => emf(l)).map((r) => [r.msg, r.Reason, r.Decisions])).toEqual([
      ["decisions", "signed-in", 2],
      ["decision", "no-session", 1],
    ]);
  });

  it.each([
    ["no-session", "info"],
    ["expired", "info"],
    ["forbidden", "info"],
    ["rejected:signature", "info"],
    ["loop-stopped:refresh", "info"],
    ["signed-in:callback", "info"],
    ["refreshed", "info"],
    ["state-mismatch", "info"],
    ["cognito-unavailable", "warn"],
    ["error:internal", "warn"],
  ])("%s keeps its line per request at info (level %s)", (reason, level) => {
    const { lines, log } = clocked();
    for (let i = 0; i < 3; i++) log.decision(reason, { path: "/x" });
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(emf(l)).toMatchObject({ level, msg: "decision", reason, path: "/x", Reason: reason, Decisions: 1 });
  });

  it("at debug every decision is a line, quiet ones included", () => {
    const { lines, clock, log } = clocked("debug");
    for (let i = 0; i < 5; i++) log.decision("signed-in", { path: "/d" });
    clock.t += DEFAULT_FLUSH_MS;
    log.decision("public");
    expect(lines.map((l) => emf(l)).map((r) => [r.msg, r.reason, r.Decisions])).toEqual([...Array(5).fill(["decision", "signed-in", 1]), ["decision", "public", 1]]);
  });

  it("above info quiet decisions are neither written nor counted", () => {
    const { lines, clock, log } = clocked("warn");
    for (let i = 0; i < DEFAULT_FLUSH_COUNT + 1; i++) log.decision("signed-in");
    clock.t += DEFAULT_FLUSH_MS;
    log.decision("error:internal");
    expect(lines.map((l) => emf(l).reason)).toEqual(["error:internal"]);
  });

  it("through the Lambda@Edge wrapper: a signed-in request writes nothing, a redirect to sign-in its line", async () => {
    const lines: string[] = [];
    const clock = { t: T0 };
    const ctx = createContext(testConfig(iss, { logLevel: "info" }), "check-auth", { now: () => clock.t, sink: (l) => lines.push(l) });
    const forward = viewerHandler(async (): Promise<Outcome> => ({ kind: "forward", reason: "signed-in" }), ctx);
    for (let i = 0; i < 100; i++) await forward(viewerRequest({ host: HOST, uri: `/docs/${i}` }));
    expect(lines).toHaveLength(0);
    const redirect = viewerHandler(async (): Promise<Outcome> => ({ kind: "respond", status: 302, headers: { location: "/signin" }, cookies: [], reason: "no-session" }), ctx);
    await redirect(viewerRequest({ host: HOST, uri: "/docs/x" }));
    expect(lines.map((l) => emf(l)).map((r) => [r.reason, r.status])).toEqual([["no-session", 302]]);
    clock.t += DEFAULT_FLUSH_MS;
    await forward(viewerRequest({ host: HOST, uri: "/docs/y" }));
    expect(emf(lines[1]!)).toMatchObject({ msg: "decisions", Function: "check-auth", Reason: "signed-in", Decisions: 101 });
  });
});

describe("where lines go: raw stdout for the edge functions, console.log for the triggers", () => {
  // In Lambda's JSON log format (which the edge functions run with, shared/config/edge-logging.ts) a console.log
  // line becomes the `message` string of Lambda's own record, and no metric; a line written to stdout stays ours.
  afterEach(() => vi.restoreAllMocks());
  const spies = () => ({
    out: vi.spyOn(process.stdout, "write").mockImplementation(() => true),
    log: vi.spyOn(console, "log").mockImplementation(() => undefined),
  });

  it("stdoutSink writes the line as it is, ended by one newline, and nothing through console.log", () => {
    const { out, log } = spies();
    stdoutSink('{"level":"info","msg":"x"}');
    expect(out.mock.calls).toEqual([['{"level":"info","msg":"x"}\n']]);
    expect(log).not.toHaveBeenCalled();
  });

  it("consoleSink (createLogger's default, what the triggers use) goes through console.log", () => {
    const { out, log } = spies();
    consoleSink("a");
    createLogger("post-confirmation", "info").log("info", "hello");
    expect(log.mock.calls.map((c) => JSON.stringify(c))).toEqual([JSON.stringify(["a"]), JSON.stringify([JSON.stringify({ level: "info", fn: "post-confirmation", msg: "hello" })])]);
    expect(out).not.toHaveBeenCalled();
  });

  it("an edge function's context logs to stdout: each decision one EMF line of its own, console.log untouched", () => {
    const { out, log } = spies();
    const ctx = createContext(testConfig(iss, { logLevel: "info" }), "check-auth", { now: () => Date.UTC(2030, 0, 1) });
    ctx.log.decision("no-session", { path: "/docs/" });
    ctx.log.log("warn", "sign-in service error", { status: 500 });
    expect(log).not.toHaveBeenCalled();
    const written = out.mock.calls.map((c) => String(c[0]));
    expect(written).toHaveLength(2);
    for (const w of written) expect(w).toMatch(/^\{[^\n]*\}\n$/);
    expect(emf(written[0]!.trimEnd())).toMatchObject({ level: "info", msg: "decision", reason: "no-session", Function: "check-auth", Reason: "no-session", Decisions: 1 });
    expect(JSON.parse(written[1]!)).toMatchObject({ level: "warn", fn: "check-auth", msg: "sign-in service error", status: 500 });
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
