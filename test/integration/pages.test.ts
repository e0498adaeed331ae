/**
 * The pages the edge generates, through the BUILT bundles (Lambda@Edge) and the BUILT CloudFront Function (runtime
 * emulator and njs): one look (shared/viewer/page.ts's stylesheet, the same string on both hot paths), the same page
 * for the same answer on both, the username on the 403 escaped (a hostile one too), the callback pages' texts and
 * their way to start again, and never a token, code or cookie value in a page. And the function still fits its
 * 10 KB with the page code in it, for the configs the tests and the bench build.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildViewerRequestEvent } from "../../scripts/cloudfront-function-runtime/event";
import { njsAvailable, runUnderNjs } from "../../scripts/cloudfront-function-runtime/njs";
import { MAX_FUNCTION_BYTES, loadCloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CffResponse } from "../../scripts/cloudfront-function-runtime/types";
import { localConfig } from "../../local/local-config";
import { functionCode } from "../../scripts/build-function";
import { resolveAuthConfig } from "../../shared/config/resolve";
import { ERRORS } from "../../shared/outcomes/errors";
import { markerName, sessionCookieName } from "../../shared/viewer/cookie-names";
import { PAGE_STYLE, PAGE_STYLE_KEY } from "../../shared/viewer/page";
import { rulesFingerprint } from "../../shared/viewer/rules";
import { sealSession } from "../../shared/viewer/session-cookie";
import { buildWith } from "../helpers/build";
import type { Built } from "../helpers/build";
import { header, viewerRequest } from "../helpers/events";
import { sessionCookieHeader } from "../helpers/session";
import { TEST_NONCE_SECRET, makeIssuer, tokensFor } from "../helpers/tokens";

const iss = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Pages1", clientId: "pagesclient1234567890abc" });
const HOST = "www.example.com";
const NOW = Math.floor(Date.now() / 1000);
/** A username that would break out of an element or an attribute if it were not escaped. */
const HOSTILE = `<script>alert("x")</script>'&\`=/`;
const HOSTILE_ESCAPED = "&#60;script&#62;alert(&#34;x&#34;)&#60;&#47;script&#62;&#39;&#38;&#96;&#61;&#47;";
const COOKIE = {};
const SESSION = sessionCookieName(COOKIE, iss.clientId);
const SIGNED_IN_MARKER = markerName("signedin", COOKIE, iss.clientId);

const raw = {
  region: iss.region,
  userPoolId: iss.userPoolId,
  clientId: iss.clientId,
  domain: "auth.example.com",
  jwks: { keys: [iss.key.jwk] },
  // The key of the binding cookie the test's signed-in browser carries (test/helpers/session.ts).
  nonceSigningSecret: TEST_NONCE_SECRET,
  hotPath: "cloudfront-function",
  publicPaths: ["/public/*"],
  rules: [{ path: "/admin/*", groups: ["admins"] }],
};

let built: Built;
let fnCode: string;
let kvs: { data: { key: string; value: string }[] };
let key: string;
let fn: CloudFrontFunction;

beforeAll(async () => {
  built = await buildWith(raw);
  expect(built.status, built.stderr + built.stdout).toBe(0);
  fnCode = readFileSync(join(built.outdir, "check-auth-function", "index.js"), "utf8");
  kvs = JSON.parse(readFileSync(join(built.outdir, "check-auth-function", "kvs.json"), "utf8"));
  key = kvs.data.find((d) => d.key === "session-key")!.value;
  fn = loadCloudFrontFunction(fnCode, { kvs, now: () => NOW * 1000 });
}, 180_000);

type EdgeResult = { status?: string; body?: string; headers?: Record<string, { value: string }[]> };
const edge = (name: string) => (event: unknown) => (built.load(name).handler as (e: unknown) => Promise<EdgeResult>)(event);

/** The function's page for a request, in the emulator and under njs (the same answer from both). */
async function functionPage(o: { path?: string; cookies?: Record<string, string> }): Promise<{ status: number; body: string }> {
  const cookie = Object.entries(o.cookies ?? {}).map(([k, v]) => `${k}=${v}`).join("; ");
  const event = () =>
    buildViewerRequestEvent({
      method: "GET",
      path: o.path ?? "/",
      query: "",
      headers: [["Host", HOST], ["Accept", "text/html"], ...(cookie ? ([["Cookie", cookie]] as [string, string][]) : [])],
      ip: "203.0.113.1",
    });
  const r = await fn.run(event());
  expect(r.kind).toBe("response");
  const res = (r as { response: CffResponse }).response;
  if (njsAvailable()) {
    const inNjs = await runUnderNjs(fnCode, event(), { kvs, now: new Date(NOW * 1000) });
    expect(inNjs.ok, inNjs.ok ? "" : inNjs.error).toBe(true);
    expect(inNjs.ok && inNjs.result).toEqual(JSON.parse(JSON.stringify(res)));
  }
  return { status: res.statusCode, body: String((res.body as { data: string } | undefined)?.data) };
}

const styleOf = (body: string) => /<style>([^<]*)<\/style>/.exec(body)?.[1];

/** Every page must hold none of these. */
const secrets: string[] = [];
function noSecrets(body: string) {
  expect(secrets.length).toBeGreaterThan(0);
  for (const s of secrets) expect(body).not.toContain(s);
}

describe("one look, one page, on both hot paths", () => {
  it.each<[string, () => { edge: Parameters<typeof viewerRequest>[0]; fn: Parameters<typeof functionPage>[0]; status: number; title: string }]>([
    [
      "403 for a hostile username: who is signed in, escaped; home and sign out",
      () => {
        const t = tokensFor(iss, { username: HOSTILE, iat: NOW - 60, groups: ["users"] });
        const session = sealSession({ c: iss.clientId, s: "sub-1", u: HOSTILE, g: ["users"], r: rulesFingerprint([{ path: "/admin/*", groups: ["admins"] }]), x: NOW + 600, h: "h".repeat(22) }, key);
        secrets.push(t.idToken, t.accessToken, session, key);
        return {
          edge: { host: HOST, uri: "/admin/x", cookies: [sessionCookieHeader(iss.clientId, { username: HOSTILE, ...t })] },
          fn: { path: "/admin/x", cookies: { [SESSION]: session } },
          status: 403,
          title: "Access denied",
        };
      },
    ],
    [
      '"Cookies are needed": a completed sign-in whose cookies did not come back',
      () => ({ edge: { host: HOST, uri: "/", cookies: [`${SIGNED_IN_MARKER}=${NOW + 60}`] }, fn: { path: "/", cookies: { [SIGNED_IN_MARKER]: String(NOW + 60) } }, status: 400, title: "Cookies are needed" }),
    ],
    ["400 for a path CloudFront never sends", () => ({ edge: { host: HOST, uri: "x" }, fn: { path: "x" }, status: 400, title: "Bad request" })],
  ])("%s", async (_, make) => {
    const c = make();
    const e = await edge("check-auth")(viewerRequest(c.edge));
    const f = await functionPage(c.fn);
    expect(Number(e.status)).toBe(c.status);
    expect(f.status).toBe(c.status);
    // The same page, byte for byte, whichever hot path answered.
    expect(f.body).toBe(e.body);
    expect(styleOf(e.body!)).toBe(PAGE_STYLE);
    expect(e.body).toContain(`<h1>${c.title}</h1>`);
    expect(e.body).toContain(`<p><small>Error ${c.status}</small></p>`);
    noSecrets(e.body!);
    if (c.status === 403) {
      expect(e.body).toContain(`<p>${ERRORS.forbidden.sentence}</p><p>Signed in as <b>${HOSTILE_ESCAPED}</b>.</p>`);
      expect(e.body).toContain('<nav><a href="&#47;">Home</a> <a href="&#47;signout">Sign out or switch account</a></nav>');
      expect(e.body).not.toContain("<script>");
      expect(e.body).not.toContain('"x"');
    }
    if (c.title === "Cookies are needed") expect(e.body).toContain('<nav><a href="&#47;">Try again</a></nav>');
  });

  it("the Lambda@Edge bundles carry the stylesheet; the function's KeyValueStore does, its code does not (its 10 KB)", () => {
    for (const name of ["check-auth", "parse-auth", "sign-out"]) expect(readFileSync(join(built.outdir, name, "index.js"), "utf8"), name).toContain(PAGE_STYLE);
    expect(fnCode).not.toContain(PAGE_STYLE);
    const store = JSON.parse(readFileSync(join(built.outdir, "check-auth-function", "kvs.json"), "utf8")) as { data: { key: string; value: string }[] };
    expect(store.data.find((d) => d.key === PAGE_STYLE_KEY)?.value).toBe(PAGE_STYLE);
    // Tiny, and within a KeyValueStore value's 1 KB.
    expect(Buffer.byteLength(PAGE_STYLE)).toBeLessThan(600);
  });

  it("the function reads the stylesheet only for an HTML page of its own: one store read for JSON, two for a page", async () => {
    const ev = (path: string, accept: string) => buildViewerRequestEvent({ method: "GET", path, query: "", headers: [["Host", HOST], ["Accept", accept]], ip: "203.0.113.1" });
    const json = await fn.run(ev("/api/x", "application/json"));
    const page = await fn.run(ev(`/${"a".repeat(9000)}`, "text/html"));
    expect([json.kind, json.kvsReads]).toEqual(["response", 1]);
    expect([page.kind, page.kvsReads]).toEqual(["response", 2]);
  });

  it("a store without the stylesheet: the function's page goes out unstyled, never broken", async () => {
    const bare = loadCloudFrontFunction(fnCode, { kvs: { data: kvs.data.filter((d) => d.key !== PAGE_STYLE_KEY) }, now: () => NOW * 1000 });
    const r = await bare.run(buildViewerRequestEvent({ method: "GET", path: `/${"a".repeat(9000)}`, query: "", headers: [["Host", HOST], ["Accept", "text/html"]], ip: "203.0.113.1" }));
    expect(r.kind).toBe("response");
    const body = String(((r as { response: CffResponse }).response.body as { data: string }).data);
    expect(body).toContain("<style></style>");
    expect(body).toContain(`<h1>${ERRORS["uri-too-long"].title}</h1>`);
  });
});

describe("the callback's pages (parse-auth)", () => {
  const callback = (querystring: string, cookies: string[] = []) => edge("parse-auth")(viewerRequest({ host: HOST, uri: "/parseauth", querystring, cookies }));

  it("without its sign-in cookie (stale or replayed link, another browser, cookies blocked): link expired or used, blocked cookies named, sign in again", async () => {
    const code = "c0de-9f8e7d6c5b4a";
    secrets.push(code);
    const r = await callback(`code=${code}&state=AAAAAAAAAAAAAAAAAAAAAA`, ["other=1"]);
    expect(r.status).toBe("400");
    expect(styleOf(r.body!)).toBe(PAGE_STYLE);
    expect(r.body).toContain("<h1>Sign-in link expired</h1>");
    expect(r.body).toContain("<p>This sign-in link has expired or was already used. It also happens when your browser blocks this site&#39;s cookies: then allow them. Sign in again to start over.</p>");
    expect(r.body).toContain('<nav><a href="&#47;signin?return&#61;%2F">Sign in again</a></nav>');
    expect(r.body).not.toContain("Cookies are needed");
    noSecrets(r.body!);
  });

  it.each([
    ["a code with characters a code never has", "code=%3Cscript%3E&state=AAAAAAAAAAAAAAAAAAAAAA"],
    ["a state of the wrong shape", "code=abc&state=%22%3E%3Cx"],
  ])("%s: the sign-in could not be completed, sign in again", async (_, qs) => {
    const r = await callback(qs);
    expect(r.status).toBe("400");
    expect(styleOf(r.body!)).toBe(PAGE_STYLE);
    expect(r.body).toContain("<h1>Sign-in not completed</h1>");
    expect(r.body).toContain("<p>The sign-in could not be completed: the answer from the sign-in service is malformed. Please sign in again.</p>");
    expect(r.body).toContain('<nav><a href="&#47;signin?return&#61;%2F">Sign in again</a></nav>');
    expect(r.body).not.toContain("Bad request");
    expect(r.body).not.toContain("<script>");
    expect(r.body).not.toContain('"><x');
  });
});

describe("the sign-out confirmation (sign-out)", () => {
  it("a sign-out from another site: the same look, a button and the way back", async () => {
    const r = await edge("sign-out")(viewerRequest({ host: HOST, uri: "/signout", headers: { "Sec-Fetch-Site": "cross-site" } }));
    expect(r.status).toBe("200");
    expect(styleOf(r.body!)).toBe(PAGE_STYLE);
    expect(r.body).toContain("<h1>Sign out?</h1>");
    expect(r.body).toContain(`<p>Do you want to sign out of ${HOST}?</p><form method="get" action="&#47;signout"><button type="submit">Sign out</button> <a href="&#47;">Stay signed in</a></form>`);
    expect(header(r, "content-type")).toBe("text/html; charset=utf-8");
  });
});

describe("the function's 10 KB, with the page code in it", () => {
  const jwks = { keys: [iss.key.jwk] };
  const local = { type: "cognito", userPoolId: "local_pages", authUrl: "http://localhost:9230", cognitoUrl: "http://localhost:9229" } as const;
  it.each<[string, Record<string, unknown>]>([
    // bench/run.ts's config, with hotPath cloudfront-function (its "same site with the CloudFront Function").
    ["the bench's", { region: iss.region, userPoolId: iss.userPoolId, clientId: iss.clientId, domain: "http://127.0.0.1:9", issuer: `https://cognito-idp.${iss.region}.amazonaws.com/${iss.userPoolId}`, jwks, publicPaths: ["/public/*", "/favicon.ico"], rules: [{ path: "/admin/*", groups: ["admins"] }], hotPath: "cloudfront-function" }],
    ["npm start's, one site", { ...localConfig({ provider: local, clients: [{ clientId: "localsiteclient0123456789" }], hotPath: "cloudfront-function" }), jwks }],
    ["npm start's, two sites", { ...localConfig({ provider: local, clients: [{ clientId: "localsiteaclient012345678" }, { clientId: "localsitebclient012345678" }], hotPath: "cloudfront-function" }), jwks }],
  ])("%s config fits", async (_, config) => {
    const r = resolveAuthConfig(config);
    if (!r.ok) throw new Error(r.errors.join("\n"));
    const code = await functionCode(r.config, "handlers/function/check-auth-function.ts");
    expect(code).toContain("<style></style>");
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(MAX_FUNCTION_BYTES);
  });
});
