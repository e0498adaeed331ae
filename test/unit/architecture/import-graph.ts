/**
 * The import graph of the code and the layer rules it must keep: read every `.ts` file's relative imports (value
 * and type-only alike, `export ... from` and `import()` too), then report cycles and imports that reach the wrong
 * way. Pure: it works on a map of path → source text, so the seeded breaks are literal files.
 */
import { posix } from "node:path";

/** path (posix, relative to the repository root) → the file's text. */
export type SourceFiles = Record<string, string>;

/** Static imports and re-exports (`import x from`, `import type {…} from`, `import "…"`, `export {…} from`). */
const STATIC = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"']+)["']/g;
/** Dynamic imports: `import("…")`. */
const DYNAMIC = /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

/** The module specifiers a file names (TypeScript 7 has no JavaScript API, so a small scanner, comments removed). */
export function specifiersOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  return [...code.matchAll(STATIC), ...code.matchAll(DYNAMIC)].map((m) => m[1]!);
}

/** Every relative import of a file, resolved to a path of `files` (`.ts`, `/index.ts`, or the literal path). */
export function importsOf(path: string, files: SourceFiles): string[] {
  const found = specifiersOf(files[path] ?? "");
  const out: string[] = [];
  for (const spec of found) {
    if (!spec.startsWith(".")) continue;
    const base = posix.normalize(posix.join(posix.dirname(path), spec));
    const target = [base, `${base}.ts`, `${base}/index.ts`].find((p) => p in files);
    out.push(target ?? base);
  }
  return [...new Set(out)];
}

/** The graph: each file's resolved relative imports. */
export function importGraph(files: SourceFiles): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const path of Object.keys(files).filter((p) => p.endsWith(".ts"))) graph.set(path, importsOf(path, files));
  return graph;
}

/** Every import cycle, as the files of each strongly connected component of more than one file (or a self-import). */
export function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm, iterative enough for a few hundred files.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return found;
}

/** A layer rule: a file under `from` must not import a file under any of `to`. */
export interface LayerRule {
  from: string;
  to: string[];
  why: string;
  /** Folders under `to` that are allowed all the same (a folder importing itself, for the leaf). */
  except?: string[];
}

const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/**
 * The layers, lowest first: `shared/outcomes` (the outcome vocabulary: error codes, the error table, reason codes)
 * imports nothing; `shared/viewer` (both runtimes) imports neither runtime's folder nor the triggers; the two
 * runtimes' folders do not import each other; `shared/` imports no tool folder; `local/` may use `scripts/`, never
 * the other way round.
 */
export const LAYER_RULES: LayerRule[] = [
  { from: "shared/outcomes", to: [""], except: ["shared/outcomes"], why: "the outcome vocabulary is a leaf: it imports nothing" },
  { from: "shared/viewer", to: ["shared/edge", "shared/function", "shared/triggers"], why: "code for both runtimes owns its types" },
  { from: "shared/edge", to: ["shared/function"], why: "neither runtime's folder imports the other's" },
  { from: "shared/function", to: ["shared/edge"], why: "neither runtime's folder imports the other's" },
  { from: "shared", to: ["scripts", "local", "cdk", "handlers", "bench", "test"], why: "shared/ is imported by the tools, never the other way" },
  { from: "scripts", to: ["local"], why: "local/ may use scripts/ (the build), scripts/ never uses local/" },
];

/** Every import that breaks a layer rule, as `from → to (why)`. */
export function layerBreaks(graph: Map<string, string[]>, rules: LayerRule[] = LAYER_RULES): string[] {
  const breaks: string[] = [];
  for (const [from, targets] of graph) {
    for (const rule of rules) {
      if (!under(from, rule.from)) continue;
      for (const to of targets) {
        const banned = rule.to.some((t) => t === "" || under(to, t));
        const allowed = (rule.except ?? []).some((e) => under(to, e));
        if (banned && !allowed) breaks.push(`${from} → ${to} (${rule.why})`);
      }
    }
  }
  return breaks.sort();
}
