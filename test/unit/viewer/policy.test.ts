import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Rule, Selector } from "../../../shared/config/types";
import { openSessionStore } from "../../../shared/edge/session-store";
import { sessionCookie } from "../../../shared/edge/session-cookie-writer";
import { inRange, parseCidr, parseIp } from "../../../shared/viewer/ip";
import { pathForms } from "../../../shared/viewer/path-match";
import { compileRules, isAllowed, judge, policyFacts, policyNeeds, rulesFingerprint, satisfied } from "../../../shared/viewer/rules";
import type { PolicyFacts } from "../../../shared/viewer/rules";
import { openSession } from "../../../shared/viewer/session-cookie";
import { judgedPaths } from "../../../shared/viewer/viewer-check";
import { DEFAULT_IP, POLICY_CASES, POLICY_RULES, caseClaims } from "../../fixtures/policy-table";
import { makeIssuer, testConfig } from "../../helpers/tokens";
import { functionFeatures } from "../../../shared/function/config";
import { cases } from "../../helpers/cases";

const iss = makeIssuer();
const KEY = "k".repeat(43);
const NOW = 1_800_000_000;

/** The decision check-auth makes: both path forms and the object the origin serves, on the id token's facts. */
function edgeDecision(config: ReturnType<typeof testConfig>, facts: PolicyFacts, path: string, method: string, ip: string): boolean {
  const rules = compileRules(config.rules);
  return isAllowed(rules, judgedPaths(path, config), method, facts, ip);
}

describe("the policy table, on the id token's facts and on the session cookie's", () => {
  const config = testConfig(iss, { rules: POLICY_RULES, hotPath: "cloudfront-function", session: { signingSecret: KEY } });
  const needs = policyNeeds(config.rules);
  it.each(POLICY_CASES)("$name → allow $allow", (c) => {
    const claims = { sub: "s", exp: NOW + 600, ...caseClaims(c) };
    const method = c.method ?? "GET";
    const ip = c.ip ?? DEFAULT_IP;
    expect(edgeDecision(config, policyFacts(claims, config.groupsClaim, needs), c.path, method, ip)).toBe(c.allow);
    // The CloudFront Function judges the session cookie parse-auth seals from the same token.
    const set = sessionCookie(openSessionStore("", config), config, { username: "u", id: claims, idToken: "t", nowSeconds: NOW });
    const opened = openSession(/=([^;]*)/.exec(set!)![1], KEY, config.clientId, NOW, rulesFingerprint(config.rules));
    expect(opened.ok).toBe(true);
    if (opened.ok) expect(edgeDecision(config, opened.session, c.path, method, ip)).toBe(c.allow);
  });
});

describe("the session cookie carries only what the rules read", () => {
  const claims = { sub: "s", exp: NOW + 600, email: "a@example.com", email_verified: false, "cognito:groups": ["finance", "other"], "custom:status": ["active", "suspended"], "custom:tenant": "acme", other: "x" };
  const sealed = (rules: unknown[]) => {
    const config = testConfig(iss, { rules, hotPath: "cloudfront-function", session: { signingSecret: KEY } });
    const set = sessionCookie(openSessionStore("", config), config, { username: "u", id: claims, idToken: "t", nowSeconds: NOW });
    const s = openSession(/=([^;]*)/.exec(set!)![1], KEY, config.clientId, NOW, rulesFingerprint(config.rules));
    if (!s.ok) throw new Error("not sealed");
    return s.session;
  };
  it.each<[string, unknown[], Record<string, unknown>]>([
    ["groups only: the named groups, no e-mail, no claims", [{ path: "/a/*", groups: ["finance"] }], { g: ["finance"] }],
    ["a claim: only the values compared with", [{ path: "/a/*", exclude: [{ claim: "custom:status", values: ["suspended"] }] }], { g: [], k: { "custom:status": ["suspended"] } }],
    ["an unverified e-mail only when an exclusion reads e-mails", [{ path: "/a/*", exclude: [{ emailDomains: ["evil.example"] }] }], { g: [], n: "a@example.com" }],
    ["not for an include", [{ path: "/a/*", include: [{ emailDomains: ["example.com"] }] }], { g: [] }],
  ])("%s", (_, rules, expected) => {
    const s = sealed(rules);
    expect({ g: s.g, ...(s.k ? { k: s.k } : {}), ...(s.n ? { n: s.n } : {}), ...(s.e ? { e: s.e } : {}) }).toEqual(expected);
  });
});

describe("judge: the selector that decided", () => {
  const rules = compileRules([
    { path: "/*", groups: ["a"], include: undefined, require: [{ claim: "t", values: ["x"] }], exclude: [{ groups: ["z"] }] },
    { path: "/*", require: [{ groups: ["a"] }] },
  ] as Rule[]);
  it.each<[number, PolicyFacts, string]>([
    [0, { g: ["a"], k: { t: ["x"] } }, "+0"],
    [0, { g: ["b"], k: { t: ["x"] } }, "i"],
    [0, { g: ["a"] }, "r0"],
    [0, { g: ["a", "z"], k: { t: ["x"] } }, "x0"],
    [1, { g: ["a"] }, "+"],
  ])("rule %i with %j → %s", (i, facts, verdict) => {
    expect(judge(rules[i]!, facts, undefined)).toBe(verdict);
  });

  it("an unknown viewer IP is inside every excluded range and no included one (fail closed)", () => {
    const [inc, exc] = compileRules([
      { path: "/*", include: [{ ipRanges: ["0.0.0.0/0", "::/0"] }] },
      { path: "/*", exclude: [{ ipRanges: ["10.0.0.0/8"] }] },
    ]);
    for (const ip of [undefined, "", "not-an-ip", "1.2.3.4.5"]) {
      expect(judge(inc!, { g: [] }, ip)).toBe("i");
      expect(judge(exc!, { g: [] }, ip)).toBe("x0");
    }
    expect(judge(inc!, { g: [] }, "8.8.8.8")).toBe("+0");
  });
});

describe("IP addresses and ranges", () => {
  cases("%s → %j", parseIp, [
    ["203.0.113.9", [0, 0, 0, 0, 0, 0xffff, 0xcb00, 0x7109]],
    ["::ffff:203.0.113.9", [0, 0, 0, 0, 0, 0xffff, 0xcb00, 0x7109]],
    ["::FFFF:cb00:7109", [0, 0, 0, 0, 0, 0xffff, 0xcb00, 0x7109]],
    ["2001:db8::1", [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ["::", [0, 0, 0, 0, 0, 0, 0, 0]],
    ["::1", [0, 0, 0, 0, 0, 0, 0, 1]],
    ["1::", [1, 0, 0, 0, 0, 0, 0, 0]],
    ["1:2:3:4:5:6:7:8", [1, 2, 3, 4, 5, 6, 7, 8]],
    ["1:2:3:4:5:6::8", [1, 2, 3, 4, 5, 6, 0, 8]],
    ["64:ff9b::192.0.2.33", [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221]],
    ["1:2:3:4:5:6:7:8:9", undefined],
    ["1:2:3:4:5:6:7", undefined],
    ["1::2::3", undefined],
    ["1:2:3:4:5:6:7::8", undefined],
    ["12345::", undefined],
    ["256.1.1.1", undefined],
    ["01.2.3.4", undefined],
    ["1.2.3", undefined],
    ["::ffff:1.2.3", undefined],
    ["1.2.3.4::", undefined],
    ["g::1", undefined],
    ["", undefined],
  ]);

  it.each<[string, string, boolean]>([
    ["10.0.0.0/8", "10.255.1.2", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["10.0.0.0/8", "::ffff:10.1.2.3", true],
    ["10.1.2.3", "10.1.2.3", true],
    ["10.1.2.3", "10.1.2.4", false],
    ["0.0.0.0/0", "1.2.3.4", true],
    ["0.0.0.0/0", "2001:db8::1", false],
    ["::/0", "2001:db8::1", true],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/33", "2001:db8:8000::1", false],
    ["2001:db8::/127", "2001:db8::1", true],
    ["2001:db8::/128", "2001:db8::1", false],
    ["192.168.1.0/23", "192.168.0.7", true],
    ["::ffff:0:0/96", "8.8.8.8", true],
  ])("%s contains %s: %s", (range, ip, expected) => {
    const r = parseCidr(range);
    expect(typeof r).not.toBe("string");
    expect(inRange(parseIp(ip)!, r as number[])).toBe(expected);
  });

  it.each<[string, number[]]>([
    ["2001:db8::/32", [32, 0x2001, 0xdb8]],
    ["2001:db8::/33", [33, 0x2001, 0xdb8, 0]],
    ["10.0.0.0/8", [104, 0, 0, 0, 0, 0, 0xffff, 0x0a00]],
    ["::/0", [0]],
    ["10.1.2.3", [128, 0, 0, 0, 0, 0, 0xffff, 0x0a01, 0x0203]],
  ])("%s is baked with the groups its prefix reaches into only: %j", (range, baked) => {
    expect(parseCidr(range)).toEqual(baked);
  });

  it("a range without the groups past its prefix holds exactly the addresses the whole range holds", () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 128 }), fc.array(group, { minLength: 8, maxLength: 8 }), fc.array(group, { minLength: 8, maxLength: 8 }), (bits, net, addr) => {
        const whole = [bits].concat(net);
        expect(inRange(addr, whole.slice(0, 1 + Math.ceil(bits / 16)))).toBe(inRange(addr, whole));
      }),
      { numRuns: 2000 },
    );
  });

  it.each(["10.0.0.0/33", "2001:db8::/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0/8", "example.com/8", "2001:db8::/ 32", "10.0.0.0/8/8"])("%s is refused with a sentence", (s) => {
    expect(parseCidr(s)).toEqual(expect.stringContaining(JSON.stringify(s)));
  });
});

// ------------------------------------------------------------------------------------------------ properties

const word = fc.constantFrom("a", "b", "c");
const selector: fc.Arbitrary<Selector> = fc.oneof(
  fc.record({ groups: fc.array(word, { minLength: 1, maxLength: 2 }) }),
  fc.record({ emails: fc.array(fc.constantFrom("x@a.example", "y@b.example"), { minLength: 1, maxLength: 2 }) }),
  fc.record({ emailDomains: fc.array(fc.constantFrom("a.example", "*.example", "b.example"), { minLength: 1, maxLength: 2 }) }),
  fc.record({ claim: fc.constantFrom("t", "u"), values: fc.array(word, { minLength: 1, maxLength: 2 }) }),
  fc.record({ ipRanges: fc.array(fc.constantFrom("10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32", "0.0.0.0/0"), { minLength: 1, maxLength: 2 }) }),
);
const sels = fc.option(fc.array(selector, { minLength: 1, maxLength: 3 }), { nil: undefined });
const rule: fc.Arbitrary<Rule> = fc.record({ path: fc.constant("/*"), include: sels, require: sels, exclude: sels }).map((r) => {
  const out: Rule = { path: r.path };
  if (r.include) out.include = r.include;
  if (r.require) out.require = r.require;
  if (r.exclude) out.exclude = r.exclude;
  return out;
});
const facts: fc.Arbitrary<PolicyFacts> = fc.record({
  g: fc.array(word, { maxLength: 3 }),
  email: fc.option(fc.constantFrom("x@a.example", "y@b.example", "z@c.example"), { nil: undefined }),
  verified: fc.boolean(),
  t: fc.array(word, { maxLength: 2 }),
}).map((f) => ({ g: f.g, ...(f.email ? (f.verified ? { e: f.email } : { n: f.email }) : {}), k: { t: f.t } }));
const ip = fc.option(fc.constantFrom("10.1.2.3", "10.2.0.1", "192.0.2.1", "2001:db8::5", "::ffff:10.1.0.9", "garbage"), { nil: undefined });

describe("properties: adding a condition never lets more people in", () => {
  const allowed = (rules: Rule[], f: PolicyFacts, addr: string | undefined) => isAllowed(compileRules(rules), [pathForms("/x")], "GET", f, addr);
  it.each(["exclude", "require"] as const)("adding a selector to %s never allows more", (kind) => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 3 }), fc.nat(), selector, facts, ip, (rules, i, extra, f, addr) => {
        const j = i % rules.length;
        const more = rules.map((r, k) => (k === j ? { ...r, [kind]: [...(r[kind] ?? []), extra] } : r));
        if (allowed(more, f, addr)) expect(allowed(rules, f, addr)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
  it("satisfied (what the hot paths ask) is judge's verdict starting with + (what npm run policy says)", () => {
    fc.assert(
      fc.property(rule, facts, ip, (r, f, addr) => {
        const c = compileRules([r])[0]!;
        expect(satisfied(c, f, addr)).toBe(judge(c, f, addr).charAt(0) === "+");
      }),
      { numRuns: 1000 },
    );
  });
  it("adding a rule never allows more", () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 3 }), rule, facts, ip, (rules, extra, f, addr) => {
        if (allowed([...rules, extra], f, addr)) expect(allowed(rules, f, addr)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the CloudFront Function gets the code of the selector kinds the config uses, no more", () => {
  const features = (rules: unknown[]) => functionFeatures({ sites: [{ hosts: ["*"], config: testConfig(iss, { rules }) }] });
  it.each<[string, unknown[], Partial<ReturnType<typeof features>>]>([
    ["no rules", [], { rules: false, groupsOnly: true, emailSelectors: false, claimSelectors: false, ipSelectors: false, ruleMethods: false }],
    ["today's form", [{ path: "/a/*", groups: ["a"] }], { rules: true, groupsOnly: true, emailSelectors: false, claimSelectors: false, ipSelectors: false, ruleMethods: false }],
    ["groups in a require", [{ path: "/a/*", require: [{ groups: ["a"] }] }], { groupsOnly: false, emailSelectors: false }],
    ["methods", [{ path: "/a/*", methods: ["POST"], groups: ["a"] }], { groupsOnly: false, ruleMethods: true }],
    ["an e-mail domain", [{ path: "/a/*", include: [{ emailDomains: ["example.com"] }] }], { emailSelectors: true, claimSelectors: false, ipSelectors: false }],
    ["a claim", [{ path: "/a/*", exclude: [{ claim: "t", values: ["x"] }] }], { emailSelectors: false, claimSelectors: true, ipSelectors: false }],
    ["a range", [{ path: "/a/*", include: [{ ipRanges: ["10.0.0.0/8"] }] }], { emailSelectors: false, claimSelectors: false, ipSelectors: true }],
  ])("%s", (_, rules, expected) => {
    expect(features(rules)).toMatchObject(expected);
  });
});

describe("claim names are names: Object.prototype's properties are not claims the rules already read (issue 21 review)", () => {
  // Every own name of Object.prototype, `__proto__` included: policyNeeds keyed a plain {} by them and threw.
  const names = Object.getOwnPropertyNames(Object.prototype);
  it.each(names)("a claim selector on %s: needs, facts and the decision", (name) => {
    const rules: Rule[] = [{ path: "/p/*", include: [{ claim: name, values: ["yes"] }], exclude: [{ claim: name, values: ["no"] }] }];
    const needs = policyNeeds(rules);
    expect(Object.keys(needs.claims)).toEqual([name]);
    expect(needs.claims[name]).toEqual(["yes", "no"]);
    const compiled = compileRules(rules);
    const decide = (claims: Record<string, unknown>) => isAllowed(compiled, [pathForms("/p/x")], "GET", policyFacts(claims, "cognito:groups", needs), DEFAULT_IP);
    // The claim as a token carries it (JSON.parse makes `__proto__` an own key too).
    const token = (v: string) => JSON.parse(`{"sub":"s",${JSON.stringify(name)}:${JSON.stringify(v)}}`) as Record<string, unknown>;
    expect(decide(token("yes"))).toBe(true);
    expect(decide(token("no"))).toBe(false);
    expect(decide({ sub: "s" })).toBe(false);
    // The session cookie carries the claim, and the function's facts read it as its own key (the names the config
    // refuses, `__proto__` and `constructor`, only as far as the evaluator).
    if (name === "__proto__" || name === "constructor") return;
    const config = testConfig(iss, { rules, hotPath: "cloudfront-function", session: { signingSecret: KEY } });
    const set = sessionCookie(openSessionStore("", config), config, { username: "u", id: { ...token("yes"), exp: NOW + 600 }, idToken: "t", nowSeconds: NOW });
    const opened = openSession(/=([^;]*)/.exec(set!)![1], KEY, config.clientId, NOW, rulesFingerprint(config.rules));
    expect(opened.ok && Object.prototype.hasOwnProperty.call(opened.session.k, name) && opened.session.k![name]).toEqual(["yes"]);
    if (opened.ok) expect(isAllowed(compiled, [pathForms("/p/x")], "GET", opened.session, DEFAULT_IP)).toBe(true);
  });
});

describe("rulesFingerprint: what the rules read, in 8 characters", () => {
  const base: Rule[] = [{ path: "/admin/*", groups: ["admins"] }, { path: "/a/*", require: [{ claim: "t", values: ["x", "y"] }] }];
  const fp = rulesFingerprint(base);
  it("8 base64url characters; none without rules", () => {
    expect(fp).toMatch(/^[\w-]{8}$/);
    expect(rulesFingerprint([])).toBeUndefined();
  });
  it.each<[string, Rule[]]>([
    ["another path, the same reads", [{ path: "/other/*", groups: ["admins"] }, { path: "/b/*", include: [{ claim: "t", values: ["y", "x"] }] }]],
    ["the rules in another order", [base[1]!, base[0]!]],
    ["a method or an IP range added (read from the request, not the session)", [...base, { path: "/c/*", methods: ["POST"], include: [{ ipRanges: ["10.0.0.0/8"] }] }]],
  ])("the same when the session needs the same: %s", (_, rules) => {
    expect(rulesFingerprint(rules)).toBe(fp);
  });
  it.each<[string, Rule[]]>([
    ["an exclusion naming a new group", [...base, { path: "/admin/*", exclude: [{ groups: ["interns"] }] }]],
    ["a claim value more", [base[0]!, { path: "/a/*", require: [{ claim: "t", values: ["x", "y", "z"] }] }]],
    ["another claim", [...base, { path: "/a/*", exclude: [{ claim: "status", values: ["x"] }] }]],
    ["an exclusion reading e-mails (unverified ones too)", [...base, { path: "/a/*", exclude: [{ emails: ["a@b.c"] }] }]],
    ["an include reading e-mails", [...base, { path: "/a/*", include: [{ emailDomains: ["b.c"] }] }]],
  ])("another when the session needs more: %s", (_, rules) => {
    expect(rulesFingerprint(rules)).not.toBe(fp);
  });
  it("parse-auth seals it into the session cookie; without rules, none", () => {
    const seal = (rules: Rule[]) => {
      const config = testConfig(iss, { rules, hotPath: "cloudfront-function", session: { signingSecret: KEY } });
      const set = sessionCookie(openSessionStore("", config), config, { username: "u", id: { sub: "s", exp: NOW + 600 }, idToken: "t", nowSeconds: NOW });
      return JSON.parse(Buffer.from(/=([^.;]*)/.exec(set!)![1]!, "base64url").toString()) as { r?: string };
    };
    expect(seal(base).r).toBe(fp);
    expect(seal([]).r).toBeUndefined();
  });
});
