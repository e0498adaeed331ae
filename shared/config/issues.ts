/**
 * Schema issues as the messages the build prints: `<field>: <what is wrong>`, the field written the way it
 * appears in the file (`rules[0].groups`, `cookie.sameSite`). An unknown key names the closest known one
 * ("`rule`: unknown key; did you mean `rules`?"), found by walking the schema to where the key was.
 */
import type { z } from "zod";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** `rules[0].groups`, or `config` for the root. */
export function fieldName(path: Path): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${String(p)}`;
  return out || "config";
}

export function formatIssues(issues: readonly Issue[], prefix: Path, schema: z.ZodType): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(schema, issue.path);
      for (const key of issue.keys) {
        const near = closest(key, known);
        out.push(`${fieldName([...prefix, ...issue.path, key])}: unknown key${near ? `; did you mean "${near}"?` : known.length ? `; expected one of ${known.join(", ")}` : ""}`);
      }
    } else out.push(`${fieldName([...prefix, ...issue.path])}: ${issue.message}`);
  }
  return [...new Set(out)];
}

interface Def {
  type: string;
  options?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema at `path` knows (through optional, default, arrays and records). */
export function knownKeys(schema: z.ZodType, path: Path): string[] {
  let s: z.ZodType | undefined = schema;
  const unwrap = () => {
    for (let d = s && defOf(s); d && (d.innerType || (d.type === "pipe" && d.in)); d = s && defOf(s)) s = d.innerType ?? d.in;
  };
  for (const p of path) {
    unwrap();
    const d: Def | undefined = s && defOf(s);
    if (!d) return [];
    if (d.type === "union") s = (d.options ?? []).find((o) => knownKeys(o, []).includes(String(p))) ?? d.options?.find((o) => knownKeys(o, []).length > 0);
    else s = typeof p === "number" ? d.element : d.shape ? d.shape[String(p)] : d.valueType;
    if (d.type === "union" && s) {
      const inner = defOf(s);
      s = inner.shape ? inner.shape[String(p)] : undefined;
    }
  }
  unwrap();
  const d = s && defOf(s);
  if (d?.shape) return Object.keys(d.shape);
  // A union (`provider`: a name or an object): the keys of its object options.
  if (d?.type === "union") return [...new Set((d.options ?? []).flatMap((o) => knownKeys(o, [])))];
  return [];
}

/** The known key nearest to `key` (edit distance at most a third of its length, at least 2), if any. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : distance(key, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
