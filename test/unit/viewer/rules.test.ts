import { describe, expect, it } from "vitest";
import { compileRules, groupsOf, isAllowed } from "../../../shared/viewer/rules";
import { pathForms } from "../../../shared/viewer/path-match";

const rules = compileRules([
  { path: "/admin/*", groups: ["admins"] },
  { path: "/admin/billing/*", groups: ["billing"] },
  { path: "/staff/*", groups: ["staff", "admins"] },
]);

describe("isAllowed: every matching rule must pass", () => {
  it.each<[string, string[], boolean]>([
    ["/index.html", [], true],
    ["/admin/x", [], false],
    ["/admin/x", ["admins"], true],
    ["/admin/x", ["billing"], false],
    ["/admin/billing/x", ["admins"], false],
    ["/admin/billing/x", ["billing"], false],
    ["/admin/billing/x", ["admins", "billing"], true],
    ["/staff/x", ["admins"], true],
    ["/staff/x", ["staff"], true],
    ["/staff/x", ["Staff"], false],
    // Normalisation: the rule applies to what the origin would serve.
    ["/public/../admin/x", [], false],
    ["/%61dmin/x", [], false],
    ["//admin/x", [], false],
    ["/admin%2Fx", [], false],
    ["/x/..%2Fadmin/y", [], false],
    ["/public\\..\\admin\\x", [], false],
    // Undecodable: fail closed.
    ["/%ZZ/admin", [], false],
    ["/%ZZ", [], false],
  ])("%s with %j → %s", (uri, groups, expected) => {
    expect(isAllowed(rules, [pathForms(uri)], "GET", { g: groups })).toBe(expected);
  });

  it("no rules: everything allowed", () => {
    expect(isAllowed([], [pathForms("/admin/x")], "GET", { g: [] })).toBe(true);
  });
});

describe("groupsOf", () => {
  it.each<[unknown, string[]]>([
    [["a", "b"], ["a", "b"]],
    [undefined, []],
    ["admins", []],
    [["a", 1, null, "b"], ["a", "b"]],
    [{ 0: "admins" }, []],
  ])("%j → %j", (g, expected) => {
    expect(groupsOf({ "cognito:groups": g })).toEqual(expected);
  });
});
