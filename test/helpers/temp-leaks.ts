/**
 * What a test run may leave in the system's temp folder: nothing. The run's global setup (test/helpers/run-temp-dir.ts)
 * points TMPDIR at a folder of its own and removes it at the end; what still appears in the system's temp folder
 * came from code that does not honour TMPDIR, and fails the run.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Name prefixes of the folders and files this repository's code and tests make in a temp folder. */
export const TEMP_PREFIXES = [
  "edge-auth-",
  "remove-state-",
  "origin-",
  "cff-njs-",
  "kvs-import-",
  "sls-hot-path-",
  "sls-values-",
  "build-steps-",
  "lambda-invoke-",
  "triggers-it-",
] as const;

/** The entries of `dir` with one of `prefixes`, by name. */
export function tempEntries(dir: string, prefixes: readonly string[] = TEMP_PREFIXES): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => prefixes.some((p) => n.startsWith(p))).sort();
}

/**
 * The entries of `dir` named like ours that were not there `before` and were made at or after `sinceMs`: what a run
 * that started at `sinceMs` left behind (another run on the same machine may add its own, hence the time).
 */
export function leakedSince(dir: string, before: readonly string[], sinceMs: number, prefixes: readonly string[] = TEMP_PREFIXES): string[] {
  const known = new Set(before);
  return tempEntries(dir, prefixes).filter((n) => {
    if (known.has(n)) return false;
    try {
      const s = statSync(join(dir, n));
      return (s.birthtimeMs || s.mtimeMs) >= sinceMs;
    } catch {
      return false; // gone since it was listed
    }
  });
}
