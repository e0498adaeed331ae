/**
 * The CloudFront Function in the local CloudFront (local/viewer-function.ts, local/cloudfront.ts): one run turned
 * into a request for the origin, a response for the viewer or CloudFront's 503/502; the reason the stack logs; and
 * a distribution whose default behaviour runs a CloudFront Function, with small hand-written functions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PATHS } from "../../../shared/config/types";
import { startLocalCloudFront } from "../../../local/cloudfront";
import type { Distribution, LocalCloudFront, RequestLogEntry } from "../../../local/cloudfront";
import { loadCloudFrontFunction } from "../../../scripts/cloudfront-function-runtime/runtime";
import type { OriginRequest } from "../../../local/origin";
import { functionReason, loadViewerFunction, runViewerFunction } from "../../../local/viewer-function";
import type { ViewerFunctionOutcome } from "../../../local/viewer-function";
import { ADD_HEADER, KVS_DATA, KVS_READ, REDIRECT } from "../../fixtures/cloudfront-functions";
import { rawRequest } from "../../helpers/http";

const THROWS = `function handler(event) { throw new Error('boom'); }\n`;
const BAD_RESULT = `function handler(event) { return { statusCode: 99 }; }\n`;
const LOGS = `function handler(event) { console.log('seen ' + event.request.uri); return event.request; }\n`;
const input = (path: string, query = "", headers: [string, string][] = []) => ({ method: "GET", path, query, headers: [["Host", "localhost:3000"] as [string, string], ...headers], ip: "127.0.0.1" });

describe("runViewerFunction", () => {
  it("a returned request goes on with the raw query as sent and the headers the function added", async () => {
    const out = await runViewerFunction(loadCloudFrontFunction(ADD_HEADER), input("/p%C3%A4th/index.html", "q=%C3%BC&x=1&x=2"));
    expect(out.kind).toBe("forward");
    const req = (out as Extract<ViewerFunctionOutcome, { kind: "forward" }>).request;
    expect([req.uri, req.querystring]).toEqual(["/p%C3%A4th/index.html", "q=%C3%BC&x=1&x=2"]);
    expect(req.headers).toContainEqual(["X-Viewer-Ip", "127.0.0.1"]);
  });

  it("a returned response goes to the viewer with its Set-Cookie lines", async () => {
    const out = await runViewerFunction(loadCloudFrontFunction(REDIRECT), input("/private"));
    expect(out.kind).toBe("respond");
    const res = (out as Extract<ViewerFunctionOutcome, { kind: "respond" }>).response;
    expect(res.status).toBe(302);
    expect(res.headers).toContainEqual(["Location", "https://localhost:3000/login?next=%2Fprivate"]);
    expect(res.headers).toContainEqual(["Set-Cookie", "state=abc; Path=/; Secure; HttpOnly; SameSite=Lax"]);
  });

  it.each([
    [THROWS, 503, "runtime-error"],
    [BAD_RESULT, 502, "bad-result"],
  ] as const)("a failing function is CloudFront's %#: status and code", async (code, status, errorCode) => {
    const out = await runViewerFunction(loadCloudFrontFunction(code), input("/"));
    expect(out).toMatchObject({ kind: "failed", status, code: errorCode });
  });
});

describe("loadViewerFunction", () => {
  const outdir = mkdtempSync(join(tmpdir(), "edge-auth-viewer-function-"));
  const put = (name: string, code: string, kvs?: unknown) => {
    mkdirSync(join(outdir, name), { recursive: true });
    writeFileSync(join(outdir, name, "index.js"), code);
    if (kvs) writeFileSync(join(outdir, name, "kvs.json"), JSON.stringify(kvs));
  };
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("loads <outdir>/<name>/index.js with the KeyValueStore in kvs.json next to it", async () => {
    put("reads-kvs", KVS_READ, KVS_DATA);
    const loaded = loadViewerFunction(outdir, "reads-kvs");
    expect(loaded.kvsKeys).toEqual(["greeting", "config"]);
    const out = await runViewerFunction(loaded.fn, input("/"));
    expect(out.kind === "forward" && out.request.headers).toContainEqual(["X-Greeting", "hello"]);
  });

  it("without kvs.json the function has no store, and the given compute budget applies", async () => {
    put("spins", "function handler(event) { while (true) {} }\n");
    const loaded = loadViewerFunction(outdir, "spins", 5);
    expect(loaded.kvsKeys).toEqual([]);
    expect(await runViewerFunction(loaded.fn, input("/"))).toMatchObject({ kind: "failed", status: 503, code: "budget" });
  });
});

describe("functionReason", () => {
  const paths = { signIn: "/signin", refresh: "/refreshauth" };
  const respond = (status: number, headers: [string, string][], body?: string): ViewerFunctionOutcome => ({
    kind: "respond",
    response: { status, headers, ...(body !== undefined ? { body: Buffer.from(body) } : {}) },
    logs: [],
  });
  const page = (status: number, title: string, sentence: string) => `<title>${title}</title><h1>${title}</h1><p>${sentence}</p><p><small>Error ${status}</small></p>`;

  it.each<[string, ViewerFunctionOutcome, string]>([
    ["forwarded", { kind: "forward", request: { method: "GET", uri: "/", querystring: "", headers: [] }, logs: [] }, "forward"],
    ["to sign-in", respond(302, [["Location", "http://localhost:3000/signin?return=%2F"]]), "sign-in"],
    ["to refresh", respond(302, [["Location", "http://localhost:3000/refreshauth?return=%2F"]]), "refresh"],
    ["elsewhere", respond(307, [["Location", "http://localhost:3000/other"]]), "redirect"],
    ["401 JSON", respond(401, [["Content-Type", "application/json"]], '{"error":"unauthenticated","message":"…"}'), "unauthenticated"],
    ["403 page", respond(403, [["Content-Type", "text/html"]], page(403, "Access denied", "You are signed in, but your account is not allowed to open this page.")), "forbidden"],
    ["400 bad host", respond(400, [["Content-Type", "text/html"]], page(400, "Bad request", "The request has no valid Host header.")), "bad-host"],
    ["an unknown page", respond(418, [], "teapot"), "status-418"],
    ["a failure", { kind: "failed", status: 503, code: "budget", message: "", logs: [] }, "function-error:budget"],
  ])("%s → %s", (_, outcome, reason) => {
    expect(functionReason(outcome, paths)).toBe(reason);
  });
});

describe("a local CloudFront whose default behaviour runs a CloudFront Function", () => {
  let cf: LocalCloudFront | undefined;
  afterEach(async () => {
    await cf?.stop();
    cf = undefined;
  });

  async function start(code: string) {
    const seen: OriginRequest[] = [];
    const entries: RequestLogEntry[] = [];
    const lines: string[] = [];
    cf = await startLocalCloudFront({
      port: 0,
      origin: async (req) => {
        seen.push(req);
        return { status: 200, headers: { "content-type": "text/plain", "x-frame-options": "SAMEORIGIN" }, body: Buffer.from("origin") };
      },
      onRequest: (e) => entries.push(e),
      log: (l) => lines.push(l),
    });
    const dist: Distribution = {
      paths: DEFAULT_PATHS,
      hotPath: "cloudfront-function",
      functions: new Map(),
      cloudFrontFunctions: new Map([["check-auth-function", { name: "check-auth-function", fn: loadCloudFrontFunction(code), kvsKeys: [] }]]),
      responseHeadersPolicy: { "x-frame-options": { value: "DENY", override: true } },
    };
    cf.setDistribution(dist);
    return { port: cf.port, seen, entries, lines };
  }

  it("a function that throws: 503 naming the function, logged with the error and what it logged; no origin request", async () => {
    const s = await start(`function handler(event) { console.log('about to fail'); throw new Error('boom'); }\n`);
    const res = await rawRequest(s.port, "/x");
    expect(res.status).toBe(503);
    expect(res.body).toBe("503: the CloudFront Function check-auth-function failed (CloudFront shows this as FunctionExecutionError).");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(s.seen).toEqual([]);
    expect(s.entries).toEqual([expect.objectContaining({ status: 503, answeredBy: "check-auth-function", reason: "function-error:runtime-error" })]);
    expect(s.lines).toContain("check-auth-function: about to fail");
    expect(s.lines.some((l) => l.startsWith("check-auth-function failed: runtime-error") && l.includes("Error: boom"))).toBe(true);
  });

  it("a result CloudFront would refuse: 502 FunctionValidationError", async () => {
    const s = await start(BAD_RESULT);
    const res = await rawRequest(s.port, "/x");
    expect(res.status).toBe(502);
    expect(res.body).toContain("FunctionValidationError");
    expect(s.entries[0]).toMatchObject({ status: 502, answeredBy: "check-auth-function", reason: "function-error:bad-result" });
  });

  it("a forwarded request reaches the origin as the function left it; the policy replaces the origin's header; the function's log lines are named", async () => {
    const s = await start(LOGS);
    const res = await rawRequest(s.port, "/a%20b/?q=%C3%BC", { cookie: "a=1; b=2", "x-other": "kept" });
    expect([res.status, res.body, res.headers["x-frame-options"], res.headers["content-type"]]).toEqual([200, "origin", "DENY", "text/plain"]);
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]).toMatchObject({ method: "GET", uri: "/a%20b/", querystring: "q=%C3%BC" });
    expect(s.seen[0]!.headers).toMatchObject({ cookie: "a=1; b=2", "x-other": "kept", "cloudfront-forwarded-proto": "http" });
    expect(s.entries[0]).toMatchObject({ status: 200, answeredBy: "origin", reason: "check-auth-function:forward" });
    expect(s.lines).toContain("check-auth-function: seen /a%20b/");
  });

  it("HEAD gets the headers of a generated response and no body", async () => {
    const s = await start(REDIRECT);
    const res = await rawRequest(s.port, "/private", {}, "HEAD");
    expect([res.status, res.body, res.headers["set-cookie"]]).toEqual([302, "", ["state=abc; Path=/; Secure; HttpOnly; SameSite=Lax"]]);
  });
});
