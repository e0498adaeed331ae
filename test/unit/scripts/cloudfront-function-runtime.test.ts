import { describe, expect, it } from "vitest";
import { CloudFrontFunctionError, DOCS } from "../../../scripts/cloudfront-function-runtime/errors";
import { DEFAULT_BUDGET_MS, MAX_FUNCTION_BYTES, loadCloudFrontFunction } from "../../../scripts/cloudfront-function-runtime/runtime";
import type { LoadOptions } from "../../../scripts/cloudfront-function-runtime/runtime";
import type { CffRunResult } from "../../../scripts/cloudfront-function-runtime/types";
import { ADD_HEADER, HMAC_CHECK, KVS_DATA, KVS_READ, REDIRECT, SPREAD, signedSession, viewerRequest } from "../../fixtures/cloudfront-functions";

/** The error `fn` throws (sync) or rejects with (async). */
async function failure(fn: () => unknown): Promise<CloudFrontFunctionError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CloudFrontFunctionError);
    return err as CloudFrontFunctionError;
  }
  throw new Error("expected a CloudFrontFunctionError, got none");
}

const run = (code: string, opts: LoadOptions = {}, event = viewerRequest("/")) => loadCloudFrontFunction(code, opts).run(event);
const header = (r: CffRunResult, name: string) => (r.kind === "request" ? r.request.headers[name]?.value : r.response.headers?.[name]?.value);
const handlerReturning = (body: string) => `function handler(event) {\n${body}\n}\n`;

describe("loadCloudFrontFunction: passing samples", () => {
  it("runs a redirect response", async () => {
    const r = await run(REDIRECT, {}, viewerRequest("/private/page"));
    expect(r).toEqual({
      kind: "response",
      logs: [],
      kvsReads: 0,
      response: {
        statusCode: 302,
        statusDescription: "Found",
        headers: { location: { value: "https://video.example.com/login?next=%2Fprivate%2Fpage" }, "cache-control": { value: "no-store" } },
        cookies: { state: { value: "abc", attributes: "Path=/; Secure; HttpOnly; SameSite=Lax" } },
      },
    });
  });

  it("runs a header-adding request (arrow function, let/const, template literal)", async () => {
    const event = viewerRequest("/index.html?x=1");
    const r = await run(ADD_HEADER, {}, event);
    expect(r.kind === "request" && r.request).toEqual({
      ...event.request,
      headers: { ...event.request.headers, "x-viewer-ip": { value: "198.51.100.11" }, "x-uri-length": { value: "11" } },
    });
  });

  it.each([
    ["a valid signature", signedSession("alice"), "request"],
    ["a signature under another key", signedSession("alice", "other"), "response"],
    ["no signature", "alice", "response"],
  ])("runs an HMAC check with crypto: %s", async (_name, session, kind) => {
    const r = await run(HMAC_CHECK, {}, viewerRequest("/", { headers: [["Cookie", `session=${session}`]] }));
    expect(r.kind).toBe(kind);
    if (r.kind === "request") expect(header(r, "x-user")).toBe("alice");
    else expect(r.response).toMatchObject({ statusCode: 401, body: "no valid session" });
  });

  it("reads a key value store: get (string, json), a missing key rejecting, exists, meta", async () => {
    const r = await run(KVS_READ, { kvs: KVS_DATA });
    expect([header(r, "x-greeting"), header(r, "x-mode"), header(r, "x-has-greeting"), header(r, "x-key-count"), header(r, "x-missing")]).toEqual([
      "hello",
      "strict",
      "true",
      "2",
      "KeyNotFound",
    ]);
  });

  it("accepts code of exactly 10,240 UTF-8 bytes and counts bytes, not characters", async () => {
    const base = handlerReturning("return event.request;");
    const filler = (bytes: number) => `//${"é".repeat(Math.floor((bytes - 3) / 2))}${(bytes - 3) % 2 ? "x" : ""}\n`;
    const exact = base + filler(MAX_FUNCTION_BYTES - Buffer.byteLength(base));
    expect(Buffer.byteLength(exact)).toBe(MAX_FUNCTION_BYTES);
    expect(exact.length).toBeLessThan(MAX_FUNCTION_BYTES);
    expect(loadCloudFrontFunction(exact).size).toBe(MAX_FUNCTION_BYTES);
    expect((await failure(() => loadCloudFrontFunction(`${exact} `))).code).toBe("too-large");
  });
});

describe("request.rawQueryString()", () => {
  const ECHO = handlerReturning(
    `var raw = event.request.rawQueryString();\nreturn { statusCode: 200, headers: { "x-raw": { value: raw === undefined ? "(undefined)" : "[" + raw + "]" } } };`,
  );
  it.each([
    ["/p", "(undefined)"],
    ["/p?", "[]"],
    ["/p?a=1&b=2&a=3", "[a=1&b=2&a=3]"],
    ["/p?x=&y&&z=%3D+", "[x=&y&&z=%3D+]"],
  ])("%s → %s, the query string as sent", async (path, expected) => {
    expect(header(await run(ECHO, {}, viewerRequest(path)), "x-raw")).toBe(expected);
  });

  it("is not part of the request a function returns", async () => {
    const r = await run(handlerReturning("return event.request;"), {}, viewerRequest("/p?a=1"));
    expect(r.kind === "request" && Object.keys(r.request)).toEqual(["method", "uri", "querystring", "headers", "cookies"]);
  });
});

describe("loadCloudFrontFunction: code refused at load", () => {
  it.each([
    ["over 10 KB", `${handlerReturning("return event.request;")}//${"x".repeat(MAX_FUNCTION_BYTES)}`, "too-large", undefined, "10 KB"],
    ["spread", SPREAD, "unsupported-syntax", 3, "SpreadElement"],
    ["destructuring", handlerReturning("  var { request } = event;\n  return request;"), "unsupported-syntax", 2, "ObjectPattern"],
    ["array destructuring", handlerReturning("  var [a] = [event];\n  return a.request;"), "unsupported-syntax", 2, "ArrayPattern"],
    ["class", `class A {}\n${handlerReturning("return event.request;")}`, "unsupported-syntax", 1, "ClassDeclaration"],
    ["optional chaining", handlerReturning("  var h = event.request.headers.host?.value;\n  return event.request;"), "unsupported-syntax", 2, "ChainExpression"],
    ["nullish coalescing", handlerReturning("  var h = event.x ?? 1;\n  return event.request;"), "unsupported-syntax", 2, "??"],
    ["a generator", `function* g() { yield 1; }\n${handlerReturning("return event.request;")}`, "unsupported-syntax", 1, "generators"],
    ["for...of", handlerReturning("  for (var x of []) {}\n  return event.request;"), "unsupported-syntax", 2, "ForOfStatement"],
    ["a default parameter", "function handler(event = {}) {\n  return event.request;\n}", "unsupported-syntax", 1, "AssignmentPattern"],
    ["a shorthand property", handlerReturning("  var request = event.request;\n  return { request }.request;"), "unsupported-syntax", 3, "shorthand"],
    ["a method shorthand", handlerReturning("  var o = { f() { return 1; } };\n  return event.request;"), "unsupported-syntax", 2, "method"],
    ["an async arrow (async closure)", handlerReturning("  var f = async () => 1;\n  return event.request;"), "unsupported-syntax", 2, "async closures"],
    ["await inside call arguments", "async function handler(event) {\n  var v = String(await Promise.resolve(1));\n  return event.request;\n}", "unsupported-syntax", 2, "await inside call arguments"],
    ["top-level await", `await 1;\n${handlerReturning("return event.request;")}`, "unsupported-syntax", 1, "await"],
    ["catch without a binding", handlerReturning("  try { x(); } catch { }\n  return event.request;"), "unsupported-syntax", 2, "CatchClause"],
    ["the s regex flag", handlerReturning("  var r = /a.b/s;\n  return event.request;"), "unsupported-syntax", 2, "flags"],
    ["export", "export function handler(event) {\n  return event.request;\n}", "export", 1, "export"],
    ["require('fs')", `var fs = require('fs');\n${handlerReturning("return event.request;")}`, "module", 1, '"fs"'],
    ["require('http')", `var http = require('http');\n${handlerReturning("return event.request;")}`, "module", 1, '"http"'],
    ["require with a computed name", `var m = 'cry' + 'pto';\nvar c = require(m);\n${handlerReturning("return event.request;")}`, "module", 2, "computed"],
    ["import x from 'other'", `import x from 'other';\n${handlerReturning("return event.request;")}`, "module", 1, '"other"'],
    ["a named import from cloudfront", `import { kvs } from 'cloudfront';\n${handlerReturning("return event.request;")}`, "module", 1, "cloudfront"],
    ["eval", handlerReturning("  eval('1');\n  return event.request;"), "dynamic-code", 2, "eval"],
    ["the Function constructor", handlerReturning("  var f = new Function('return 1');\n  return event.request;"), "dynamic-code", 2, "Function"],
    ["a .constructor call", handlerReturning("  var f = (function () {}).constructor('return 1');\n  return event.request;"), "dynamic-code", 2, "constructor"],
    ["no handler", "function main(event) {\n  return event.request;\n}", "no-handler", undefined, "handler"],
    ["a handler that is not a declaration", "var handler = function (event) { return event.request; };", "no-handler", undefined, "handler"],
    ["a syntax error", "function handler(event) {\n  return event.request\n", "syntax", 3, "Unexpected"],
  ])("refuses %s", async (_name, code, expectedCode, line, mention) => {
    const err = await failure(() => loadCloudFrontFunction(code));
    expect(err.code).toBe(expectedCode);
    expect(err.line).toBe(line);
    expect(err.message).toContain(mention);
    if (line !== undefined) expect(err.message).toContain(`line ${line}:`);
    expect(err.status).toBeUndefined();
  });

  it("links the AWS page behind the rule in the message", async () => {
    expect((await failure(() => loadCloudFrontFunction(SPREAD))).message).toContain(DOCS.runtime20);
  });

  it.each([
    ["a key over 512 bytes", { data: [{ key: "k".repeat(513), value: "v" }] }],
    ["a value over 1 KB", { data: [{ key: "k", value: "v".repeat(1025) }] }],
    ["a repeated key", { data: [{ key: "k", value: "1" }, { key: "k", value: "2" }] }],
    ["not the import format", { items: [] } as never],
  ])("refuses key value store data with %s", async (_name, kvs) => {
    expect((await failure(() => loadCloudFrontFunction(KVS_READ, { kvs }))).code).toBe("kvs");
  });
});

describe("loadCloudFrontFunction: runs that fail", () => {
  it.each([
    ["setTimeout use", "  setTimeout(function () {}, 1);\n  return event.request;", "runtime-error", "setTimeout is not defined"],
    ["fetch use", "  fetch('https://example.com');\n  return event.request;", "runtime-error", "fetch is not defined"],
    ["process use", "  var env = process.env;\n  return event.request;", "runtime-error", "process is not defined"],
    ["crypto.randomBytes", "  require('crypto').randomBytes(16);\n  return event.request;", "runtime-error", "randomBytes is not a function"],
    ["an undocumented method (Array.from)", "  Array.from([1]);\n  return event.request;", "runtime-error", "Array.from is not a function"],
    ["a throw", "  throw new Error('boom');", "runtime-error", "Error: boom"],
    ["an infinite loop", "  for (;;) {}", "budget", "compute budget"],
  ])("fails %s", async (_name, body, code, mention) => {
    const err = await failure(() => run(handlerReturning(body)));
    expect([err.code, err.status]).toEqual([code, 503]);
    expect(err.message).toContain(mention);
  });

  it("names the line that threw", async () => {
    expect((await failure(() => run(handlerReturning("  var a = 1;\n  throw new TypeError('bad');")))).line).toBe(3);
  });

  it("fails an async handler that loops forever after an await (microtasks count against the budget)", async () => {
    const err = await failure(() => run("async function handler(event) {\n  await null;\n  for (;;) {}\n}"));
    expect([err.code, err.status]).toEqual(["budget", 503]);
  });

  it("fails a handler whose promise never settles (no timers or I/O to wait for)", async () => {
    const err = await failure(() => run("async function handler(event) {\n  await new Promise(function () {});\n  return event.request;\n}"));
    expect([err.code, err.status]).toEqual(["unsettled", 503]);
  });

  it("counts CPU time: code that finishes, but spends more CPU than the budget, fails", async () => {
    // A fixed amount of work, some tens of ms: past a 1 ms budget whichever stop (CPU or 4 ms of wall clock) comes first.
    const spin = handlerReturning("var n = 0;\n  for (var i = 0; i < 3e7; i++) n += i;\n  return event.request;");
    const err = await failure(() => run(spin, { budgetMs: 1 }));
    expect(err.code).toBe("budget");
    expect((await run(spin, { budgetMs: 5000 })).kind).toBe("request");
  });

  it("fails top-level code that runs past the budget, and honours budgetMs", async () => {
    const started = Date.now();
    const err = await failure(() => run(`for (;;) {}\n${handlerReturning("return event.request;")}`, { budgetMs: 10 }));
    expect(err.code).toBe("budget");
    expect(Date.now() - started).toBeLessThan(10 * DEFAULT_BUDGET_MS);
  });

  it.each([
    ["no store is associated", "cf.kvs()", {}],
    ["the id names another store", "cf.kvs('other-id')", { kvs: KVS_DATA, kvsId: "my-id" }],
  ])("fails cf.kvs() when %s", async (_name, call, opts) => {
    const err = await failure(() => run(`import cf from 'cloudfront';\nconst kvs = ${call};\n${handlerReturning("return event.request;")}`, opts));
    expect([err.code, err.line]).toEqual(["runtime-error", 2]);
  });

  it("keeps what the function logged on a failure", async () => {
    const err = await failure(() => run(handlerReturning("  console.log('before');\n  throw new Error('x');")));
    expect(err.logs).toEqual(["before"]);
  });
});

describe("loadCloudFrontFunction: results CloudFront would not accept", () => {
  const req = "event.request";
  it.each([
    ["null", "return null;", "request or a response"],
    ["a string", "return 'ok';", "request or a response"],
    ["a status code as a string", "return { statusCode: '200' };", "statusCode"],
    ["a status code out of range", "return { statusCode: 99 };", "statusCode"],
    ["a header name in upper case", "return { statusCode: 200, headers: { Location: { value: '/' } } };", "lower case"],
    ["a header value that is not a string", "return { statusCode: 200, headers: { 'x-n': { value: 1 } } };", "must be a string"],
    ["a header given as a bare string", "return { statusCode: 200, headers: { 'x-n': 'v' } };", "must be an object"],
    ["a disallowed header", "return { statusCode: 200, headers: { connection: { value: 'close' } } };", "connection"],
    ["a disallowed header prefix", `${req}.headers['x-edge-location'] = { value: 'x' }; return ${req};`, "x-edge-location"],
    ["an edited read-only header", `${req}.headers.host = { value: 'evil.example.com' }; return ${req};`, "read-only"],
    ["an added read-only header", `${req}.headers.via = { value: '1.1 me' }; return ${req};`, "read-only"],
    ["a changed method", `${req}.method = 'POST'; return ${req};`, "method"],
    ["a URI without a leading slash", `${req}.uri = 'index.html'; return ${req};`, "begin with"],
    ["a URI of 8,192 characters", `${req}.uri = '/' + 'a'.repeat(8191); return ${req};`, "8192"],
    ["a query string with a space", `${req}.querystring = 'a=b c'; return ${req};`, "spaces"],
    ["a query string with #", `${req}.querystring = { a: { value: 'x#y' } }; return ${req};`, "#"],
    ["a request without cookies", `delete ${req}.cookies; return ${req};`, "request.cookies"],
    ["multiValue that is not an array", `${req}.headers.accept = { value: 'a', multiValue: 'a' }; return ${req};`, "array"],
    ["a header value with a line break", `${req}.headers['x-a'] = { value: 'a\\r\\nx-b: c' }; return ${req};`, "line break"],
    ["a body with an unknown encoding", "return { statusCode: 200, body: { data: 'x', encoding: 'gzip' } };", "encoding"],
    ["a body that is not valid base64", "return { statusCode: 200, body: { data: 'not base64!', encoding: 'base64' } };", "base64"],
    ["a cookie without a value", "return { statusCode: 200, cookies: { a: { attributes: 'Path=/' } } };", "cookies"],
    ["a cookie with attributes that are not a string", "return { statusCode: 200, cookies: { a: { value: '1', attributes: 1 } } };", "attributes"],
  ])("fails %s with bad-result (502)", async (_name, body, mention) => {
    const err = await failure(() => run(handlerReturning(body)));
    expect([err.code, err.status]).toEqual(["bad-result", 502]);
    expect(err.message).toContain(mention);
  });

  it.each([
    ["a query string returned as a string", `event.request.querystring = 'b=2&a=1'; return event.request;`],
    ["a response with only a status code", "return { statusCode: 204 };"],
    ["a base64 body", "return { statusCode: 200, body: { data: 'aGk=', encoding: 'base64' } };"],
    ["an unchanged read-only header", "event.request.headers.host = { value: 'video.example.com' }; return event.request;"],
  ])("accepts %s", async (_name, body) => {
    await expect(run(handlerReturning(body))).resolves.toBeTruthy();
  });
});
