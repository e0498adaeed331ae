/**
 * The test tiers as contributors call them: vitest projects named unit, integration and e2e, each with its npm
 * script; `npm test` stays the whole suite; every test file belongs to exactly one tier; a passing test's console
 * output stays out of the report.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import config from "../../../vitest.config.mjs";
import { repoRoot } from "../../helpers/build";

interface Project {
  test: { name: string; include: string[] };
}
const test = config.test as { silent?: unknown; projects: Project[] };
const projects = test.projects;
const scripts = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** Every `*.test.ts` under test/, repository-relative. */
function testFiles(dir = join(repoRoot, "test")): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return testFiles(p);
    return n.endsWith(".test.ts") ? [relative(repoRoot, p)] : [];
  });
}

/** Whether `file` matches one of the config's globs (`dir/**\/*.test.ts`, the only shape it uses). */
const matches = (file: string, globs: string[]) =>
  globs.some((g) => {
    const m = /^(.*)\/\*\*\/\*\.test\.ts$/.exec(g);
    if (!m) throw new Error(`unexpected glob ${g}`);
    return file.startsWith(`${m[1]}/`);
  });

describe("test tiers", () => {
  it("are the vitest projects unit, integration and e2e, each with its npm script", () => {
    expect(projects.map((p) => p.test.name)).toEqual(["unit", "integration", "e2e"]);
    for (const name of ["unit", "integration", "e2e"]) expect(scripts[`test:${name}`]).toBe(`vitest run --project ${name}`);
    expect(scripts.test).toBe("tsc --noEmit && vitest run");
  });

  it("take test/unit and test/property, test/integration, test/e2e: every test file in exactly one", () => {
    const files = testFiles();
    expect(files.length).toBeGreaterThan(50);
    const tierOf = (f: string) => projects.filter((p) => matches(f, p.test.include)).map((p) => p.test.name);
    for (const f of files) expect({ f, tiers: tierOf(f) }).toEqual({ f, tiers: [f.startsWith("test/unit/") || f.startsWith("test/property/") ? "unit" : f.split("/")[1]] });
  });

  it("print a test's console output only when it fails", () => {
    expect(test.silent).toBe("passed-only");
  });
});
