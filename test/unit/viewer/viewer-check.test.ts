import { describe, expect, it } from "vitest";
import { globSet, inEitherForm, pathForms } from "../../../shared/viewer/path-match";
import { compileRules, isAllowed } from "../../../shared/viewer/rules";
import { isPublicRequest, judgedPaths } from "../../../shared/viewer/viewer-check";

const INDEX = { indexRewrite: true, spaFallback: false };
const SPA = { indexRewrite: true, spaFallback: true };
const PLAIN = { indexRewrite: false, spaFallback: false };

describe("judgedPaths: the path asked for, then the object the origin serves, each in both forms", () => {
  it.each<[string, typeof INDEX, [string, string | undefined][]]>([
    ["/a.html", INDEX, [["/a.html", "/a.html"]]],
    ["/docs/", INDEX, [["/docs/", "/docs/"], ["/docs/index.html", "/docs/index.html"]]],
    ["/docs", INDEX, [["/docs", "/docs"], ["/docs/index.html", "/docs/index.html"]]],
    ["/docs", PLAIN, [["/docs", "/docs"]]],
    ["/app/route", SPA, [["/app/route", "/app/route"], ["/index.html", "/index.html"]]],
    ["/public/../admin/", INDEX, [["/public/../admin/", "/admin/"], ["/public/../admin/index.html", "/admin/index.html"]]],
    ["/%61dmin/x.js", INDEX, [["/%61dmin/x.js", "/admin/x.js"]]],
    ["/%zz/x.js", INDEX, [["/%zz/x.js", undefined]]],
  ])("%s (%o)", (uri, config, expected) => {
    expect(judgedPaths(uri, config).map((f) => [f.raw, f.normalized])).toEqual(expected);
  });
});

describe("isPublicRequest: every judged path public in both forms", () => {
  const pub = globSet(["/public/*", "/favicon.ico", "/open/*"]);
  it.each<[string, typeof INDEX, boolean]>([
    ["/public/a.css", INDEX, true],
    ["/favicon.ico", INDEX, true],
    ["/public/", INDEX, true],
    ["/admin/x.js", INDEX, false],
    // The raw form is public, the normalised one is not: not public (fail closed).
    ["/public/../admin/x.js", INDEX, false],
    ["/public/%2e%2e/admin/x.js", INDEX, false],
    // The normalised form is public, the raw one is not.
    ["/x/../public/a.css", INDEX, false],
    // Undecodable: never public.
    ["/public/%zz.css", INDEX, false],
    // Public as asked for, but an SPA route serves /index.html, which is not public.
    ["/open/route", SPA, false],
    ["/open/route", INDEX, true],
  ])("%s (%o) → %s", (uri, config, expected) => {
    expect(isPublicRequest(pub, judgedPaths(uri, config))).toBe(expected);
  });
  it("no public paths: nothing is public", () => {
    expect(isPublicRequest(globSet([]), judgedPaths("/", INDEX))).toBe(false);
  });
});

describe("inEitherForm: apiPaths match the raw or the normalised form", () => {
  const api = globSet(["/api/*"]);
  it.each<[string, boolean]>([
    ["/api/x", true],
    ["/%61pi/x", true],
    ["/x/../api/y", true],
    ["/api/../x", true],
    ["/apix", false],
    ["/%zz", false],
  ])("%s → %s", (uri, expected) => {
    expect(inEitherForm(api, pathForms(uri))).toBe(expected);
  });
});

describe("isAllowed on the judged paths: a rule on the path asked for or on the object the origin serves", () => {
  const rules = compileRules([{ path: "/admin/*", groups: ["admins"] }]);
  it.each<[string, typeof INDEX, string[], boolean]>([
    ["/admin/x.js", INDEX, [], false],
    ["/admin/x.js", INDEX, ["admins"], true],
    // `/admin` itself does not match `/admin/*`, the `/admin/index.html` it serves does.
    ["/admin", INDEX, [], false],
    ["/admin", PLAIN, [], true],
    ["/admin", INDEX, ["admins"], true],
    // An SPA route serves /index.html, which no rule protects; the route is judged too.
    ["/admin/route", SPA, [], false],
    ["/docs/route", SPA, [], true],
    // Undecodable: every rule applies.
    ["/%zz/x.js", INDEX, [], false],
  ])("%s (%o), groups %o → %s", (uri, config, g, expected) => {
    expect(isAllowed(rules, judgedPaths(uri, config), "GET", { g })).toBe(expected);
  });
});
