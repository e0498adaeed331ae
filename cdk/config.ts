/**
 * The config as the CDK constructs read it at synth: a path or an object, run through the one config pipeline
 * (shared/config/resolve.ts), with the pool's ids merged in when they come from elsewhere and the generated secrets
 * kept in a file between synths, so an unchanged config builds identical bundles (nothing republished).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Token } from "aws-cdk-lib";
import { ConfigError, readConfigFile, resolveOrThrow } from "../shared/config/load";
export { absolutePaths } from "../shared/config/load";
import { missingDeployKeys, resolveDeployConfig } from "../shared/config/resolve";
import type { AuthConfig } from "../shared/config/resolve";

/** The raw config: what `auth.config.json` holds (see auth.config.schema.json). */
export type AuthConfigInput = Record<string, unknown>;

/**
 * The ids of an existing user pool and app client, for configs that do not carry them (e.g. a pool created by
 * `EdgeAuthUserPool` in an earlier deploy). Every value must be known at synth: Lambda@Edge has no environment
 * variables, so the ids are baked into the functions' code.
 */
export interface PoolIds {
  /** The user pool id, e.g. `eu-west-1_AbC123`. */
  readonly userPoolId: string;
  /** The app client id. */
  readonly clientId: string;
  /** The Hosted UI domain: a host (`auth.example.com`, `<prefix>.auth.<region>.amazoncognito.com`) or an https URL. */
  readonly domain: string;
  /** The app client's secret, for a confidential client. Default: none (a public client, PKCE alone). */
  readonly clientSecret?: string;
}

/**
 * Sites need an app client each, and `EdgeAuthUserPool` (like `userPool` ids) stands for one: with `sites`, the
 * clients are the user's (npm run deploy creates one per site).
 */
export const SITES_NEED_CLIENTS = (label: string) =>
  `invalid config ${label}:\n  sites: each site needs an app client of its own, and EdgeAuthUserPool / EdgeAuth's userPool give one: ` +
  "create the pool and one app client per site in your stack (cognito.UserPool, addClient), deploy them, and put each site's clientId " +
  "(and the pool's userPoolId and domain) in the config; or use npm run deploy, which creates a client per site";

/** What a synth needs: the resolved config, and the raw config to hand to the build (secrets filled in). */
export interface SynthConfig {
  /** The resolved config (edge, triggers, deploy). */
  readonly config: AuthConfig;
  /** The raw config the build bakes in: the input, pool ids merged, secrets filled in, paths made absolute. */
  readonly raw: AuthConfigInput;
  /** Names the config in messages: its path, or "EdgeAuth config" for an object. */
  readonly label: string;
}

/** The secrets the build would otherwise generate anew at each synth. */
interface KeptSecrets {
  nonceSigningSecret: string;
  sessionSigningSecret: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads the config (a path, relative to the current directory, or an object) as a fresh raw object. */
export function readInput(input: string | AuthConfigInput): { raw: AuthConfigInput; label: string; baseDir: string } {
  if (typeof input === "string") {
    const path = resolve(input);
    return { raw: readConfigFile(path), label: path, baseDir: dirname(path) };
  }
  if (!isObject(input)) throw new ConfigError("EdgeAuth config: must be a path or an object");
  return { raw: JSON.parse(JSON.stringify(input)) as AuthConfigInput, label: "EdgeAuth config", baseDir: process.cwd() };
}

/** The config with pool ids from elsewhere: the pool is then an existing one for the edge functions. */
export function withPoolIds(raw: AuthConfigInput, ids: PoolIds, label: string): AuthConfigInput {
  if (raw.sites !== undefined) throw new ConfigError(SITES_NEED_CLIENTS(label));
  for (const [key, value] of Object.entries(ids)) {
    if (typeof value === "string" && Token.isUnresolved(value))
      throw new ConfigError(
        `${label}: userPool.${key} is a token (a value known only at deploy time), but the edge functions need it at synth: ` +
          "Lambda@Edge has no environment variables, so it is baked into their code. Deploy the pool first and pass its ids as strings " +
          "(docs/deploy-cdk.md#a-new-user-pool-two-phases).",
      );
  }
  return {
    ...raw,
    userPoolId: ids.userPoolId,
    clientId: ids.clientId,
    domain: ids.domain,
    ...(ids.clientSecret ? { clientSecret: ids.clientSecret } : {}),
    deploy: { ...(isObject(raw.deploy) ? raw.deploy : {}), createUserPool: false },
  };
}

/**
 * Secrets kept in `file` (created with mode 0600 when missing): the config's own values win. Without this, each
 * synth would generate new ones, change every bundle and republish every function.
 */
export function keptSecrets(raw: AuthConfigInput, file: string): AuthConfigInput {
  let kept: Partial<KeptSecrets> = {};
  if (existsSync(file)) {
    try {
      kept = JSON.parse(readFileSync(file, "utf8")) as Partial<KeptSecrets>;
    } catch {
      throw new ConfigError(`secrets file ${file}: is not valid JSON; delete it to generate new secrets (pending sign-ins then start again)`);
    }
  }
  const next: KeptSecrets = {
    nonceSigningSecret: kept.nonceSigningSecret ?? randomBytes(32).toString("base64url"),
    sessionSigningSecret: kept.sessionSigningSecret ?? randomBytes(32).toString("base64url"),
  };
  if (next.nonceSigningSecret !== kept.nonceSigningSecret || next.sessionSigningSecret !== kept.sessionSigningSecret) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  }
  const session = isObject(raw.session) ? raw.session : {};
  return {
    ...raw,
    nonceSigningSecret: raw.nonceSigningSecret ?? next.nonceSigningSecret,
    session: { ...session, signingSecret: session.signingSecret ?? next.sessionSigningSecret },
  };
}

/**
 * Validates a config for the edge part, every problem at once, each naming its field (the messages of
 * `resolveAuthConfig`). A config that asks for a created pool and has no ids fails with the CDK way to get them.
 */
export function resolveForSynth(raw: AuthConfigInput, label: string, warn: (line: string) => void): AuthConfig {
  const d = resolveDeployConfig(raw);
  const missing = d.ok ? missingDeployKeys(d.config) : [];
  if (missing.length) throw new ConfigError(`invalid config ${label}:\n  ${missing.join("\n  ")}`);
  if (d.ok && d.config.createUserPool && raw.userPoolId === undefined)
    throw new ConfigError(
      `invalid config ${label}:\n  userPoolId: is required: this config creates its user pool (deploy.createUserPool), whose ids exist only ` +
        "once it is deployed, and the edge functions need them at synth. Deploy an EdgeAuthUserPool stack first and pass its ids " +
        "as `userPool` (docs/deploy-cdk.md#a-new-user-pool-two-phases), or put userPoolId, clientId and domain of an existing pool in the config",
    );
  // Keys and error pages are read by the build; stand-ins let everything else be checked now, without a network call.
  const errorPages = isObject(raw.errorPages) ? Object.fromEntries(Object.keys(raw.errorPages).map((k) => [k, ""])) : {};
  return resolveOrThrow(raw, label, { jwks: { keys: [] }, nonceSigningSecret: "x".repeat(32), sessionSigningSecret: "x".repeat(43), errorPages }, warn);
}
