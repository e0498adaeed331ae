/**
 * The npm library: `npm run build:lib` makes `cloudfront-cognito-edge-auth/cdk` (lib/cdk.js and its declarations),
 * the package ships what the constructs build from at synth, and a CDK app outside the repository, in plain
 * JavaScript, synthesizes with the built entry.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");

beforeAll(() => {
  const res = spawnSync("npm", ["run", "--silent", "build:lib"], { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (res.status !== 0) throw new Error(`npm run build:lib failed:\n${res.stdout}\n${res.stderr}`);
}, 70_000);

describe("the npm package", () => {
  it("exports ./cdk with type declarations, and lists aws-cdk-lib and constructs as peers", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, any>; // any: package.json
    expect(pkg.private).toBeUndefined();
    expect(pkg.exports["./cdk"]).toEqual({ types: "./lib/types/cdk/index.d.ts", default: "./lib/cdk.js" });
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(["aws-cdk-lib", "constructs"]);
    // What the constructs need at synth is a dependency, not a devDependency.
    for (const dep of ["esbuild", "tsx", "zod", "jsonc-parser", "acorn", "aws-jwt-verify", "cookie"]) expect(pkg.dependencies[dep], dep).toBeDefined();
    const types = readFileSync(join(root, "lib/types/cdk/index.d.ts"), "utf8");
    expect(types).toContain("EdgeAuth");
    expect(readFileSync(join(root, "lib/types/cdk/edge-auth.d.ts"), "utf8")).toMatch(/export interface EdgeAuthProps[\s\S]*readonly config: string \| AuthConfigInput;/);
  });

  it("packs the built entry and the sources the build reads at synth, and no tests", () => {
    const res = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
    const files = (JSON.parse(res.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of [
      "lib/cdk.js",
      "lib/types/cdk/index.d.ts",
      "scripts/build.ts",
      "scripts/build-function.ts",
      "handlers/edge/check-auth.ts",
      "handlers/function/check-auth-function.ts",
      "shared/functions.ts",
      "local/cloudfront-function/runtime.ts",
      "auth.config.schema.json",
    ])
      expect(files, f).toContain(f);
    expect(files.filter((f) => f.startsWith("test/") || f.startsWith(".build/") || f === "local/start.ts")).toEqual([]);
  });

  it("synthesizes from a JavaScript CDK app outside the repository", () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-auth-consumer-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "cloudfront-cognito-edge-auth"), "dir");
    writeFileSync(
      join(dir, "app.js"),
      `const { App, Stack } = require("aws-cdk-lib");
const { EdgeAuth } = require("cloudfront-cognito-edge-auth/cdk");
const app = new App({ outdir: ${JSON.stringify(join(dir, "cdk.out"))}, builtinCloudFormationValidation: false });
const stack = new Stack(app, "Site", { env: { region: "us-east-1" } });
const auth = new EdgeAuth(stack, "EdgeAuth", { config: ${JSON.stringify(join(root, "examples/cdk/auth.config.example.json"))} });
const template = app.synth().getStackByName("Site").template;
const types = Object.values(template.Resources).map((r) => r.Type);
// Lambda@Edge functions: every Lambda function but CDK's LogRetention provider (the edge log groups' retention).
const edge = Object.entries(template.Resources).filter(([id, r]) => r.Type === "AWS::Lambda::Function" && !id.startsWith("LogRetention"));
console.log(JSON.stringify({ functions: edge.length, distributions: types.filter((t) => t === "AWS::CloudFront::Distribution").length, clientId: auth.config.clientId }));
`,
    );
    // aws-cdk-lib is the app's own dependency: here, the repository's copy.
    const res = spawnSync(process.execPath, ["app.js"], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_PATH: join(root, "node_modules") }, timeout: 60_000 });
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout.trim().split("\n").pop()!)).toEqual({ functions: 6, distributions: 1, clientId: "example0client0id0000000000" });
  });
});
