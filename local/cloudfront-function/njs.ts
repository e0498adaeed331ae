/**
 * Runs a CloudFront Function under Debian's `njs` (nginx JavaScript, whose syntax subset matches what runtime 2.0
 * documents: no spread, destructuring, classes, `?.` or `for...of`). The sandbox in `runtime.ts` enforces the rules;
 * this proves that code it accepts also runs, with the same results, on an engine that really lacks those features.
 * `import cf from 'cloudfront'` is served by a stub module over the same key value store data.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toKvsStore } from "./kvs";
import { defineRawQueryString, rawQueryStringOf } from "./event";
import type { KvsData } from "./kvs";
import type { CffViewerRequestEvent } from "./types";

/** Where Debian's `njs` package installs the interpreter. */
export const NJS_PATH = "/usr/bin/njs";

const MARK = "@@cloudfront-function-njs@@";

/** What a run under njs produced: the handler's result (as JSON would carry it) or the error njs reported. */
export type NjsOutcome = { ok: true; result: unknown; logs: string[] } | { ok: false; error: string; logs: string[] };

/** Whether an njs interpreter is installed at `path`. */
export const njsAvailable = (path = NJS_PATH) => existsSync(path);

// The `cloudfront` module for njs: the documented key value store helpers over a fixed store.
const cloudfrontStub = (storeJson: string) => `var store = ${storeJson};
function kvs(id) {
  if (!store) throw new Error("no key value store is associated with this function");
  var has = function (k) { return Object.prototype.hasOwnProperty.call(store.entries, k); };
  return {
    get: function (key, options) {
      var format = options && options.format !== undefined ? options.format : "string";
      if (!has(key)) return Promise.reject(new Error("KeyNotFound"));
      var v = store.entries[key];
      if (format === "json") return Promise.resolve(JSON.parse(v));
      if (format === "bytes") return Promise.resolve(Buffer.from(v));
      return Promise.resolve(v);
    },
    exists: function (key) { return Promise.resolve(has(key)); },
    meta: function () {
      return Promise.resolve({ creationDateTime: store.creationDateTime, lastUpdatedDateTime: store.lastUpdatedDateTime, keyCount: Object.keys(store.entries).length });
    }
  };
}
export default { kvs: kvs };
`;

const harness = (event: CffViewerRequestEvent) => `
;(function () {
  var ev = ${JSON.stringify(event)};
  ${defineRawQueryString("ev", rawQueryStringOf(event))}
  // njs cuts a console.log line at 2,048 bytes: the result goes out as ASCII JSON in lines of 1,000 characters.
  Promise.resolve().then(function () { return handler(ev); }).then(
    function (r) {
      var s = JSON.stringify(r).replace(/[\\u007f-\\uffff]/g, function (c) { return "\\\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4); });
      for (var i = 0; i < s.length; i += 1000) console.log("${MARK}part " + s.slice(i, i + 1000));
      console.log("${MARK}ok");
    },
    function (e) { console.log("${MARK}error " + String(e)); });
})();
`;

/**
 * Runs `code`'s handler for `event` under njs in sandbox and safe mode (`-s -u`: no file system modules, no
 * `Function` constructor). Log lines are what the function printed before its result.
 */
export function runUnderNjs(
  code: string,
  event: CffViewerRequestEvent,
  opts: { kvs?: KvsData; now?: Date; njsPath?: string; timeoutMs?: number } = {},
): Promise<NjsOutcome> {
  const dir = mkdtempSync(join(tmpdir(), "cff-njs-"));
  const store = opts.kvs ? toKvsStore(opts.kvs, opts.now ? { now: opts.now } : {}) : null;
  writeFileSync(join(dir, "cloudfront"), cloudfrontStub(JSON.stringify(store)));
  writeFileSync(join(dir, "function.js"), code + harness(event));
  return new Promise((resolve) => {
    execFile(opts.njsPath ?? NJS_PATH, ["-s", "-u", "-p", dir, join(dir, "function.js")], { timeout: opts.timeoutMs ?? 5000 }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      const lines = stdout.split("\n").filter((l) => l !== "");
      const at = lines.findIndex((l) => l.startsWith(MARK));
      const logs = at < 0 ? lines : lines.slice(0, at);
      const ours = lines.slice(Math.max(at, 0)).filter((l) => l.startsWith(MARK)).map((l) => l.slice(MARK.length));
      const out = ours[ours.length - 1];
      if (at >= 0 && out === "ok") resolve({ ok: true, result: JSON.parse(ours.filter((l) => l.startsWith("part ")).map((l) => l.slice(5)).join("")), logs });
      else resolve({ ok: false, error: out?.startsWith("error ") ? out.slice(6) : `${stderr}${stdout}`.trim() || String(err), logs });
    });
  });
}
