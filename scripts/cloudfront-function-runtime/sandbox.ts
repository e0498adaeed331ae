/**
 * Creates the fresh `node:vm` context one function run executes in: code generation from strings off (so `eval` and
 * `new Function` throw, as the runtime documents), microtasks drained inside each evaluation (so an async handler
 * finishes within the compute budget, with no timers or I/O to wait for), and the runtime 2.0 globals from
 * `prelude.ts`, backed by the host helpers here.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
import { createHash, createHmac } from "node:crypto";
import querystring from "node:querystring";
import type { ParsedUrlQueryInput } from "node:querystring";
import vm from "node:vm";
import type { KvsStore } from "./kvs";
import { PRELUDE } from "./prelude";

/** "Function logs in CloudFront Functions are truncated at 10 KB." */
export const LOG_LIMIT_BYTES = 10 * 1024;

type Data = string | ArrayBufferView;

const prelude = new vm.Script(PRELUDE, { filename: "cloudfront-js-2.0-prelude.js" });

const toBuffer = (data: Data) => (typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength));

function digest(kind: "hash" | "hmac", algorithm: string, key: Data, parts: Data[], encoding?: "hex" | "base64" | "base64url") {
  const h = kind === "hash" ? createHash(algorithm) : createHmac(algorithm, toBuffer(key));
  for (let i = 0; i < parts.length; i++) h.update(toBuffer(parts[i] as Data));
  // Runtime 2.0: "Return type is changed to Buffer if no encoding is provided".
  return encoding === undefined ? h.digest() : h.digest(encoding);
}

/** A context ready to run one function, the lines that function logs, and its key value store reads so far. */
export interface Sandbox {
  context: vm.Context;
  logs: string[];
  kvsReads(): number;
}

/**
 * Builds a sandbox whose `Date` is frozen at `now`, whose `cf.kvs()` reads `kvs`, and in which `cloudfrontLocal`
 * (the name a function imports `cloudfront` as) is bound.
 */
export function createSandbox(opts: { now: number; kvs?: KvsStore; cloudfrontLocal?: string }): Sandbox {
  const logs: string[] = [];
  let logged = 0;
  let reads = 0;
  const host = {
    kvsRead() {
      reads++;
    },
    now: opts.now,
    cloudfrontLocal: opts.cloudfrontLocal ?? null,
    kvsJson: opts.kvs ? JSON.stringify(opts.kvs) : null,
    log(line: string) {
      if (logged >= LOG_LIMIT_BYTES) return;
      const room = LOG_LIMIT_BYTES - logged;
      const kept = Buffer.byteLength(line) <= room ? line : Buffer.from(line).subarray(0, room).toString("utf8");
      logged += Buffer.byteLength(line);
      logs.push(kept);
    },
    digest,
    qsParse: (s: string, sep?: string, eq?: string, o?: querystring.ParseOptions) => JSON.stringify(querystring.parse(String(s), sep, eq, o)),
    qsStringify: (o: ParsedUrlQueryInput, sep?: string, eq?: string, opt?: querystring.StringifyOptions) => querystring.stringify(o, sep, eq, opt),
    qsEscape: (s: string) => querystring.escape(String(s)),
    qsUnescape: (s: string) => querystring.unescape(String(s)),
    atob: (s: string) => atob(s),
    btoa: (s: string) => btoa(s),
    Buffer,
    TextEncoder,
    TextDecoder,
  };
  const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false }, microtaskMode: "afterEvaluate" });
  (prelude.runInContext(context) as (h: typeof host) => void)(host);
  return { context, logs, kvsReads: () => reads };
}
