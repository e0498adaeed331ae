/**
 * The config pipeline as a whole: unknown keys fail closed (naming the closest known key), the region must be
 * the pool's, JSON syntax errors name their line, and the published JSON Schema is the schema's and up to date.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Ajv from "ajv";
import { printParseErrorCode } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { configJsonSchema, configJsonSchemaText } from "../../../shared/config/json-schema";
import { ConfigError, SYNTAX_ERROR_WORDS, lineAndColumn, parseConfigText } from "../../../shared/config/load";
import { resolveAuthConfig } from "../../../shared/config/resolve";
import { closest } from "../../../shared/config/issues";

const root = resolve(__dirname, "../../..");
const BASE = { region: "eu-west-1", userPoolId: "eu-west-1_AbCdEf123", clientId: "abcdef1234567890", domain: "auth.example.com" };
const errorsOf = (raw: Record<string, unknown>): string[] => {
  const r = resolveAuthConfig(raw);
  return r.ok ? [] : r.errors;
};

describe("unknown keys are errors naming the closest known key", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["top level", { rule: [{ path: "/admin/*", groups: ["admins"] }] }, 'rule: unknown key; did you mean "rules"?'],
    ["top level, case", { PublicPaths: ["/x"] }, 'PublicPaths: unknown key; did you mean "publicPaths"?'],
    ["nested object", { paths: { callbak: "/cb" } }, 'paths.callbak: unknown key; did you mean "callback"?'],
    ["cookie", { cookie: { samesite: "Lax" } }, 'cookie.samesite: unknown key; did you mean "sameSite"?'],
    ["in rules[]", { rules: [{ path: "/admin/*", group: ["admins"] }] }, 'rules[0].group: unknown key; did you mean "groups"?'],
    ["in triggers", { triggers: { preTokenGeneration: { groupClaim: { claim: "roles", map: {} } } } }, 'triggers.preTokenGeneration.groupClaim: unknown key; did you mean "groupClaims"?'],
    ["a trigger name", { triggers: { postConfirmaton: {} } }, 'triggers.postConfirmaton: unknown key; did you mean "postConfirmation"?'],
    ["in deploy", { deploy: { stag: "prod" } }, 'deploy.stag: unknown key; did you mean "stage"?'],
    ["in deploy.userPool", { deploy: { userPool: { domainprefix: "x" } } }, 'deploy.userPool.domainprefix: unknown key; did you mean "domainPrefix"?'],
    ["nothing close", { colour: "blue" }, "colour: unknown key; expected one of $schema, region,"],
  ])("%s", (_, extra, message) => {
    const errors = errorsOf({ ...BASE, ...extra });
    expect(errors.some((e) => e.startsWith(message)), errors.join(" | ")).toBe(true);
  });

  it("a misspelt rules key can no longer build a site without its rule", () => {
    expect(resolveAuthConfig({ ...BASE, rule: [{ path: "/admin/*", groups: ["admins"] }] }).ok).toBe(false);
  });

  it.each<[string, string[], string | undefined]>([
    ["rule", ["rules", "paths"], "rules"],
    ["Rules", ["rules"], "rules"],
    ["xyz", ["rules", "paths"], undefined],
    ["publicpath", ["publicPaths", "apiPaths"], "publicPaths"],
  ])("closest(%s)", (key, known, expected) => {
    expect(closest(key, known)).toBe(expected);
  });
});

describe("region", () => {
  it.each<[string, Record<string, unknown>, string | undefined]>([
    ["matches the pool", {}, undefined],
    ["not a region", { region: "us-east-9" }, "region: must be an AWS region"],
    ["an emulator's made-up region", { region: "local" }, "region: must be an AWS region"],
    ["another region than the pool's", { region: "us-east-1" }, "region: is us-east-1, but userPoolId eu-west-1_AbCdEf123 is a pool in eu-west-1"],
    ["a Cognito issuer of another region", { issuer: "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbCdEf123" }, "issuer: names region us-east-1"],
    ["a Cognito issuer of another pool", { issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other" }, "issuer: names pool eu-west-1_Other"],
    ["an emulator's issuer names its own pools", { region: "us-east-1", userPoolId: "local_abc123", issuer: "http://localhost:9229/local_abc123" }, undefined],
  ])("%s", (_, extra, message) => {
    const errors = errorsOf({ ...BASE, ...extra });
    if (message === undefined) expect(errors).toEqual([]);
    else expect(errors.some((e) => e.startsWith(message)), errors.join(" | ")).toBe(true);
  });
});

describe("every problem is reported at once", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "an unknown key does not hide the region/pool mismatch (docs/configuration.md's example)",
      { ...BASE, region: "us-east-1", userPoolId: "eu-west-1_AbC123", rule: [], paths: { callback: "parseauth" } },
      [
        'rule: unknown key; did you mean "rules"?',
        "region: is us-east-1, but userPoolId eu-west-1_AbC123 is a pool in eu-west-1: the issuer would refuse every token",
        'paths.callback: must be a path starting with "/" (no "//", "*", "?" or spaces)',
      ],
    ],
    ["a wrong type elsewhere", { ...BASE, region: "us-east-1", forwardIdentity: "yes" }, ["forwardIdentity: must be true or false, got a string", "region: is us-east-1, but userPoolId eu-west-1_AbCdEf123 is a pool in eu-west-1"]],
    ["an issuer of another pool, with a typo", { ...BASE, issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other", rulez: [] }, ['rulez: unknown key; did you mean "rules"?', "issuer: names pool eu-west-1_Other"]],
  ])("%s", (_, raw, expected) => {
    const errors = errorsOf(raw);
    for (const message of expected) expect(errors.some((e) => e.startsWith(message)), `${message} in ${errors.join(" | ")}`).toBe(true);
    expect(errors).toHaveLength(expected.length);
  });

  it.each<[string, Record<string, unknown>]>([
    ["a region the schema refused is not compared", { ...BASE, region: "us-east-9", rule: [] }],
    ["a pool id of the wrong type is not compared", { ...BASE, userPoolId: 42, rule: [] }],
    ["an OpenID Connect provider has no pool", { clientId: "x", provider: { type: "oidc", issuer: "https://id.example.com" }, rule: [] }],
  ])("%s", (_, raw) => {
    expect(errorsOf(raw).filter((e) => e.includes("is a pool in"))).toEqual([]);
  });
});

describe("the example config, meant for npm run deploy", () => {
  const example = JSON.parse(readFileSync(join(root, "auth.config.example.json"), "utf8")) as Record<string, unknown>;

  it("starts with $schema pointing at the published schema", () => {
    expect(Object.keys(example)[0]).toBe("$schema");
    expect(example.$schema).toBe("./auth.config.schema.json");
  });

  it("is a valid deploy config, and a build without pool ids says the deploy creates them", () => {
    const errors = errorsOf(example);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatch(/^(userPoolId|clientId|domain): is required: this config has no pool ids because `npm run deploy` creates the pool/);
  });
});

describe("JSON syntax errors name the line and column", () => {
  it.each<[string, string, number, number]>([
    ["a missing comma", '{\n  "region": "eu-west-1"\n  "clientId": "x"\n}', 3, 3],
    ["a trailing comma", '{\n  "region": "eu-west-1",\n}', 3, 1],
    ["a comment", '{\n  // no comments in JSON\n  "region": "eu-west-1"\n}', 2, 3],
    ["a single-quoted string", "{\n  'region': 'eu-west-1'\n}", 2, 3],
    ["an unterminated string (where it starts)", '{\n  "region": "eu-west-1', 2, 13],
  ])("%s", (_, text, line, column) => {
    let err: unknown;
    try {
      parseConfigText(text, "auth.config.json");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`auth.config.json is not valid JSON`);
    expect((err as Error).message).toContain(`line ${line}, column ${column}`);
  });

  it.each<[string, string, string]>([
    ["a missing value", '{\n  "region": "eu-west-1",\n  "rules": [{ "path": "/admin/*", "groups": [] }], "clientId": }', 'expected a value at line 3, column 64 (in clientId)'],
    ["a missing comma", '{\n  "region": "eu-west-1"\n  "clientId": "x"\n}', 'expected a comma (",") between two entries at line 3, column 3 (in clientId)'],
    ["a trailing comma in a list", '{ "publicPaths": ["/public/*",] }', "expected a value at line 1, column 31 (in publicPaths[1])"],
    ["a trailing comma in an object", '{\n  "region": "eu-west-1",\n}', "expected a key in double quotes at line 3, column 1"],
    ["a missing colon", '{ "region" "eu-west-1" }', 'expected ":" after the key at line 1, column 12 (in region)'],
    ["a comment", '{\n  // no comments in JSON\n  "region": "eu-west-1"\n}', "comments are not allowed in JSON at line 2, column 3"],
    ["a single-quoted string", "{\n  'region': 'eu-west-1'\n}", "unexpected character (JSON has no comments, single quotes or bare words) at line 2, column 3"],
    ["an unterminated string", '{\n  "region": "eu-west-1', 'a string that never ends (a missing closing ") at line 2, column 13 (in region)'],
    ["a bad escape", '{ "region": "eu\\q" }', "an invalid escape (a backslash) in a string at line 1, column 13 (in region)"],
    ["text after the object", '{ "region": "eu-west-1" } x', "unexpected character (JSON has no comments, single quotes or bare words) at line 1, column 27"],
  ])("says what is wrong in words: %s", (_, text, words) => {
    let message = "";
    try {
      parseConfigText(text, "auth.config.json");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`config file auth.config.json is not valid JSON: ${words}`);
  });

  it("has words for every error the parser reports, and never its code names", () => {
    for (let code = 1; code <= 16; code++) expect(SYNTAX_ERROR_WORDS[printParseErrorCode(code)], printParseErrorCode(code)).toBeDefined();
    for (const words of Object.values(SYNTAX_ERROR_WORDS)) expect(words).not.toMatch(/[a-z][A-Z]/);
  });

  it("lineAndColumn is 1-based", () => {
    expect(lineAndColumn("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});

describe("auth.config.schema.json", () => {
  it("is up to date with the schema (npm run schema writes it)", () => {
    expect(readFileSync(join(root, "auth.config.schema.json"), "utf8")).toBe(configJsonSchemaText());
  });

  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(configJsonSchema());

  it("validates auth.config.example.json", () => {
    const example = JSON.parse(readFileSync(join(root, "auth.config.example.json"), "utf8")) as unknown;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ["an unknown top-level key", { ...BASE, rule: [] }],
    ["an unknown nested key", { ...BASE, paths: { callbak: "/x" } }],
    ["a wrong type", { ...BASE, forwardIdentity: "yes" }],
    ["a region that is not one", { ...BASE, region: "us-east-9" }],
    ["a bad enum value", { ...BASE, logLevel: "verbose" }],
  ])("refuses %s, as the pipeline does", (_, raw) => {
    expect(validate(raw)).toBe(false);
    expect(resolveAuthConfig(raw).ok).toBe(false);
  });

  it("gives every key a description and its default (or says it is required or has none)", () => {
    const missing: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      const props = node.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [key, child] of Object.entries(props ?? {})) {
        const here = path ? `${path}.${key}` : key;
        const described = typeof child.description === "string" && child.description.length > 0;
        const dflt = "default" in child || /Default|Required|required/.test(String(child.description ?? "")) || key === "$schema";
        if (!described || !dflt) missing.push(here);
        walk(child, here);
        if (child.items && typeof child.items === "object") walk(child.items as Record<string, unknown>, `${here}[]`);
      }
    };
    walk(configJsonSchema(), "");
    expect(missing).toEqual([]);
  });
});
