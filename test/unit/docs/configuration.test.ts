/**
 * docs/configuration.md is generated from the config schema (scripts/config-reference.ts, written by
 * `npm run schema`): the committed file is the generated one, and every key of the schema has its row.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../../../shared/config/json-schema";
import { OUTPUT_FILE, cell, configReferenceMarkdown, configurationDocText, typeOf } from "../../../scripts/config-reference";
import { cases } from "../../helpers/cases";

/** Every key path of a JSON Schema as the reference names it (`a.b`, `a[].b`). */
function keyPaths(node: Record<string, unknown>, prefix = ""): string[] {
  const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(props).flatMap(([k, n]) => {
    const name = `${prefix}${k}`;
    const items = n.items as Record<string, unknown> | undefined;
    const variants = (n.anyOf ?? []) as Record<string, unknown>[];
    return [name, ...keyPaths(n, `${name}.`), ...(items?.properties ? keyPaths(items, `${name}[].`) : []), ...variants.flatMap((v) => keyPaths(v, `${name}.`))];
  });
}

describe("docs/configuration.md", () => {
  it("is up to date with the schema and docs/configuration.template.md (npm run schema writes it)", () => {
    expect(readFileSync(OUTPUT_FILE, "utf8")).toBe(configurationDocText());
  });

  it("has a row for every key of the schema (sections for sites, triggers and deploy; a site's own keys in a sentence)", () => {
    const doc = readFileSync(OUTPUT_FILE, "utf8");
    const sections = ["sites", "triggers", "deploy"];
    const missing = keyPaths(configJsonSchema())
      .filter((k) => !(k.startsWith("sites[].") && k !== "sites[].hosts"))
      .filter((k) => !doc.includes(sections.includes(k) ? `### \`${k}\`` : `| \`${k}\` |`));
    expect(missing).toEqual([]);
  });

  it("takes each description from the schema (a changed description changes the reference)", () => {
    const schema = configJsonSchema() as { properties: Record<string, { description?: string }> };
    schema.properties.logLevel!.description = "A seeded description.";
    expect(configReferenceMarkdown(schema)).toContain("| `logLevel` | `\"debug\"`, `\"info\"`, `\"warn\"`, `\"error\"`, `\"silent\"` | `\"info\"` | A seeded description. |");
    expect(configReferenceMarkdown(schema)).not.toBe(configReferenceMarkdown());
  });
});

describe("table cells", () => {
  cases("%j → %j", cell, [
    ["Default: https://cognito-idp.<region>.amazonaws.com", "Default: https://cognito-idp.&lt;region&gt;.amazonaws.com"],
    ["a | b and `x | y`", "a \\| b and `x \\| y`"],
    ['["/public/*"]. `*` matches anything', '["/public/\\*"]. `*` matches anything'],
    ["two\nlines", "two lines"],
  ]);

  it.each([
    [{ type: "integer", minimum: 0, maximum: 300 }, "integer, 0–300"],
    [{ enum: ["v2", "classic"] }, '`"v2"`, `"classic"`'],
    [{ anyOf: [{ const: "cognito" }, { type: "object", properties: {} }] }, '`"cognito"` or object'],
    [{ type: "array", items: { type: "string" }, minItems: 1, maxItems: 20 }, "array of string (at least 1, at most 20)"],
  ])("type of %j is %s", (node, expected) => {
    expect(typeOf(node)).toBe(expected);
  });
});
