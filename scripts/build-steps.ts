/**
 * Build steps beyond the edge config: each takes its resolved part of the config (e.g. `triggers`) and may add
 * esbuild `define`s or plugins. A step throws BuildError with messages naming the field.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import type { TriggersConfig } from "../shared/config/types";
import { BuildError } from "./build-error";

export interface BuildExtras {
  define?: Record<string, string>;
  plugins?: Plugin[];
}

/** Runs every extra step and merges what they add. */
export async function extraBuildSteps(
  triggers: TriggersConfig,
  ctx: { configPath: string; log: (line: string) => void },
): Promise<BuildExtras> {
  return await triggersBuildStep(triggers, ctx);
}

/**
 * Bakes the resolved `triggers` config as `__TRIGGERS_CONFIG__` and, when `triggers.preTokenGeneration.module`
 * is set, bundles that file in place of shared/triggers/claims-module.ts.
 */
export async function triggersBuildStep(
  config: TriggersConfig,
  ctx: { configPath: string; log: (line: string) => void },
): Promise<BuildExtras> {
  const plugins: Plugin[] = [];
  const rel = config.preTokenGeneration.module;
  if (rel !== undefined) {
    const file = resolve(dirname(ctx.configPath), rel);
    if (!existsSync(file) || !statSync(file).isFile())
      throw new BuildError(`triggers.preTokenGeneration.module: file ${rel} not found (relative to ${ctx.configPath})`);
    await checkClaimsModule(file, rel);
    plugins.push(claimsModulePlugin(file));
  }
  // The module path means nothing inside the bundle.
  const baked: TriggersConfig = { ...config, preTokenGeneration: { ...config.preTokenGeneration, module: undefined } };
  return { define: { __TRIGGERS_CONFIG__: JSON.stringify(baked) }, plugins };
}

/** Compiles the owner's file alone, so a syntax error or a missing export fails the build naming the field. */
async function checkClaimsModule(file: string, rel: string): Promise<void> {
  const field = "triggers.preTokenGeneration.module";
  let exports: string[];
  try {
    const r = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "node",
      packages: "external",
      logLevel: "silent",
    });
    exports = Object.values(r.metafile.outputs)[0]?.exports ?? [];
  } catch (err) {
    const first = (err as { errors?: { text: string }[] }).errors?.[0]?.text ?? (err as Error).message;
    throw new BuildError(`${field}: ${rel} does not compile: ${first}`);
  }
  if (!exports.includes("default") && !exports.includes("claims"))
    throw new BuildError(`${field}: ${rel} must export a function as default export or as "claims"`);
}

/**
 * Replaces shared/triggers/claims-module.ts with a module exporting the owner's function: the default export, or else
 * the export named `claims` (checked by `checkClaimsModule` before).
 */
export function claimsModulePlugin(file: string): Plugin {
  return {
    name: "claims-module",
    setup(b) {
      b.onResolve({ filter: /(^|\/)claims-module(\.ts)?$/ }, (args) =>
        args.importer.endsWith(join("handlers", "triggers", "pre-token-generation.ts")) ? { path: "claims-module", namespace: "claims-module" } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: "claims-module" }, () => ({
        contents: [
          `import * as owner from ${JSON.stringify(file)};`,
          `const fn = owner.default ?? owner.claims;`,
          `if (typeof fn !== "function") throw new Error("claims module: no default export or 'claims' function");`,
          `export const claimsFunction = fn;`,
        ].join("\n"),
        loader: "ts",
        resolveDir: dirname(file),
      }));
    },
  };
}
