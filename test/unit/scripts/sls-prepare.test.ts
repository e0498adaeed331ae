/**
 * scripts/sls-prepare.ts: what an osls command typed by hand needs before the Serverless files read the config.
 */
import { describe, expect, it } from "vitest";
import { preparationFor, slsCommand } from "../../../scripts/sls-prepare";

const argv = (line: string) => ["node", "/x/node_modules/osls/bin/serverless.js", ...line.split(" ").filter(Boolean)];

describe("slsCommand", () => {
  it("separates the command from options and their values", () => {
    expect(slsCommand(argv("deploy --stage prod --config serverless.pool.yml -v"))).toEqual({ command: ["deploy"], options: new Set(["--stage", "--config", "-v"]) });
    expect(slsCommand(argv("deploy list --region=us-east-1"))).toEqual({ command: ["deploy", "list"], options: new Set(["--region"]) });
  });
});

describe("preparationFor", () => {
  it.each([
    ["package", {}, false, { kind: "build", for: "package" }],
    ["package --config serverless.pool.yml", {}, true, { kind: "build", for: "package" }],
    ["deploy", {}, false, { kind: "build", for: "deploy" }],
    ["deploy --stage prod", {}, false, { kind: "build", for: "deploy" }],
    ["deploy --package .build/package/edge", {}, false, { kind: "none" }],
    ["deploy list", {}, false, { kind: "without-build" }],
    ["info", {}, false, { kind: "without-build" }],
    ["remove", {}, false, { kind: "without-build" }],
    ["print", {}, false, { kind: "without-build" }],
    // A value-taking option before the command, and a command not known to package nothing: built first.
    ["--param k=v deploy", {}, false, { kind: "build", for: "deploy" }],
    ["rollback --timestamp 1", {}, false, { kind: "build", for: "package" }],
    ["--help", {}, false, { kind: "without-build" }],
    // Our npm scripts have built already (scripts/sls.ts), or package nothing.
    ["deploy", { EDGE_AUTH_BUILT: "1" }, true, { kind: "none" }],
    ["package", { EDGE_AUTH_WITHOUT_BUILD: "1" }, false, { kind: "none" }],
  ] as const)("%s %j (creates pool: %s)", (line, env, creates, expected) => {
    expect(preparationFor(argv(line), env, () => creates)).toEqual(expected);
  });

  it("refuses `sls deploy` of a config that creates its pool, in one line naming npm run deploy", () => {
    const p = preparationFor(argv("deploy"), {}, () => true);
    expect(p.kind).toBe("refuse");
    const message = (p as { message: string }).message;
    expect(message).toContain("`npm run deploy`");
    expect(message).not.toContain("\n");
  });
});
