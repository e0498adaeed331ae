/**
 * The configuration baked into a bundle by scripts/build.ts (esbuild `define`): Lambda@Edge has no environment
 * variables. Only bundles import this module; tests build configs with `resolveConfig`.
 */
import type { ResolvedConfig } from "../config/types";

declare const __AUTH_CONFIG__: ResolvedConfig;

export const config: ResolvedConfig = __AUTH_CONFIG__;
