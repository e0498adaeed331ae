/**
 * The config pipeline's shared vocabulary: what the build hands in (`ResolveExtra`), what comes out (`Result`,
 * `AuthConfig`, `ResolvedSite`), and how each part reports a problem (`Fail`, in the words of `typeError`). The
 * parts (resolve-sites, resolve-edge, resolve-provider, resolve-triggers, resolve-deploy, resolve-warnings) and the
 * entry point (resolve.ts) share it; it imports none of them.
 */
import type { Jwks } from "aws-jwt-verify/jwk";
import type { ResolvedConfig, DeployConfig, TriggersConfig } from "./types";

/** What the build prepares before resolving: the fetched JWKS, a generated nonce secret, error page contents. */
export interface ResolveExtra {
  /** Keys for a config without `jwks` (one provider). */
  jwks?: Jwks;
  /** Keys the build fetched, by JWKS URI (one entry per provider, for several sites). */
  jwksByUri?: Record<string, Jwks>;
  /** Error page templates the build read, by the path the config names them with. */
  templates?: Record<string, string>;
  /** OpenID Connect discovery documents the build fetched, by issuer. */
  discovery?: Record<string, Record<string, unknown>>;
  nonceSigningSecret?: string;
  sessionSigningSecret?: string;
  errorPages?: Record<string, string>;
}

/** One site: its host names (`*` for any host when the config has no `sites`) and its resolved edge config. */
export interface ResolvedSite {
  hosts: string[];
  config: ResolvedConfig;
}

/** The whole file resolved: every site's edge config, the triggers and the deploy part. */
export interface AuthConfig {
  /** The first (or only) site's edge config. */
  edge: ResolvedConfig;
  /** Every site the deployment serves; one site matching any host when the config has no `sites`. */
  sites: ResolvedSite[];
  triggers: TriggersConfig;
  deploy: DeployConfig;
}

/** The edge part's result (what `resolveConfig` returns). */
export type ConfigResult = Result<ResolvedConfig>;

export type Result<T> = { ok: true; config: T; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

/** The raw file (or a part of it) as JSON gave it. */
export type Raw = Record<string, unknown>;
/** Whether `v` is a plain JSON object. */
export const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
/** Host names whose http:// URLs are accepted (local emulators). */
export const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Reports one problem: `field: why`. */
export type Fail = (field: string, why: string) => void;

/** Messages for wrong types, in the words the rest of the messages use. */
export function typeError(iss: { code: string; input?: unknown; expected?: string }): string | undefined {
  if (iss.code !== "invalid_type") return undefined;
  if (iss.input === undefined) return "is required";
  const expected: Record<string, string> = { boolean: "true or false", object: "an object", array: "an array", number: "a number", int: "a whole number", string: "a string" };
  return `must be ${expected[iss.expected ?? ""] ?? `a ${iss.expected}`}, got ${typeOf(iss.input)}`;
}

function typeOf(v: unknown): string {
  return Array.isArray(v) ? "an array" : v === null ? "null" : `a ${typeof v}`;
}

/** Whether `url` is an http(s) URL on a local host. */
export function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}
