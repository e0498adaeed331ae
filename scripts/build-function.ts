/**
 * Builds the CloudFront Function (`dist/check-auth-function/index.js`, runtime cloudfront-js-2.0) and its
 * KeyValueStore's initial content (`kvs.json`, CloudFront's import format).
 *
 * esbuild compiles the TypeScript with every syntax feature the runtime lacks turned off, into one IIFE; the build
 * then adds what CloudFront expects around it: `import cf from 'cloudfront'` (to read the key value store) and a
 * top-level `async function handler(event)`. The result is checked by the runtime emulator's own rules
 * (scripts/cloudfront-function-runtime) and against the 10 KB limit before it is written: a function CloudFront would refuse
 * fails the build.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import type { AuthConfig } from "../shared/config/resolve";
import { functionConfigFor, functionFeatures } from "../shared/function/config";
import { SESSION_KEY } from "../shared/viewer/session-cookie";
import { PAGE_STYLE, PAGE_STYLE_KEY } from "../shared/viewer/page";
import type { FunctionSpec } from "../shared/catalogue";
import { CloudFrontFunctionError } from "./cloudfront-function-runtime/errors";
import { MAX_FUNCTION_BYTES, loadCloudFrontFunction } from "./cloudfront-function-runtime/runtime";
import { BuildError } from "./build-error";

const root = resolve(__dirname, "..");

/** The built function is over CloudFront Functions' 10 KB: the config asks for more than fits. */
export class FunctionTooLargeError extends BuildError {}

/**
 * The top-level binding of `require('crypto')` the wrapper adds, which shared/viewer/crypto.ts stands for. Short:
 * esbuild never gives one of its own names a name the code reads as a global (as it does this one), so it cannot clash
 * (and a clash would be a second declaration, which the emulator's check below refuses).
 */
const CRYPTO = "cr";

/** shared/viewer/crypto.ts, in the function: the module the wrapper loaded at the top level. */
const cryptoModule: Plugin = {
  name: "cloudfront-function-crypto",
  setup(b) {
    b.onResolve({ filter: /(^|\/)crypto$/ }, (args) => (args.importer.includes("viewer") ? { path: "crypto", namespace: "cff-crypto" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "cff-crypto" }, () => ({ contents: `export const crypto = () => ${CRYPTO};`, loader: "js" }));
  },
};

/**
 * Property names of our own shapes inside the function, which esbuild shortens to a letter or two: the baked config
 * (shared/function/config.ts) and the small objects of shared/viewer (path forms, glob sets, rules, the session
 * check, the request view). Never a name the runtime gives or reads (the event, the response, `cf.kvs()`), a name
 * the session cookie's JSON holds (parsed at run time), or a built-in's: test/unit/scripts/build-function.test.ts
 * checks the list against those. A name left out here is only longer, never wrong.
 */
export const MANGLED_PROPS = [
  // FunctionConfig, FunctionSiteConfig
  "sites", "errors", "hosts", "clientId", "paths", "signIn", "refresh", "signOut", "publicPaths", "apiPaths", "rules", "rulesFingerprint",
  "sessionCookie", "signedInMarker", "refreshedMarker", "cookieDomain", "indexRewrite", "spaFallback", "forwardIdentity", "securityHeaders",
  // GlobSet, CompiledRule, CompiledSelector, PathForms
  "exact", "prefixes", "general", "groups", "raw", "normalized", "methods", "include", "require", "exclude", "kind", "list", "ranges", "claim",
  // SessionCheck, groupsHeader's answer, the request view (navigation, redirect)
  "ok", "why", "session", "truncated", "header",
] as const;

/** The config module the function's `__FUNCTION_CONFIG__` is bound to (esbuild `inject`). */
const CONFIG_MODULE = "cloudfront-function-config";

/**
 * The baked config as a module, not a `define`: esbuild shortens the keys of an object literal in the code (quoted
 * ones too, with `mangleQuoted`) but not those of a define. Every key must be one of MANGLED_PROPS, so shortened
 * consistently, except the error codes (data, looked up by a string at run time), which must not be.
 */
function configModule(all: Pick<AuthConfig, "sites">): Plugin {
  const config = functionConfigFor(all);
  const mangled = new Set<string>(MANGLED_PROPS);
  const check = (v: unknown, where: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => check(x, `${where}[${i}]`));
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        if (!mangled.has(k)) throw new BuildError(`check-auth-function: the baked config's key ${where}.${k} is not in MANGLED_PROPS (scripts/build-function.ts)`);
        if (k !== "errors") check(x, `${where}.${k}`);
      }
  };
  check(config, "config");
  for (const code of Object.keys(config.errors)) if (mangled.has(code)) throw new BuildError(`check-auth-function: the error code ${code} is also a name in MANGLED_PROPS`);
  return {
    name: "cloudfront-function-config",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^${CONFIG_MODULE}$`) }, () => ({ path: CONFIG_MODULE, namespace: "cff-config" }));
      b.onLoad({ filter: /.*/, namespace: "cff-config" }, () => ({ contents: moduleSource("__FUNCTION_CONFIG__", config), loader: "js" }));
    },
  };
}

/** A part of a value bound to a constant in `moduleSource`. */
class Shared {
  constructor(readonly name: string) {}
}

/**
 * `export const <name> = <value>;` as JavaScript, with every part the value holds more than once (security headers
 * or globs several sites inherit, the same link under several error pages) bound once to a constant and referred
 * to by name. Greedy: the part that saves the most bytes first, until none saves any.
 */
export function moduleSource(name: string, value: unknown): string {
  const key = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x instanceof Shared ? `\u0000${x.name}` : x));
  const map = (v: unknown, f: (x: unknown) => unknown): unknown =>
    Array.isArray(v) ? v.map(f) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, f(x)])) : v;
  const bodies = new Map<string, unknown>();
  let root = value;
  for (;;) {
    const seen = new Map<string, { value: unknown; count: number }>();
    const count = (v: unknown): void => {
      if (v instanceof Shared || v === null || (typeof v !== "object" && typeof v !== "string")) return;
      const k = key(v);
      const e = seen.get(k);
      if (e) e.count++;
      else seen.set(k, { value: v, count: 1 });
      map(v, count);
    };
    count(root);
    for (const body of bodies.values()) map(body, count);
    // Written n times: n × length. Shared: one declaration (length + ~4) and n references (~2 each).
    let best: string | undefined;
    let bestSaving = 0;
    for (const [k, e] of seen) {
      const saving = (e.count - 1) * k.length - 2 * e.count - 4;
      if (e.count > 1 && saving > bestSaving) [best, bestSaving] = [k, saving];
    }
    if (best === undefined) break;
    const ref = new Shared(`v${bodies.size}`);
    const replace = (v: unknown): unknown => (v instanceof Shared ? v : key(v) === best ? ref : map(v, replace));
    const body = seen.get(best)!.value;
    root = replace(root);
    for (const [n, b] of bodies) bodies.set(n, map(b, replace));
    bodies.set(ref.name, body);
  }
  const js = (v: unknown): string =>
    v instanceof Shared
      ? v.name
      : Array.isArray(v)
        ? `[${v.map(js).join(",")}]`
        : v && typeof v === "object"
          ? `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${js(x)}`).join(",")}}`
          : JSON.stringify(v);
  // Declarations before their first use: each after the ones its body refers to.
  const out: string[] = [];
  const declared = new Set<string>();
  const declare = (v: unknown): void => {
    if (v instanceof Shared) {
      if (declared.has(v.name)) return;
      declared.add(v.name);
      declare(bodies.get(v.name));
      out.push(`const ${v.name} = ${js(bodies.get(v.name))};`);
    } else map(v, (x) => (declare(x), x));
  };
  declare(root);
  out.push(`export const ${name} = ${js(root)};`);
  return out.join("\n");
}

/** The syntax the runtime does not have, for esbuild to never emit (and to refuse if it cannot lower it). */
const UNSUPPORTED = [
  "class", "class-field", "class-private-accessor", "class-private-brand-check", "class-private-field", "class-private-method",
  "class-private-static-accessor", "class-private-static-field", "class-private-static-method", "class-static-blocks",
  "class-static-field", "destructuring", "default-argument", "for-of", "for-await", "generator", "async-generator",
  "logical-assignment", "nullish-coalescing", "object-extensions", "object-rest-spread", "optional-catch-binding",
  "optional-chain", "bigint", "regexp-sticky-and-unicode-flags", "regexp-named-capture-groups", "regexp-dot-all-flag",
  "regexp-lookbehind-assertions", "regexp-match-indices", "regexp-set-notation", "regexp-unicode-property-escapes",
  "top-level-await", "import-meta", "dynamic-import", "nested-rest-binding", "new-target", "using", "decorators",
] as const;

/**
 * Switches the minifier folds: code for a feature the config does not use (picking a site by Host, identity
 * headers, rules, API paths, general globs, each kind of rule selector, rule methods) is left out of the function
 * altogether.
 */
export function functionDefines(all: Pick<AuthConfig, "sites">): Record<string, string> {
  const f = functionFeatures(all);
  return {
    __ANY_HOST__: String(f.anyHost),
    __FORWARD_IDENTITY__: String(f.forwardIdentity),
    __HAS_RULES__: String(f.rules),
    __HAS_API_PATHS__: String(f.apiPaths),
    __GENERAL_GLOBS__: String(f.generalGlobs),
    __SEL_EMAILS__: String(f.emailSelectors),
    __SEL_CLAIM__: String(f.claimSelectors),
    __SEL_IP__: String(f.ipSelectors),
    __RULE_METHODS__: String(f.ruleMethods),
    __GROUPS_ONLY__: String(f.groupsOnly),
  };
}

/** The function's code for a config: bundled, wrapped, checked. */
export async function functionCode(all: Pick<AuthConfig, "sites">, entry: string): Promise<string> {
  const r = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    plugins: [cryptoModule, configModule(all)],
    inject: [CONFIG_MODULE],
    target: "es2017",
    supported: Object.fromEntries(UNSUPPORTED.map((f) => [f, false])),
    minify: true,
    mangleProps: new RegExp(`^(${MANGLED_PROPS.join("|")})$`),
    mangleQuoted: true,
    legalComments: "none",
    logLevel: "silent",
    define: functionDefines(all),
  }).catch((err: { errors?: { text: string }[] }) => {
    throw new BuildError(`check-auth-function: does not compile to CloudFront Functions' JavaScript: ${err.errors?.map((e) => e.text).join("; ") ?? String(err)}`);
  });
  const body = r.outputFiles[0]!.text.trim();
  // esbuild ends an ES module with `export{<local> as handler};`: the handler becomes a top-level function.
  const m = /export\s*\{\s*([\w$]+) as handler\s*\};?$/.exec(body);
  if (!m) throw new BuildError("check-auth-function: the entry must export a handler");
  const code = body.slice(0, m.index).trim();
  return `import cf from 'cloudfront';\nconst ${CRYPTO}=require('crypto');\n${code}\nasync function handler(event) {return ${m[1]}(event)}\n`;
}

/** CloudFront's KeyValueStore import format: `{"data":[{"key":…,"value":…}]}`. */
export function kvsContent(all: Pick<AuthConfig, "edge">): string {
  return `${JSON.stringify({ data: [{ key: SESSION_KEY, value: all.edge.session.signingSecret }, { key: PAGE_STYLE_KEY, value: PAGE_STYLE }] })}\n`;
}

/** Builds `dist/<name>/index.js` and `kvs.json`; returns the code's size in bytes. */
export async function buildCloudFrontFunction(spec: FunctionSpec, config: Pick<AuthConfig, "sites" | "edge">, outdir: string): Promise<number> {
  if (config.edge.session.signingSecret.length < 43) throw new BuildError("session.signingSecret: must be base64url of at least 32 random bytes");
  const code = await functionCode(config, spec.entry);
  const size = Buffer.byteLength(code);
  if (size > MAX_FUNCTION_BYTES) throw new FunctionTooLargeError(`${spec.name}: ${size} bytes of code, over CloudFront Functions' 10 KB limit (fewer publicPaths, apiPaths or rules help)`);
  try {
    // The runtime's rules, as the emulator holds them: syntax, modules, the handler.
    loadCloudFrontFunction(code, { kvs: JSON.parse(kvsContent(config)) });
  } catch (err) {
    if (err instanceof CloudFrontFunctionError) throw new BuildError(`${spec.name}: CloudFront would refuse the built function: ${err.message}`);
    throw err;
  }
  const dir = join(outdir, spec.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.js"), code);
  writeFileSync(join(dir, "kvs.json"), kvsContent(config), { mode: 0o600 });
  return size;
}
