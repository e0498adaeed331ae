import { describe, expect, it } from "vitest";
import { hostMatches, hostnameOf, siteFor } from "../../../shared/viewer/sites";
import { cases } from "../../helpers/cases";

describe("hostnameOf", () => {
  it.each([
    ["Site-A.Example.COM", "site-a.example.com"],
    ["site-a.localhost:3000", "site-a.localhost"],
    ["example.com.", "example.com"],
    ["[::1]:8080", "[::1]"],
  ])("%s → %s", (h, name) => expect(hostnameOf(h)).toBe(name));
});

describe("hostMatches: exact, or one label of wildcard", () => {
  cases("%s ~ %s: %s", hostMatches, [
    ["a.example.com", "a.example.com", true],
    ["a.example.com", "b.example.com", false],
    ["*.example.com", "a.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "a.b.example.com", false],
    ["*.example.com", "evilexample.com", false],
    ["*.example.com", "a.example.com.evil.net", false],
    ["*", "anything.example", true],
  ]);
});

describe("siteFor", () => {
  const sites = [
    { hosts: ["*.example.com"], name: "wild" },
    { hosts: ["a.example.com", "a.example.org"], name: "a" },
    { hosts: ["b.example.com"], name: "b" },
  ];
  it.each<[string | undefined, string | undefined]>([
    ["a.example.com", "a"],
    ["A.EXAMPLE.COM:443", "a"],
    ["a.example.org", "a"],
    ["b.example.com", "b"],
    ["c.example.com", "wild"],
    ["example.com", undefined],
    ["evil.com", undefined],
    [undefined, undefined],
  ])("%s → %s (exact names win over wildcards)", (host, name) => {
    expect(siteFor(sites, host)?.name).toBe(name);
  });

  it("a config without sites serves any host, even without a Host header", () => {
    const one = [{ hosts: ["*"], name: "only" }];
    expect(siteFor(one, "anything")?.name).toBe("only");
    expect(siteFor(one, undefined)?.name).toBe("only");
  });
});
