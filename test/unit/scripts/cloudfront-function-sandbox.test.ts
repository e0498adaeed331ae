import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadCloudFrontFunction } from "../../../scripts/cloudfront-function-runtime/runtime";
import type { LoadOptions } from "../../../scripts/cloudfront-function-runtime/runtime";
import { LOG_LIMIT_BYTES } from "../../../scripts/cloudfront-function-runtime/sandbox";
import { KVS_DATA, viewerRequest } from "../../fixtures/cloudfront-functions";
import { cases } from "../../helpers/cases";

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

/** Evaluates `expr` inside a handler and returns what it gave, as a string, or `threw <ErrorName>`. */
async function probe(expr: string, opts: LoadOptions = {}, prefix = ""): Promise<string> {
  const code = `${prefix}async function handler(event) {
  var r;
  try { r = ${expr}; r = String(r); } catch (e) { r = 'threw ' + e.name; }
  event.request.headers['x-probe'] = { value: r };
  return event.request;
}`;
  const r = await loadCloudFrontFunction(code, { now: () => NOW, ...opts }).run(viewerRequest("/"));
  return r.kind === "request" ? (r.request.headers["x-probe"]?.value ?? "") : "";
}

describe("the sandbox holds only what runtime 2.0 documents", () => {
  cases("%s is %s", (expr: string) => probe(expr), [
    // Restricted features: no timers, network, process, file system or environment.
    ["typeof setTimeout", "undefined"],
    ["typeof setInterval", "undefined"],
    ["typeof setImmediate", "undefined"],
    ["typeof clearTimeout", "undefined"],
    ["typeof queueMicrotask", "undefined"],
    ["typeof fetch", "undefined"],
    ["typeof XMLHttpRequest", "undefined"],
    ["typeof process", "undefined"],
    ["typeof module", "undefined"],
    ["typeof global", "undefined"],
    // Globals the page does not list.
    ["typeof Map", "undefined"],
    ["typeof Set", "undefined"],
    ["typeof WeakMap", "undefined"],
    ["typeof Proxy", "undefined"],
    ["typeof Reflect", "undefined"],
    ["typeof BigInt", "undefined"],
    ["typeof Intl", "undefined"],
    ["typeof WebAssembly", "undefined"],
    ["typeof SharedArrayBuffer", "undefined"],
    ["typeof structuredClone", "undefined"],
    // Methods newer than ES 5.1 that the page does not list.
    ["typeof Array.from", "undefined"],
    ["typeof [].flat", "undefined"],
    ["typeof [].at", "undefined"],
    ["typeof Object.fromEntries", "undefined"],
    ["typeof ''.matchAll", "undefined"],
    // Runtime 2.0 dropped the non-standard byte-string methods of 1.0.
    ["typeof ''.bytesFrom", "undefined"],
    ["typeof ''.toUTF8", "undefined"],
    ["typeof String.bytesFrom", "undefined"],
    // What the page lists.
    ["typeof Buffer", "function"],
    ["typeof TextEncoder + typeof TextDecoder", "functionfunction"],
    ["btoa('hi') + atob('aGk=')", "aGk=hi"],
    ["'a-a'.replaceAll('a', 'b')", "b-b"],
    ["1_000 + 2 ** 3", "1008"],
    ["Object.entries({ a: 1 }).join()", "a,1"],
    ["'x'.padStart(3, '-')", "--x"],
    ["Array.of(1, 2).includes(2)", "true"],
    ["Uint8Array.from([1, 2]).length", "2"],
    ["/(?<y>\\d{4})/.exec('in 2024').groups.y", "2024"],
    ["/a/y.sticky", "true"],
    ["typeof Promise.allSettled", "function"],
    ["typeof Symbol.for", "function"],
    ["new InternalError('x').name", "InternalError"],
    ["new InternalError('x') instanceof Error", "true"],
    ["typeof globalThis", "object"],
    // Dynamic code evaluation throws, even when reached indirectly.
    ["globalThis['ev' + 'al']('1')", "threw EvalError"],
    ["(function () {}).bind.constructor", "function Function() { [native code] }"],
    ["[Object.getPrototypeOf(function () {}).constructor][0]('return 1')", "threw EvalError"],
    // Strict mode, which the runtime always uses.
    ["(function () { return this; })()", "undefined"],
  ]);

  cases("Date is frozen at the run's start: %s is %s", (expr: string) => probe(expr), [
    ["Date.now()", String(NOW)],
    ["new Date().getTime()", String(NOW)],
    ["new Date(0).getTime()", "0"],
    ["Date() === new Date(" + NOW + ").toString()", "true"],
    ["new Date() instanceof Date", "true"],
    ["(function () { var a = Date.now(); for (var i = 0; i < 1e6; i++) {} return Date.now() - a; })()", "0"],
  ]);

  it("gives each run a fresh context: top-level state does not carry over", async () => {
    const fn = loadCloudFrontFunction("var runs = 0;\nfunction handler(event) {\n  runs++;\n  return { statusCode: 200, statusDescription: String(runs) };\n}");
    const descriptions = [];
    for (let i = 0; i < 3; i++) {
      const r = await fn.run(viewerRequest("/"));
      descriptions.push(r.kind === "response" ? r.response.statusDescription : "");
    }
    expect(descriptions).toEqual(["1", "1", "1"]);
  });
});

describe("require('crypto') offers hashes and HMAC only", () => {
  const node = (alg: string, enc: "hex" | "base64" | "base64url") => createHash(alg).update("données").digest(enc);
  const nodeHmac = (alg: string, enc: "hex" | "base64" | "base64url") => createHmac(alg, "key").update("a").update("b").digest(enc);

  it.each(["md5", "sha1", "sha256"].flatMap((alg) => (["hex", "base64", "base64url"] as const).map((enc) => [alg, enc] as const)))(
    "%s digests as %s like Node",
    async (alg, enc) => {
      const c = "require('crypto')";
      expect(await probe(`${c}.createHash('${alg}').update('données').digest('${enc}')`)).toBe(node(alg, enc));
      expect(await probe(`${c}.createHmac('${alg}', 'key').update('a').update('b').digest('${enc}')`)).toBe(nodeHmac(alg, enc));
    },
  );

  cases("%s is %s", (expr: string) => probe(expr), [
    ["Object.keys(require('crypto')).sort().join()", "createHash,createHmac"],
    ["require('crypto').createHash('sha512')", "threw TypeError"],
    ["require('crypto').createHash('sha256').update('a').digest('latin1')", "threw TypeError"],
    ["Buffer.isBuffer(require('crypto').createHash('sha256').update('a').digest())", "true"],
    ["require('crypto').createHmac('sha256', Buffer.from('key')).update(new Uint8Array([97])).digest('hex')", createHmac("sha256", "key").update("a").digest("hex")],
    ["(function (h) { h.digest('hex'); return h.digest('hex'); })(require('crypto').createHash('md5'))", "threw Error"],
    ["typeof require('crypto').randomBytes", "undefined"],
    ["typeof require('crypto').createSign", "undefined"],
    ["require('querystring').stringify({ a: ['1', '2'], b: 'x y' })", "a=1&a=2&b=x%20y"],
    ["JSON.stringify(require('querystring').parse('a=1&a=2&b=x%20y'))", '{"a":["1","2"],"b":"x y"}'],
  ]);
});

describe("the cloudfront module", () => {
  const withKvs = "import cf from 'cloudfront';\nconst kvs = cf.kvs('my-kvs');\n";
  const opts = { kvs: KVS_DATA, kvsId: "my-kvs" };
  it.each([
    ["await kvs.get('greeting', { format: 'string' })", "hello"],
    ["(await kvs.get('config', { format: 'json' })).mode", "strict"],
    ["(await kvs.get('greeting', { format: 'bytes' })).toString('hex')", "68656c6c6f"],
    ["await kvs.exists('nope')", "false"],
    ["(await kvs.meta()).keyCount", "2"],
    ["await kvs.get('nope').then(function () { return 'found'; }, function (e) { return e.message; })", "KeyNotFound"],
    ["typeof cf.updateRequestOrigin", "function"],
    ["cf.updateRequestOrigin({})", "threw Error"],
  ])("%s gives %s", async (expr, expected) => {
    expect(await probe(expr, opts, withKvs)).toBe(expected);
  });

  it.each([
    ["no read", "", 0],
    ["one get", "await kvs.get('greeting');", 1],
    ["two gets, one of a missing key (billed as well)", "await kvs.get('greeting'); await kvs.get('nope').catch(function () {});", 2],
    ["exists and meta are not gets", "await kvs.exists('greeting'); await kvs.meta();", 0],
  ])("counts the key value store reads of a run: %s", async (_, body, reads) => {
    const fn = loadCloudFrontFunction(`${withKvs}async function handler(event) {\n${body}\nreturn event.request;\n}`, opts);
    expect((await fn.run(viewerRequest("/"))).kvsReads).toBe(reads);
  });

  it("reports meta() dates in ISO 8601", async () => {
    const expr = "(await kvs.meta()).creationDateTime + ' ' + (await kvs.meta()).lastUpdatedDateTime";
    const dates = (await probe(expr, opts, withKvs)).split(" ");
    expect(dates).toHaveLength(2);
    for (const date of dates) expect(new Date(date).toISOString()).toBe(date);
  });
});

describe("console.log", () => {
  const logs = async (body: string) => {
    const r = await loadCloudFrontFunction(`function handler(event) {\n${body}\nreturn event.request;\n}`).run(viewerRequest("/"));
    return r.logs;
  };

  it("logs one argument per call (the runtime has no comma syntax) and objects as JSON", async () => {
    expect(await logs("console.log('a', 'b'); console.log({ x: 1 }); console.log(2);")).toEqual(["a", '{"x":1}', "2"]);
  });

  it("has no other console methods", async () => {
    expect(await logs("console.log(typeof console.error + ' ' + typeof console.info);")).toEqual(["undefined undefined"]);
  });

  it("truncates the logs at 10 KB", async () => {
    const lines = await logs("for (var i = 0; i < 30; i++) console.log('x'.repeat(1000));");
    expect(Buffer.byteLength(lines.join(""))).toBe(LOG_LIMIT_BYTES);
    expect(lines).toHaveLength(11);
  });
});
