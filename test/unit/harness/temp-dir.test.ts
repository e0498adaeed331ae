/**
 * A test run leaves nothing in the system's temp folder: each run has a temp folder of its own (the global setup,
 * test/helpers/run-temp-dir.ts), removed at the end, and whatever appears outside it fails the run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { leakedSince, tempEntries } from "../../helpers/temp-leaks";

describe("the run's temp folder", () => {
  it("is what os.tmpdir() returns in a test, and what a started process inherits", () => {
    expect(basename(tmpdir())).toMatch(/^edge-auth-test-run-/);
    expect(process.env.TMPDIR).toBe(tmpdir());
  });
});

describe("leakedSince", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-auth-leaks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names the entries like ours made since the run started, not others' or those there before", () => {
    const since = Date.now() - 1000;
    for (const n of ["origin-before", "edge-auth-build-new", "remove-state-new", "unrelated-new"]) mkdirSync(join(dir, n));
    writeFileSync(join(dir, "cff-njs-file"), "");
    expect(tempEntries(dir)).toEqual(["cff-njs-file", "edge-auth-build-new", "origin-before", "remove-state-new"]);
    expect(leakedSince(dir, ["origin-before"], since)).toEqual(["cff-njs-file", "edge-auth-build-new", "remove-state-new"]);
    // Made before the run started: another run's, not this one's.
    expect(leakedSince(dir, [], Date.now() + 60_000)).toEqual([]);
  });

  it("an empty or missing folder leaks nothing", () => {
    expect(leakedSince(join(dir, "missing"), [], 0)).toEqual([]);
  });
});

describe("nothing bypasses the run's temp folder", () => {
  it("no source names the system temp folder itself: temp files go through os.tmpdir()", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const { repoRoot } = await import("../../helpers/build");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|js|mjs|cjs|ya?ml)$/.test(n) && /["'`]\/tmp\b/.test(readFileSync(p, "utf8"))) offenders.push(p.slice(repoRoot.length + 1));
      }
    };
    for (const d of ["bench", "cdk", "examples", "handlers", "local", "scripts", "shared", "test"]) walk(join(repoRoot, d));
    expect(offenders).toEqual([]);
  });
});
