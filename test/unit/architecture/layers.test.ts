/**
 * The house keeps its layers: no import cycle anywhere in the code (type-only imports count: they show which way
 * a module leans), and no import that reaches the wrong way (see `LAYER_RULES`). Each rule fails on a seeded break.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LAYER_RULES, cycles, importGraph, importsOf, layerBreaks } from "./import-graph";
import type { SourceFiles } from "./import-graph";

const root = resolve(__dirname, "../../..");
const CODE = ["shared", "handlers", "scripts", "local", "cdk"];

function readTree(dir: string, files: SourceFiles): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) readTree(path, files);
    else if (entry.name.endsWith(".ts") || entry.name.endsWith(".json")) files[path] = readFileSync(join(root, path), "utf8");
  }
}

const tree: SourceFiles = {};
for (const dir of CODE) readTree(dir, tree);
const graph = importGraph(tree);

describe("the code's imports", () => {
  it("reads the tree (a sanity check that the walk found the code)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("scripts/build-function.ts")).toContain("scripts/cloudfront-function-runtime/runtime.ts");
  });

  it("has no import cycle", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("has no import that reaches the wrong way", () => {
    expect(layerBreaks(graph)).toEqual([]);
  });
});

describe("seeded breaks", () => {
  it("reads value, type-only, re-export and dynamic imports, resolving .ts, index.ts and .json", () => {
    const files: SourceFiles = {
      "shared/a.ts": [
        `import { b } from "./b";`,
        `import type { C } from "./c";`,
        `export { d } from "./d";`,
        `const e = () => import("./e");`,
        `import TABLE from "./t.json";`,
        `import { z } from "zod";`,
      ].join("\n"),
      "shared/b.ts": "",
      "shared/c/index.ts": "",
      "shared/d.ts": "",
      "shared/e.ts": "",
      "shared/t.json": "{}",
    };
    expect(importsOf("shared/a.ts", files).sort()).toEqual(["shared/b.ts", "shared/c/index.ts", "shared/d.ts", "shared/e.ts", "shared/t.json"]);
  });

  it("finds a cycle through a type-only import", () => {
    const files: SourceFiles = {
      "shared/edge/errors.ts": `import type { PairFailure } from "./tokens/token-pair";`,
      "shared/edge/tokens/token-pair.ts": `import { AuthError } from "../errors";`,
      "shared/edge/ok.ts": `import { AuthError } from "./errors";`,
    };
    expect(cycles(importGraph(files))).toEqual([["shared/edge/errors.ts", "shared/edge/tokens/token-pair.ts"]]);
  });

  it("finds a self-import and a longer cycle", () => {
    const files: SourceFiles = {
      "a/x.ts": `import "./x";`,
      "a/p.ts": `import "./q";`,
      "a/q.ts": `import "./r";`,
      "a/r.ts": `import "./p";`,
    };
    expect(cycles(importGraph(files))).toEqual([["a/p.ts", "a/q.ts", "a/r.ts"], ["a/x.ts"]]);
  });

  it.each([
    ["shared/outcomes/errors.ts", `import type { PairFailure } from "../edge/tokens/token-pair";`, "shared/edge/tokens/token-pair.ts"],
    ["shared/outcomes/errors.ts", `import type { Rule } from "../config/types";`, "shared/config/types.ts"],
    ["shared/viewer/navigation.ts", `import type { EdgeRequest } from "../edge/request";`, "shared/edge/request.ts"],
    ["shared/viewer/identity-headers.ts", `import type { Claims } from "../edge/tokens/verifier";`, "shared/edge/tokens/verifier.ts"],
    ["shared/viewer/claims.ts", `import { CLAIMS } from "../triggers/claim-names";`, "shared/triggers/claim-names.ts"],
    ["shared/viewer/x.ts", `import { check } from "../function/check";`, "shared/function/check.ts"],
    ["shared/function/config.ts", `import { escapeHtml } from "../edge/responses";`, "shared/edge/responses.ts"],
    ["shared/edge/check-auth.ts", `import { checkRequest } from "../function/check";`, "shared/function/check.ts"],
    ["shared/config/x.ts", `import { buildAll } from "../../scripts/build";`, "scripts/build.ts"],
    ["shared/edge/x.ts", `import { startLocal } from "../../local/stack";`, "local/stack.ts"],
    ["shared/x.ts", `import { EdgeAuth } from "../cdk/edge-auth";`, "cdk/edge-auth.ts"],
    ["scripts/build-function.ts", `import { loadCloudFrontFunction } from "../local/cloudfront-function/runtime";`, "local/cloudfront-function/runtime.ts"],
    ["scripts/deploy.ts", `import { startLocal } from "../local/stack";`, "local/stack.ts"],
  ])("%s importing %s is a break", (from, source, to) => {
    const files: SourceFiles = { [from]: source, [to]: "" };
    const breaks = layerBreaks(importGraph(files));
    expect(breaks).toHaveLength(1);
    expect(breaks[0]).toContain(`${from} → ${to}`);
  });

  it.each([
    ["shared/outcomes/errors.ts", `import TABLE from "./errors.json";`, "shared/outcomes/errors.json"],
    ["shared/edge/responses.ts", `import { ERRORS } from "../outcomes/errors";`, "shared/outcomes/errors.ts"],
    ["shared/function/config.ts", `import { escapeHtml } from "../viewer/html";`, "shared/viewer/html.ts"],
    ["shared/edge/request.ts", `import type { ViewerRequest } from "../viewer/request";`, "shared/viewer/request.ts"],
    ["local/stack.ts", `import { buildAll } from "../scripts/build";`, "scripts/build.ts"],
    ["local/viewer-function.ts", `import { loadCloudFrontFunction } from "../scripts/cloudfront-function-runtime/runtime";`, "scripts/cloudfront-function-runtime/runtime.ts"],
    ["scripts/build.ts", `import { resolveAuthConfig } from "../shared/config/resolve";`, "shared/config/resolve.ts"],
  ])("%s importing %s is allowed", (from, source, to) => {
    expect(layerBreaks(importGraph({ [from]: source, [to]: "" }))).toEqual([]);
  });

  it("names a reason for every rule", () => {
    for (const rule of LAYER_RULES) expect(rule.why.length).toBeGreaterThan(10);
  });
});
