/**
 * Reading `auth.config.json` and running it through the pipeline, for the build and the deploy scripts: a JSON
 * syntax error names the line and column, and every config problem is reported at once, naming its field.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { getLocation, parse, printParseErrorCode } from "jsonc-parser";
import type { ParseError } from "jsonc-parser";
import { fieldName } from "./issues";
import { missingDeployKeys, resolveAuthConfig, resolveDeployConfig } from "./resolve";
import type { AuthConfig, ResolveExtra } from "./resolve";

/** A problem with the config file: printed as it is, without a stack. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** What a JSON syntax error means, in words ("expected a value"), by the parser's name for it (`ValueExpected`). */
export const SYNTAX_ERROR_WORDS: Readonly<Record<string, string>> = {
  InvalidSymbol: "unexpected character (JSON has no comments, single quotes or bare words)",
  InvalidNumberFormat: "not a valid number",
  PropertyNameExpected: "expected a key in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: 'expected ":" after the key',
  CommaExpected: 'expected a comma (",") between two entries',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the list',
  EndOfFileExpected: "expected the end of the file after the object",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "a comment that never ends (and comments are not allowed in JSON)",
  UnexpectedEndOfString: 'a string that never ends (a missing closing ")',
  UnexpectedEndOfNumber: "a number that ends too early",
  InvalidUnicode: "an invalid \\u escape in a string",
  InvalidEscapeCharacter: "an invalid escape (a backslash) in a string",
  InvalidCharacter: "a control character (a tab or a line break) inside a string",
};

/** Parses JSON; a syntax error names the file, line and column, and what was expected, in words. */
export function parseConfigText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's messages differ between Node versions and do not always give a position: ask a parser
    // that reports offsets (the one VS Code uses), in strict JSON mode.
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const at = first ? lineAndColumn(text, first.offset) : { line: 1, column: 1 };
    const what = (first && SYNTAX_ERROR_WORDS[printParseErrorCode(first.error)]) ?? SYNTAX_ERROR_WORDS.InvalidSymbol!;
    const path = (first ? getLocation(text, first.offset).path : []).filter((p) => p !== "");
    const where = path.length ? ` (in ${fieldName(path)})` : "";
    throw new ConfigError(`config file ${file} is not valid JSON: ${what} at line ${at.line}, column ${at.column}${where}`);
  }
}

/** The raw config object of a file. */
export function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) {
    throw new ConfigError(`config file ${path} not found: copy auth.config.example.json to auth.config.json and fill it in, or set AUTH_CONFIG`);
  }
  const raw = parseConfigText(readFileSync(path, "utf8"), path);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConfigError(`config file ${path}: must be a JSON object`);
  return raw as Record<string, unknown>;
}

/** Edge values that a created pool provides: stand-ins so the rest of the config can be resolved offline. */
export function withPoolPlaceholders(raw: Record<string, unknown>, domainHost: string): Record<string, unknown> {
  return {
    ...raw,
    // The stand-ins are the pool's keys now: resolve them as an existing pool's.
    deploy: { ...(raw.deploy as object | undefined), createUserPool: false },
    userPoolId: `${String(raw.region ?? "us-east-1")}_PLACEHOLDER`,
    clientId: "placeholderclientid",
    // Each site gets a client of its own from the new pool; until then, a stand-in of its own.
    ...(Array.isArray(raw.sites) ? { sites: raw.sites.map((site: unknown, i: number) => ({ ...(site as object), clientId: `placeholderclientid${i + 1}` })) } : {}),
    domain: domainHost,
    jwks: raw.jwks ?? { keys: [{ kty: "RSA", kid: "placeholder", alg: "RS256", use: "sig", n: "placeholder", e: "AQAB" }] },
  };
}

/** Resolves a raw config; throws ConfigError listing every problem. Warnings go to `log`. */
export function resolveOrThrow(raw: Record<string, unknown>, file: string, extra: ResolveExtra = {}, log: (line: string) => void = console.log): AuthConfig {
  const r = resolveAuthConfig(raw, extra);
  for (const w of r.warnings) log(`warning: ${w}`);
  if (!r.ok) throw new ConfigError(`invalid config ${file}:\n  ${r.errors.join("\n  ")}`);
  return r.config;
}

/**
 * The whole config as the deploy scripts need it, before any pool exists: when the config creates the pool,
 * its edge part is resolved with stand-ins for the pool's keys (`domainHost` as the Hosted UI), and keys are
 * not required (the build fetches them later).
 */
export function resolveForDeploy(raw: Record<string, unknown>, file: string, domainHost = "placeholder.example.com", log?: (line: string) => void): AuthConfig {
  const d = resolveDeployConfig(raw);
  const errors = d.ok ? missingDeployKeys(d.config) : d.errors;
  if (!d.ok || errors.length) throw new ConfigError(`invalid config ${file}:\n  ${errors.join("\n  ")}`);
  const edgeRaw = d.config.createUserPool ? withPoolPlaceholders(raw, domainHost) : { ...raw, jwks: raw.jwks ?? { keys: [] } };
  const c = resolveOrThrow(edgeRaw, file, { nonceSigningSecret: "x".repeat(32) }, log);
  return { ...c, deploy: d.config };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The raw config with its file paths (`errorPages`, each site's `errorPages`, `triggers.preTokenGeneration.module`)
 * made absolute against `baseDir`, the config file's folder: for a config written somewhere else (the deploy's
 * generated config in `.build/`, a CDK synth) that must still mean the user's files.
 */
export function absolutePaths(raw: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const abs = (p: unknown) => (typeof p === "string" && p !== "" && !isAbsolute(p) ? resolve(baseDir, p) : p);
  const pages = (part: Record<string, unknown>) =>
    isRecord(part.errorPages) ? { ...part, errorPages: Object.fromEntries(Object.entries(part.errorPages).map(([k, v]) => [k, abs(v)])) } : part;
  const out = pages({ ...raw });
  if (Array.isArray(raw.sites)) out.sites = raw.sites.map((site: unknown) => (isRecord(site) ? pages(site) : site));
  const t = raw.triggers;
  if (isRecord(t) && isRecord(t.preTokenGeneration) && t.preTokenGeneration.module !== undefined)
    out.triggers = { ...t, preTokenGeneration: { ...t.preTokenGeneration, module: abs(t.preTokenGeneration.module) } };
  return out;
}
