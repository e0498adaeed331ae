import { describe, expect, it } from "vitest";
import { resolveAuthConfig, resolveConfig } from "../../../shared/config/resolve";

const BASE = { region: "eu-west-1", userPoolId: "eu-west-1_AbCdEf123", clientId: "abcdef1234567890", domain: "auth.example.com" } as const;
const OK_RULE = { path: "/ok/*", groups: ["a"] };

function errors(rules: unknown[]): string[] {
  const r = resolveConfig({ ...BASE, rules });
  return r.ok ? [] : r.errors;
}

describe("rules: the build refuses, naming the field", () => {
  it.each<[string, unknown, string, RegExp]>([
    ["a rule that says nobody", { path: "/x/*" }, "rules[2].groups", /include, require or exclude/],
    ["a rule with only methods", { path: "/x/*", methods: ["GET"] }, "rules[2].groups", /is required/],
    ["groups together with include", { path: "/x/*", groups: ["a"], include: [{ groups: ["b"] }] }, "rules[2].include", /cannot be combined with groups/],
    ["a selector with no kind", { path: "/x/*", include: [{}] }, "rules[2].include[0]", /exactly one of/],
    ["a selector with two kinds", { path: "/x/*", include: [{ groups: ["a"], emails: ["a@b.c"] }] }, "rules[2].include[0]", /not groups and emails/],
    ["claim without values", { path: "/x/*", require: [{ claim: "tenant" }] }, "rules[2].require[0].values", /is required with claim/],
    ["values without claim", { path: "/x/*", require: [{ values: ["a"] }] }, "rules[2].require[0]", /exactly one of/],
    ["an unknown selector key", { path: "/x/*", exclude: [{ group: ["a"] }] }, "rules[2].exclude[0].group", /did you mean "groups"/],
    ["an empty include", { path: "/x/*", include: [] }, "rules[2].include", /non-empty array of selectors/],
    ["an empty require", { path: "/x/*", require: [] }, "rules[2].require", /non-empty/],
    ["an empty exclude", { path: "/x/*", exclude: [] }, "rules[2].exclude", /non-empty/],
    ["an empty group list", { path: "/x/*", include: [{ groups: [] }] }, "rules[2].include[0].groups", /non-empty/],
    ["an empty e-mail list", { path: "/x/*", include: [{ emails: [] }] }, "rules[2].include[0].emails", /non-empty/],
    ["an empty values list", { path: "/x/*", include: [{ claim: "t", values: [] }] }, "rules[2].include[0].values", /non-empty/],
    ["an empty ranges list", { path: "/x/*", include: [{ ipRanges: [] }] }, "rules[2].include[0].ipRanges", /non-empty/],
    ["an empty methods list", { path: "/x/*", methods: [], groups: ["a"] }, "rules[2].methods", /non-empty/],
    ["an IPv4 prefix over 32", { path: "/x/*", include: [{ ipRanges: ["10.0.0.0/8", "10.0.0.0/33"] }] }, "rules[2].include[0].ipRanges[1]", /0-32/],
    ["an IPv6 prefix over 128", { path: "/x/*", include: [{ ipRanges: ["2001:db8::/129"] }] }, "rules[2].include[0].ipRanges[0]", /0-128/],
    ["not an address", { path: "/x/*", exclude: [{ ipRanges: ["office/24"] }] }, "rules[2].exclude[0].ipRanges[0]", /not an IPv4 or IPv6/],
    ["a method CloudFront does not pass", { path: "/x/*", methods: ["GET", "TRACE"], groups: ["a"] }, "rules[2].methods[1]", /GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE/],
    ["a lower-case method", { path: "/x/*", methods: ["get"], groups: ["a"] }, "rules[2].methods[0]", /CloudFront's methods/],
    ["a domain with a scheme", { path: "/x/*", include: [{ emailDomains: ["https://example.com"] }] }, "rules[2].include[0].emailDomains[0]", /bare host name/],
    ["a domain with an @", { path: "/x/*", include: [{ emailDomains: ["@example.com"] }] }, "rules[2].include[0].emailDomains[0]", /bare host name/],
    ["a domain with a path", { path: "/x/*", include: [{ emailDomains: ["example.com/x"] }] }, "rules[2].include[0].emailDomains[0]", /bare host name/],
    ["a wildcard in the middle", { path: "/x/*", include: [{ emailDomains: ["a.*.example.com"] }] }, "rules[2].include[0].emailDomains[0]", /bare host name/],
    ["not an e-mail", { path: "/x/*", include: [{ emails: ["cfo"] }] }, "rules[2].include[0].emails[0]", /not an e-mail address/],
    ["an e-mail with a trailing dot", { path: "/x/*", exclude: [{ emails: ["a@b.c", "Bad@Evil.com."] }] }, "rules[2].exclude[0].emails[1]", /^rules\[2\]\.exclude\[0\]\.emails\[1\]: "Bad@Evil\.com\." ends with a dot: write the address without it/],
    ["an e-mail with trailing dots", { path: "/x/*", include: [{ emails: ["cfo@example.com.."] }] }, "rules[2].include[0].emails[0]", /ends with a dot/],
    ["a non-ASCII e-mail domain", { path: "/x/*", exclude: [{ emails: ["eve@bücher.example"] }] }, "rules[2].exclude[0].emails[0]", /"eve@bücher\.example" has non-ASCII characters: write the domain in its punycode form \(xn--/],
    ["a non-ASCII e-mail local part", { path: "/x/*", include: [{ emails: ["jösé@example.com"] }] }, "rules[2].include[0].emails[0]", /non-ASCII/],
    ["an IPv4-mapped IPv6 range below /96", { path: "/x/*", include: [{ ipRanges: ["::ffff:10.0.0.0/8"] }] }, "rules[2].include[0].ipRanges[0]", /^rules\[2\]\.include\[0\]\.ipRanges\[0\]: "::ffff:10\.0\.0\.0\/8": an IPv4-mapped IPv6 range needs a prefix of 96 or more .*write the IPv4 form, "10\.0\.0\.0\/8"$/],
    ["an IPv4-mapped IPv6 range, hex, below /96", { path: "/x/*", exclude: [{ ipRanges: ["::FFFF:c0a8:0/95"] }] }, "rules[2].exclude[0].ipRanges[0]", /prefix of 96 or more.*IPv4 form$/],
    ["a claim that reaches into the prototype", { path: "/x/*", include: [{ claim: "__proto__", values: ["a"] }] }, "rules[2].include[0].claim", /cannot be read/],
    ["a claim value that is an object", { path: "/x/*", include: [{ claim: "t", values: [{}] }] }, "rules[2].include[0].values[0]", /string, number or boolean/],
  ])("%s", (_, rule, field, why) => {
    const errs = errors([OK_RULE, OK_RULE, rule]);
    const mine = errs.find((e) => e.startsWith(`${field}:`));
    expect(mine, errs.join(" | ")).toBeDefined();
    expect(mine).toMatch(why);
  });

  it("a site's rules are named with the site", () => {
    const r = resolveAuthConfig({ ...BASE, sites: [{ hosts: ["a.example.com"], rules: [{ path: "/x/*", include: [{ ipRanges: ["1.2.3.4/40"] }] }] }] });
    expect(r.ok ? [] : r.errors).toEqual([expect.stringMatching(/^sites\[0\]\.rules\[0\]\.include\[0\]\.ipRanges\[0\]: /)]);
  });
});

describe("rules: what the build accepts at the edges of a refusal", () => {
  it.each<[string, unknown]>([
    ["an IPv4-mapped range at /96 and over", { ipRanges: ["::ffff:10.0.0.0/104", "::ffff:0.0.0.0/96", "::ffff:1.2.3.4"] }],
    ["an IPv6 range below /96 that is not IPv4-mapped", { ipRanges: ["2001:db8::/32", "::/8"] }],
    ["a punycode e-mail domain", { emails: ["eve@xn--bcher-kva.example"] }],
  ])("%s", (_, selector) => {
    expect(errors([{ path: "/x/*", include: [selector] }])).toEqual([]);
  });
});

describe("rules: what the hot paths get", () => {
  it("today's form stays as it is", () => {
    const r = resolveConfig({ ...BASE, rules: [{ path: "/admin/*", groups: ["admins", "admins"] }] });
    expect(r.ok && r.config.rules).toEqual([{ path: "/admin/*", groups: ["admins"] }]);
  });
  it("e-mails and domains in lower case, claim values as their JSON text, repeats dropped", () => {
    const r = resolveConfig({
      ...BASE,
      rules: [
        {
          path: "/x/*",
          methods: ["GET", "GET", "HEAD"],
          include: [{ emails: ["CFO@Example.com", "cfo@example.com"] }, { emailDomains: ["*.Example.COM"] }],
          require: [{ claim: "level", values: [3, "3", true, "a"] }],
          exclude: [{ ipRanges: ["10.0.0.0/8"] }],
        },
      ],
    });
    expect(r.ok && r.config.rules).toEqual([
      {
        path: "/x/*",
        methods: ["GET", "HEAD"],
        include: [{ emails: ["cfo@example.com"] }, { emailDomains: ["*.example.com"] }],
        require: [{ claim: "level", values: ["3", "true", "a"] }],
        exclude: [{ ipRanges: ["10.0.0.0/8"] }],
      },
    ]);
  });
});

/** The warning for a claim selector on a Cognito custom attribute, exactly. */
const CUSTOM = (field: string, what: string, rule: number) =>
  new RegExp(
    `^${esc(field)}: ${esc(what)}, which app clients can write by default, so users may be able to set it themselves and choose what rules\\[${rule}\\] lets them do; ` +
      `${esc("leave it out of the app client's write attributes (and list the ones it can write in triggers.preTokenGeneration.writableAttributes), or base access on a claim users cannot change")}$`,
  );
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("rules: a claim users can write themselves is a warning", () => {
  const triggers = (writable: string[]) => ({ preTokenGeneration: { attributeClaims: { "custom:tenant": "tenant" }, writableAttributes: writable } });
  it.each<[string, unknown[], string[], RegExp | undefined]>([
    ["the attribute by its own name", [{ path: "/x/*", require: [{ claim: "custom:tenant", values: ["acme"] }] }], ["custom:tenant"], /^rules\[0\]\.require\[0\]\.claim: users can write "custom:tenant"/],
    ["through the claim it is copied into", [{ path: "/x/*", include: [{ claim: "tenant", values: ["acme"] }] }], ["custom:tenant"], /^rules\[0\]\.include\[0\]\.claim: users can write "custom:tenant".*claim "tenant"/],
    ["in an exclusion too", [{ path: "/x/*", exclude: [{ claim: "custom:tenant", values: ["x"] }] }], ["custom:tenant"], /^rules\[0\]\.exclude\[0\]\.claim/],
    [
      "a custom attribute not in writableAttributes: app clients can write custom attributes by default",
      [{ path: "/x/*", require: [{ claim: "custom:tenant", values: ["acme"] }] }],
      ["custom:nickname"],
      CUSTOM("rules[0].require[0].claim", '"custom:tenant" is a Cognito custom attribute', 0),
    ],
    [
      "through the claim a custom attribute is copied into",
      [{ path: "/x/*", exclude: [{ claim: "tenant", values: ["globex"] }] }],
      [],
      CUSTOM("rules[0].exclude[0].claim", '"custom:tenant" is a Cognito custom attribute (copied into claim "tenant")', 0),
    ],
    ["not for a claim users cannot write", [{ path: "/x/*", require: [{ claim: "cognito:username", values: ["a"] }, { claim: "sub", values: ["b"] }] }], ["custom:tenant"], undefined],
  ])("%s", (_, rules, writable, warning) => {
    const r = resolveAuthConfig({ ...BASE, rules, triggers: triggers(writable) });
    expect(r.ok).toBe(true);
    const mine = r.warnings.filter((w) => w.startsWith("rules["));
    if (warning) expect(mine).toEqual([expect.stringMatching(warning)]);
    else expect(mine).toEqual([]);
  });
});
