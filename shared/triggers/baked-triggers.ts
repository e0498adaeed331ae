/**
 * The `triggers` config baked into the trigger bundles by scripts/build-steps.ts (esbuild `define`), with the
 * environment-variable overrides ordinary Lambdas allow. Only bundles import this module; tests call
 * `resolveTriggersConfig`.
 */
import type { TriggersConfig } from "../config/types";
import { applyEnvOverrides } from "./claim-names";

declare const __TRIGGERS_CONFIG__: TriggersConfig;

export const triggers: TriggersConfig = applyEnvOverrides(__TRIGGERS_CONFIG__, process.env);
