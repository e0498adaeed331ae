/**
 * The configuration baked into a bundle by scripts/build.ts (esbuild `define`): Lambda@Edge has no environment
 * variables. Only bundles import this module; tests build configs with `resolveConfig`.
 */
import type { ResolvedConfig } from "../config/types";

/** What a Lambda@Edge bundle is built with: the sites it serves, each with its host names and its config. */
export interface EdgeBundleConfig {
  sites: { hosts: string[]; config: ResolvedConfig }[];
}

declare const __AUTH_CONFIG__: EdgeBundleConfig;

export const bundle: EdgeBundleConfig = __AUTH_CONFIG__;
