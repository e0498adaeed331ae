import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globMatch, globMatcher, globSet, normalizePath, pathForms } from "../../../shared/viewer/path-match";

describe("globSet: sorted by how each glob is matched, no empty list (the CloudFront Function bakes every set)", () => {
  it.each<[string[], object]>([
    [[], {}],
    [["/public/*"], { prefixes: ["/public/"] }],
    [["/favicon.ico", "/public/*"], { exact: ["/favicon.ico"], prefixes: ["/public/"] }],
    [["/a/*.js", "/b?"], { general: ["/a/*.js", "/b?"] }],
  ])("%j → %j", (globs, set) => {
    expect(globSet(globs)).toEqual(set);
  });
});

describe("globMatcher: CloudFront path-pattern semantics", () => {
  it.each<[string[], string, boolean]>([
    [["/public/*"], "/public/a.css", true],
    [["/public/*"], "/public/deep/er/a.css", true],
    [["/public/*"], "/public/", true],
    [["/public/*"], "/public", false],
    [["/public/*"], "/publicity/x", false],
    [["/public/*"], "/x/public/a", false],
    [["/favicon.ico"], "/favicon.ico", true],
    [["/favicon.ico"], "/faviconXico", false],
    [["/favicon.ico"], "/favicon.ico/x", false],
    [["/img?.png"], "/img1.png", true],
    [["/img?.png"], "/img12.png", false],
    [["/img?.png"], "/img/.png", true],
    [["/Public/*"], "/public/a", false],
    [["*.css"], "/a/b.css", true],
    [["/a+b/(x)|[y]^$"], "/a+b/(x)|[y]^$", true],
    [["/a+b/*"], "/aab/x", false],
    [["/x/*"], "/x/\nnewline", true],
    [[], "/anything", false],
    [["/a", "/b/*"], "/b/c", true],
    [["/a", "/b/*"], "/c", false],
  ])("%j matches %j: %s", (globs, path, expected) => {
    expect(globMatcher(globs)(path)).toBe(expected);
  });
});

describe("normalizePath", () => {
  it.each<[string, string | undefined]>([
    ["/", "/"],
    ["/a/b", "/a/b"],
    ["/public/../admin/x", "/admin/x"],
    ["/public/..;/admin/x", "/admin/x"],
    ["/public/..;jsessionid=1/admin/x", "/admin/x"],
    ["/public/./../admin/x", "/admin/x"],
    ["/%61dmin/x", "/admin/x"],
    ["//admin/x", "/admin/x"],
    ["/public/%2e%2e/admin/x", "/admin/x"],
    ["/public/%2E%2E%2Fadmin/x", "/admin/x"],
    ["/public\\..\\admin\\x", "/admin/x"],
    ["/public/%5c..%5cadmin/x", "/admin/x"],
    ["/../../admin", "/admin"],
    ["/a/b/", "/a/b/"],
    ["/a/b/..", "/a/"],
    ["/a/.", "/a/"],
    ["/%ZZ", undefined],
    ["/%E0%A4%A", undefined],
    ["/caf%C3%A9", "/café"],
  ])("%s → %s", (uri, expected) => {
    expect(normalizePath(uri)).toBe(expected);
  });

  it("pathForms keeps both", () => {
    expect(pathForms("/public/../admin")).toEqual({ raw: "/public/../admin", normalized: "/admin" });
  });
});

describe("globMatch agrees with the regex reading of a glob (on inputs small enough for the regex)", () => {
  const toRegex = (g: string) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]")}$`);
  it("property", () => {
    const alphabet = fc.constantFrom("/", "a", "b", ".", "*", "?");
    const text = fc.constantFrom("/", "a", "b", ".", "x");
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 10 }), fc.string({ unit: text, maxLength: 14 }), (glob, path) => {
        expect(globMatch(glob, path)).toBe(toRegex(glob).test(path));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("glob matching takes time linear in the path, whatever the path (no backtracking regex)", () => {
  // A plausible glob with several stars, and paths crafted to make a backtracking matcher try every way of
  // splitting them: many segments, and a last character that never matches.
  const globs = ["/assets/*/*/*.js", "/a*b*c*d*e*f.png", "/x/*?*?*?*/y"];
  const crafted = (n: number) => [`/assets/${"a/".repeat(n)}x`, `/a${"bcde".repeat(n)}f.pnq`, `/x/${"ab".repeat(n)}/z`];
  /** Microseconds for `rounds` matches of every crafted path of size n. */
  const timeFor = (n: number, rounds: number) => {
    const match = globMatcher(globs);
    const paths = crafted(n);
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) for (const p of paths) if (match(p)) throw new Error("crafted paths must not match");
    return Number(process.hrtime.bigint() - t0) / 1000;
  };

  it("8× the path costs about 8× the time, not 8^k×", () => {
    timeFor(250, 20); // warm-up
    // Interleaved, the fastest of seven each: on a busy machine a pause lands on one round, not on one size.
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < 7; i++) {
      small.push(timeFor(250, 40));
      large.push(timeFor(2000, 40));
    }
    // Linear: ~8. A regex with three stars backtracks in roughly cubic time (~500×); allow generous noise.
    expect(Math.min(...large) / Math.min(...small)).toBeLessThan(24);
  });
});
