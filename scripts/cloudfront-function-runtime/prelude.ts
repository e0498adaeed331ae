/**
 * JavaScript that runs inside each fresh sandbox context before the function, turning a plain V8 context into the
 * runtime 2.0 environment: only the globals and methods the runtime page lists, `Date` frozen at the run's start,
 * `console.log` only, and stand-ins for `require('crypto')`, `require('querystring')` and the `cloudfront` module.
 * It is evaluated as `(function (host) {...})` and called with the host helpers from `sandbox.ts`; everything the
 * function can touch is created in the context itself, except `Buffer`, `TextEncoder` and `TextDecoder`.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
export const PRELUDE = String.raw`(function (host) {
  "use strict";
  var G = globalThis, construct = Reflect.construct, defineProperty = Object.defineProperty;
  var getDescriptor = Object.getOwnPropertyDescriptor, hasOwn = Object.prototype.hasOwnProperty;
  var RealDate = Date, P = Promise, parse = JSON.parse, stringify = JSON.stringify, slice = Array.prototype.slice;
  function drop(target, name) {
    var d = getDescriptor(target, name);
    if (d && d.configurable) delete target[name];
  }

  // The globals the runtime 2.0 page lists (plus Boolean, an ES 5.1 type); the rest of V8's go (Map, Set, Proxy,
  // Reflect, Intl, BigInt, WebAssembly, SharedArrayBuffer, ...). eval and Function stay but throw, as documented,
  // because the context is created with code generation from strings disabled.
  var KEEP = ("Object Function Array Number Boolean String Symbol Date Promise RegExp JSON Math ArrayBuffer DataView " +
    "Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float32Array Float64Array " +
    "Error EvalError RangeError ReferenceError SyntaxError TypeError URIError globalThis eval parseFloat parseInt " +
    "isFinite isNaN decodeURI decodeURIComponent encodeURI encodeURIComponent NaN Infinity undefined").split(" ");
  Object.getOwnPropertyNames(G).forEach(function (name) { if (KEEP.indexOf(name) < 0) drop(G, name); });

  // Methods newer than ES 5.1 that the page does not list.
  var typedArray = Object.getPrototypeOf(Uint8Array.prototype);
  [[Object, "fromEntries getOwnPropertySymbols hasOwn groupBy"], [Array, "from"],
    [Array.prototype, "at entries flat flatMap keys values findLast findLastIndex toReversed toSorted toSpliced with"],
    [String, "raw"], [String.prototype, "at matchAll normalize isWellFormed toWellFormed"], [Promise, "withResolvers"],
    [typedArray, "at entries keys values findLast findLastIndex toReversed toSorted with"],
    [ArrayBuffer.prototype, "resize transfer transferToFixedLength"]
  ].forEach(function (pair) { pair[1].split(" ").forEach(function (name) { drop(pair[0], name); }); });

  // "Date always returns the same value—the function's start time—during the lifetime of a single function run."
  var start = host.now;
  function CloudFrontDate(year, month, day, hours, minutes, seconds, ms) {
    if (!new.target) return new RealDate(start).toString();
    return construct(RealDate, arguments.length ? slice.call(arguments) : [start], new.target);
  }
  CloudFrontDate.prototype = RealDate.prototype;
  defineProperty(RealDate.prototype, "constructor", { value: CloudFrontDate, writable: true, configurable: true });
  CloudFrontDate.now = function now() { return start; };
  CloudFrontDate.parse = RealDate.parse;
  CloudFrontDate.UTC = RealDate.UTC;

  function InternalError(message) { return construct(Error, arguments, new.target || InternalError); }
  InternalError.prototype = Object.create(Error.prototype, {
    constructor: { value: InternalError, writable: true, configurable: true },
    name: { value: "InternalError", writable: true, configurable: true },
  });

  // "It only supports the log() method"; "CloudFront Functions doesn't support comma syntax": one argument is logged.
  function show(value) {
    if (typeof value === "string") return value;
    try { var json = stringify(value); return json === undefined ? String(value) : json; } catch (e) { return String(value); }
  }
  var console = { log: function log(message) { host.log(show(message)); } };

  var ALGORITHMS = ["md5", "sha1", "sha256"], ENCODINGS = ["hex", "base64", "base64url"];
  function isData(value) { return typeof value === "string" || ArrayBuffer.isView(value); }
  function digester(kind, algorithm, key) {
    if (ALGORITHMS.indexOf(algorithm) < 0) throw new TypeError("not supported algorithm: \"" + algorithm + "\"");
    var parts = [], done = false, self = {
      update: function update(data) {
        if (done) throw new Error("Digest already called");
        if (!isData(data)) throw new TypeError("data must be a string or a Buffer");
        parts.push(data);
        return self;
      },
      digest: function digest(encoding) {
        if (done) throw new Error("Digest already called");
        if (encoding !== undefined && ENCODINGS.indexOf(encoding) < 0) throw new TypeError("Unknown digest encoding: \"" + encoding + "\"");
        done = true;
        return host.digest(kind, algorithm, key, parts, encoding);
      },
    };
    return self;
  }
  var crypto = {
    createHash: function createHash(algorithm) { return digester("hash", algorithm); },
    createHmac: function createHmac(algorithm, key) {
      if (!isData(key)) throw new TypeError("key must be a string or a Buffer");
      return digester("hmac", algorithm, key);
    },
  };

  var querystring = {
    parse: function parse_(s, sep, eq, options) { return parse(host.qsParse(s, sep, eq, options)); },
    stringify: function stringify_(o, sep, eq, options) { return host.qsStringify(o, sep, eq, options); },
    escape: function escape(s) { return host.qsEscape(s); },
    unescape: function unescape(s) { return host.qsUnescape(s); },
  };
  querystring.decode = querystring.parse;
  querystring.encode = querystring.stringify;

  // The key value store helpers: get(key, { format }), exists(key), meta(); a missing key rejects.
  var store = host.kvsJson === null ? null : parse(host.kvsJson);
  function kvs(id) {
    if (!store) throw new Error("no key value store is associated with this function");
    if (id !== undefined && store.id !== undefined && id !== store.id) throw new Error("the key value store \"" + id + "\" is not associated with this function");
    var entries = store.entries;
    return {
      get: function get(key, options) {
        host.kvsRead();
        return new P(function (resolve, reject) {
          var format = options && options.format !== undefined ? options.format : "string";
          if (!hasOwn.call(entries, key)) return reject(new Error("KeyNotFound"));
          if (format === "string") return resolve(entries[key]);
          if (format === "json") return resolve(parse(entries[key]));
          if (format === "bytes") return resolve(host.Buffer.from(entries[key], "utf8"));
          reject(new TypeError("unknown format \"" + format + "\""));
        });
      },
      exists: function exists(key) { return P.resolve(hasOwn.call(entries, key)); },
      meta: function meta() {
        return P.resolve({ creationDateTime: store.creationDateTime, lastUpdatedDateTime: store.lastUpdatedDateTime, keyCount: Object.keys(entries).length });
      },
    };
  }
  function notEmulated(name) { return function () { throw new Error("cf." + name + "() is not emulated locally"); }; }
  var cloudfront = { kvs: kvs, updateRequestOrigin: notEmulated("updateRequestOrigin"),
    selectRequestOriginById: notEmulated("selectRequestOriginById"), createRequestOriginGroup: notEmulated("createRequestOriginGroup") };

  function require(name) {
    if (name === "crypto") return crypto;
    if (name === "querystring") return querystring;
    throw new Error("Cannot find module \"" + name + "\"");
  }

  var globals = { Date: CloudFrontDate, InternalError: InternalError, console: console, require: require, Buffer: host.Buffer,
    TextEncoder: host.TextEncoder, TextDecoder: host.TextDecoder,
    atob: function atob(s) { return host.atob(String(s)); }, btoa: function btoa(s) { return host.btoa(String(s)); } };
  Object.keys(globals).forEach(function (name) { defineProperty(G, name, { value: globals[name], writable: true, configurable: true }); });
  // Stands for "import <local> from 'cloudfront'", an immutable binding.
  if (host.cloudfrontLocal) defineProperty(G, host.cloudfrontLocal, { value: cloudfront, enumerable: true });
})`;
