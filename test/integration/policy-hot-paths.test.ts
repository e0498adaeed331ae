/**
 * Access policies (issue 21) through the BUILT artifacts: one table (test/fixtures/policy-table.ts) of every
 * selector kind and combination, run through the built check-auth bundle (Lambda@Edge, the viewer's IP as
 * `clientIp`), the built CloudFront Function (in the runtime emulator and under njs, the IP as `event.viewer.ip`,
 * the session cookie the built parse-auth set after a sign-in at a Cognito stand-in) and `npm run policy`, which must agree on every row. And the
 * function's size with four policy rules on top of the bench's config.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildViewerRequestEvent } from "../../scripts/cloudfront-function-runtime/event";
import { njsAvailable, runUnderNjs } from "../../scripts/cloudfront-function-runtime/njs";
import { loadCloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import { explain, loadPolicyConfig } from "../../scripts/policy";
import { FOUR_POLICY_RULES, policySizeFigures } from "../../scripts/policy-size";
import { DEFAULT_IP, POLICY_CASES, POLICY_RULES, caseClaims } from "../fixtures/policy-table";
import type { PolicyCase } from "../fixtures/policy-table";
import { buildWith, builtFunction, repoRoot } from "../helpers/build";
import { CookieJar } from "../helpers/cognito-stand-in";
import { makeSite, signIn } from "../helpers/site";
import type { Site } from "../helpers/site";
import type { Built, KvsData } from "../helpers/build";
import { viewerRequest } from "../helpers/events";
import { sessionCookieHeader } from "../helpers/session";
import { TEST_NONCE_SECRET, accessClaims, idClaims, makeIssuer, poolConfig, sign } from "../helpers/tokens";

const iss = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Policy1", clientId: "policyclient1234567890" });
const NOW = Math.floor(Date.now() / 1000);
const HOST = "www.example.com";
const RAW = {
  ...poolConfig(iss),
  publicPaths: ["/public/*"],
  apiPaths: ["/api/*"],
  rules: POLICY_RULES,
  // Known, so the Lambda@Edge requests carry the binding cookie parse-auth would have written (test/helpers/session.ts).
  nonceSigningSecret: TEST_NONCE_SECRET,
};

let edge: Built;
let fnSite: Site;
let fnBuilt: Built;
let fn: CloudFrontFunction;
let fnCode: string;
let kvs: KvsData;

beforeAll(async () => {
  // The function's site signs users in through its built parse-auth against a Cognito stand-in (site.ts).
  const { region: _r, userPoolId: _p, clientId: _c, domain: _d, jwks: _j, ...policy } = RAW;
  [edge, fnSite] = await Promise.all([buildWith(RAW), makeSite({ extra: { ...policy, hotPath: "cloudfront-function", forwardIdentity: true } })]);
  expect(edge.status, edge.stderr + edge.stdout).toBe(0);
  fnBuilt = fnSite.built;
  ({ code: fnCode, kvs } = builtFunction(fnBuilt));
  // The session key lives in the KeyValueStore only, never in the code the rules are baked into.
  expect(fnCode).not.toContain(kvs.data.find((d) => d.key === "session-key")!.value);
  fn = loadCloudFrontFunction(fnCode, { kvs, now: () => NOW * 1000 });
}, 240_000);
afterAll(async () => fnSite?.cognito.stop());

/** The id token claims of a case: Cognito-shaped, with exactly the case's e-mail, groups and claims. */
function tokenClaims(c: PolicyCase): Record<string, unknown> {
  return idClaims(iss, { username: "jane", iat: NOW - 60, extra: { email: undefined, email_verified: undefined, ...caseClaims(c) } });
}

/** What a built hot path answered: on to the origin, or the status it answered with. */
type Answer = "allow" | number;

async function onLambdaEdge(c: PolicyCase): Promise<Answer> {
  const id = sign(tokenClaims(c), iss.key);
  const access = sign(accessClaims(iss, { username: "jane", iat: NOW - 60 }), iss.key);
  const event = viewerRequest({ host: HOST, uri: c.path, method: c.method ?? "GET", cookies: [sessionCookieHeader(iss.clientId, { username: "jane", idToken: id, accessToken: access })] });
  (event.Records[0]!.cf.request as { clientIp: string }).clientIp = c.ip ?? DEFAULT_IP;
  const res = (await (edge.load("check-auth").handler as (e: unknown) => Promise<Record<string, unknown>>)(event)) as { status?: string };
  return res.status === undefined ? "allow" : Number(res.status);
}

const sealed = new Map<string, string>();
/** The session cookie the BUILT parse-auth sets for this user, signed in through the stand-in Hosted UI. */
async function sealedSession(c: PolicyCase): Promise<string> {
  const known = sealed.get(c.name);
  if (known) return known;
  const jar = new CookieJar();
  fnSite.cognito.user = { username: "jane", extra: { email: undefined, email_verified: undefined, ...caseClaims(c) } };
  await signIn(fnSite, jar, { uri: "/" });
  const cookie = [...jar.cookies].find(([n]) => n.endsWith("edgeauth-session"));
  expect(cookie, `no session cookie for ${c.name}`).toBeDefined();
  const pair = `${cookie![0]}=${cookie![1].value}`;
  sealed.set(c.name, pair);
  return pair;
}

async function functionEvent(c: PolicyCase) {
  return buildViewerRequestEvent({
    method: c.method ?? "GET",
    path: c.path,
    query: "",
    headers: [["Host", HOST], ["Accept", "text/html"], ["Cookie", await sealedSession(c)]],
    ip: c.ip ?? DEFAULT_IP,
  });
}

async function inFunction(c: PolicyCase): Promise<Answer> {
  // The function runs at the same time as the stand-in issued the tokens (its clock is the test's).
  const r = await fn.run(await functionEvent(c));
  return r.kind === "request" ? "allow" : r.response.statusCode;
}

describe("every row, on both built hot paths and in the policy tester", () => {
  it.each(POLICY_CASES)("$name → allow $allow", async (c) => {
    const expected: Answer = c.allow ? "allow" : 403;
    expect(await onLambdaEdge(c)).toBe(expected);
    expect(await inFunction(c)).toBe(expected);
    const tester = explain(loadPolicyConfig(edge.configPath).edge, { path: c.path, method: c.method ?? "GET", ip: c.ip ?? DEFAULT_IP, claims: tokenClaims(c) });
    expect(tester.allow, tester.lines.join("\n")).toBe(c.allow);
  });

  it.runIf(njsAvailable())("the built function answers the same under njs", async () => {
    for (const c of POLICY_CASES) {
      const ev = await functionEvent(c);
      const out = await runUnderNjs(fnCode, ev, { kvs, now: new Date(NOW * 1000) });
      expect(out.ok, out.ok ? "" : out.error).toBe(true);
      const r = (out as { result: { statusCode?: number } }).result;
      expect(r.statusCode === undefined ? "allow" : r.statusCode, c.name).toBe(c.allow ? "allow" : 403);
    }
  }, 120_000);

  it("API requests get 403 JSON on both hot paths", async () => {
    const c: PolicyCase = { name: "api", path: "/acme/data.json", allow: false };
    const event = viewerRequest({ host: HOST, uri: "/acme/data.json", headers: { Accept: "application/json", "Sec-Fetch-Mode": "cors" } });
    const id = sign(tokenClaims(c), iss.key);
    const access = sign(accessClaims(iss, { username: "jane", iat: NOW - 60 }), iss.key);
    event.Records[0]!.cf.request.headers.cookie = [{ key: "Cookie", value: sessionCookieHeader(iss.clientId, { username: "jane", idToken: id, accessToken: access }) }];
    const res = (await (edge.load("check-auth").handler as (e: unknown) => Promise<Record<string, unknown>>)(event)) as { status?: string; body?: string };
    expect(res.status).toBe("403");
    expect(JSON.parse(res.body!)).toMatchObject({ error: "forbidden" });
    const ev = buildViewerRequestEvent({ method: "GET", path: c.path, query: "", headers: [["Host", HOST], ["Accept", "application/json"], ["Sec-Fetch-Mode", "cors"], ["Cookie", await sealedSession(c)]], ip: DEFAULT_IP });
    const r = await fn.run(ev);
    expect(r.kind === "response" && r.response.statusCode).toBe(403);
    expect(r.kind === "response" && JSON.parse((r.response.body as { data: string }).data)).toMatchObject({ error: "forbidden" });
  });
});

/** `npm run policy` as a process: its output and exit status. */
function policyCli(args: string[], configPath: string): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "scripts", "policy.ts"), ...args], { cwd: repoRoot, env: { ...process.env, AUTH_CONFIG: configPath } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (status) => done({ status, out, err }));
  });
}

describe("npm run policy, as a process", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-auth-policy-"));
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  it.each<[string, (cfg: string) => string[], number, RegExp]>([
    ["allow, with the selector that decided", () => ["--path", "/finance/q3.html", "--claims", file("a.json", JSON.stringify({ email: "cfo@example.com", email_verified: "true" }))], 0, /^allow: GET \/finance\/q3\.html\n {2}rules\[1\] \/finance\/\* \(GET, HEAD\): allowed: include\[1\] matched: the e-mail "cfo@example\.com" matches/],
    ["deny, the exclusion that decided", () => ["--path", "/finance/q3.html", "--claims", file("b.json", JSON.stringify({ email: "ann@example.com", email_verified: true, "cognito:groups": ["finance"], "custom:status": "suspended" }))], 1, /rules\[1\] \/finance\/\* \(GET, HEAD\): denied: exclude\[0\] matched: claim "custom:status" is "suspended"/],
    ["deny from a token read without verifying it", () => ["--path", "/office/x", "--ip", "2001:db9::1", "--token", file("t.jwt", sign({ sub: "s" }, iss.key))], 1, /rules\[4\] \/office\/\*: denied: no include selector matched: include\[0\]: the viewer's IP 2001:db9::1 is in none of/],
    ["the method decides whether a rule applies", () => ["--path", "/wiki/page", "--method", "post", "--claims", file("c.json", "{}")], 1, /rules\[5\] \/wiki\/\* \(PUT, PATCH, POST, DELETE\): denied: no include selector matched: groups: the user is in none of the groups "editors"/],
    ["a public path", () => ["--path", "/public/a.css", "--claims", file("d.json", "{}")], 0, /a public path/],
    ["bad input: no claims", () => ["--path", "/x"], 2, /give one of --claims or --token/],
    ["bad input: claims not JSON", () => ["--path", "/x", "--claims", file("e.json", "{")], 2, /is not JSON/],
    ["bad input: not an IP", () => ["--path", "/x", "--ip", "300.1.1.1", "--claims", file("f.json", "{}")], 2, /not an IPv4 or IPv6 address/],
    ["bad input: an unknown argument", () => ["--path", "/x", "--user", "jane", "--claims", file("g.json", "{}")], 2, /unknown argument "--user"/],
  ])("%s", async (_, args, status, output) => {
    const r = await policyCli(args(edge.configPath), edge.configPath);
    expect(r.status, r.out + r.err).toBe(status);
    expect(r.out + r.err).toMatch(output);
  }, 60_000);

  it("with sites, each site's own rules (--site picks it by host)", async () => {
    const cfg = file(
      "sites.json",
      JSON.stringify({
        ...RAW,
        rules: undefined,
        sites: [
          { hosts: ["a.example.com"], clientId: "clienta", rules: [{ path: "/*", require: [{ emailDomains: ["a.example"] }] }] },
          { hosts: ["*.b.example.com"], clientId: "clientb" },
        ],
      }),
    );
    const claims = file("s.json", JSON.stringify({ email: "x@b.example", email_verified: true }));
    const run = (site: string[]) => policyCli(["--path", "/x.html", ...site, "--claims", claims], cfg);
    const [a, b, none, other] = await Promise.all([run(["--site", "a.example.com"]), run(["--site", "www.b.example.com"]), run([]), run(["--site", "c.example.com"])]);
    expect([a.status, b.status, none.status, other.status], a.out + b.out + none.err + other.err).toEqual([1, 0, 2, 2]);
    expect(a.out).toMatch(/require\[0\] did not match: the e-mail "x@b\.example" does not match the e-mail domains "a\.example"/);
    expect(none.err).toMatch(/2 sites: give --site/);
  }, 60_000);

  it("an unexpected error is exit status 2, never 1 (which means deny)", async () => {
    // A directory where the config file should be: reading it throws an error no check foresaw.
    const r = await policyCli(["--path", "/x", "--claims", file("u.json", "{}")], dir);
    expect(r.status, r.out + r.err).toBe(2);
    expect(r.err).toMatch(/^policy: unexpected error: /);
  }, 60_000);

  it("a config the build refuses is bad input, naming the field", async () => {
    const cfg = file("bad.json", JSON.stringify({ ...RAW, rules: [{ path: "/x/*", include: [{ ipRanges: ["10.0.0.0/33"] }] }] }));
    const r = await policyCli(["--path", "/x", "--claims", file("h.json", "{}")], cfg);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/rules\[0\]\.include\[0\]\.ipRanges\[0\]: "10\.0\.0\.0\/33": the prefix length must be 0-32/);
  }, 60_000);
});

describe("the CloudFront Function's size with policies", () => {
  it("the bench's config + four rules using every selector kind, forwardIdentity and apiPaths: within 10 KB", async () => {
    const kinds = new Set(FOUR_POLICY_RULES.flatMap((r) => [...(r.include ?? []), ...(r.require ?? []), ...(r.exclude ?? [])].flatMap((s) => Object.keys(s))));
    expect([...kinds].sort()).toEqual(["claim", "emailDomains", "emails", "groups", "ipRanges", "values"]);
    // The bench's config (bench/run.ts).
    const bench = { ...RAW, publicPaths: ["/public/*", "/favicon.ico"], apiPaths: [], rules: [{ path: "/admin/*", groups: ["admins"] }] };
    const f = await policySizeFigures(bench);
    expect(f.bytesWithFourRules).toBeLessThanOrEqual(f.limit);
    expect(f.rulesThatFit).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
