/**
 * The config pipeline: one pass turns the raw file into `{ edge, triggers, deploy }`. The schema
 * (shared/config/schema.ts) checks shapes, types and single values; this module adds the checks that involve
 * several keys, applies the defaults that depend on other keys, and reports every problem at once, each naming
 * its field (`paths.callback: must be a path starting with "/"`). Mistakes fail closed: an unknown key anywhere
 * is an error naming the closest known key.
 *
 * Pure and build-time only (the schema library never reaches a bundle).
 *
 * This module is the entry point; each part lives in its own module (resolve-sites, resolve-edge,
 * resolve-provider, resolve-triggers, resolve-deploy, resolve-warnings, with resolve-common's shared vocabulary).
 */
import { configFileSchema, deploySchema, triggersSchema } from "./schema";
import type { DeployConfig, ResolvedConfig, TriggersConfig } from "./types";
import { LOG_LEVELS } from "../triggers/claim-names";
import { formatIssues } from "./issues";
import { isObject, typeError } from "./resolve-common";
import type { AuthConfig, Fail, Raw, ResolveExtra, Result } from "./resolve-common";
import { sitesPart } from "./resolve-sites";
import { crossKeyChecksOnly } from "./resolve-provider";
import { triggersPart } from "./resolve-triggers";
import { deployPart } from "./resolve-deploy";
import { cookieDomainWarnings, usernameClaimWarnings, writableClaimWarnings } from "./resolve-warnings";

export type { AuthConfig, ConfigResult, ResolveExtra, ResolvedSite, Result } from "./resolve-common";
export { missingEndpoints } from "./resolve-provider";
export { POOL_KEYS, aliasCovers, missingDeployKeys } from "./resolve-deploy";
export { writableClaimWarnings } from "./resolve-warnings";

/** The whole file: edge, triggers and deploy parts, every problem at once. */
export function resolveAuthConfig(raw: unknown, extra: ResolveExtra = {}): Result<AuthConfig> {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isObject(raw)) return { ok: false, errors: ["config: must be a JSON object"], warnings };
  const parsed = configFileSchema.safeParse(raw, { error: typeError });
  const fail: Fail = (field, why) => errors.push(`${field}: ${why}`);
  if (!parsed.success) {
    // Every problem at once: the checks across keys still run on the values that parsed fine.
    errors.push(...formatIssues(parsed.error.issues, [], configFileSchema));
    crossKeyChecksOnly(raw, parsed.error.issues, fail);
    return { ok: false, errors, warnings };
  }
  const data = parsed.data;
  const deploy = deployPart(data.deploy ?? {}, raw, fail);
  const sites = sitesPart(data, raw, extra, deploy?.createUserPool ?? false, fail);
  const triggers = triggersPart(data.triggers ?? {}, data.logLevel, fail, warnings);
  if (sites) warnings.push(...cookieDomainWarnings(sites));
  if (errors.length || !sites || !triggers || !deploy) return { ok: false, errors, warnings };
  warnings.push(...writableClaimWarnings(sites, triggers));
  warnings.push(...usernameClaimWarnings(sites, triggers, raw));
  return { ok: true, config: { edge: sites[0]!.config, sites, triggers, deploy }, warnings };
}

/** The edge part alone (the whole file is still checked: an unknown key anywhere is an error). */
export function resolveConfig(raw: unknown, extra: ResolveExtra = {}): Result<ResolvedConfig> {
  const r = resolveAuthConfig(raw, extra);
  return r.ok ? { ok: true, config: r.config.edge, warnings: r.warnings } : r;
}

/** The `triggers` value alone (`logLevel` is the file's top-level one). */
export function resolveTriggersConfig(raw: unknown, logLevel: unknown = "info"): Result<TriggersConfig> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const parsed = triggersSchema.safeParse(raw, { error: typeError });
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues, ["triggers"], triggersSchema), warnings };
  const level = LOG_LEVELS.includes(logLevel as never) ? (logLevel as TriggersConfig["logLevel"]) : "info";
  const config = triggersPart(parsed.data ?? {}, level, (f, w) => errors.push(`${f}: ${w}`), warnings);
  return errors.length || !config ? { ok: false, errors, warnings } : { ok: true, config, warnings };
}

/** The `deploy` part alone, with its consistency with the edge keys. */
export function resolveDeployConfig(raw: Raw): { ok: true; config: DeployConfig } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const parsed = deploySchema.safeParse(raw.deploy, { error: typeError });
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues, ["deploy"], deploySchema) };
  const config = deployPart(parsed.data ?? {}, raw, (f, w) => errors.push(`${f}: ${w}`));
  return errors.length || !config ? { ok: false, errors } : { ok: true, config };
}
