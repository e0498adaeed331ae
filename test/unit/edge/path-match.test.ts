import { describe, expect, it } from "vitest";
import { globMatcher, normalizePath, pathForms } from "../../../shared/edge/path-match";

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
