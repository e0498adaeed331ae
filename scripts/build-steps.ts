/**
 * Build steps beyond the edge config: each validates its own part of the raw config (e.g. `triggers`) and may
 * add esbuild `define`s or plugins. A step throws BuildError-like errors with messages naming the field.
 */
import type { Plugin } from "esbuild";

export interface BuildExtras {
  define?: Record<string, string>;
  plugins?: Plugin[];
}

export async function extraBuildSteps(
  _raw: Record<string, unknown>,
  _ctx: { configPath: string; log: (line: string) => void },
): Promise<BuildExtras> {
  return {};
}
