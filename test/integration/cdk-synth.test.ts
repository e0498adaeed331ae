/**
 * `npm run cdk:synth` on the example CDK app (examples/cdk) with the example config — an existing pool's shape with
 * its keys embedded — offline and without AWS credentials: the templates pass cfn-lint, and cdk-nag's AwsSolutions
 * pack (registered by the app) finds nothing that is not acknowledged with a reason.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const out = join(root, ".build", "cdk.out");
const exampleConfig = join(root, "examples", "cdk", "auth.config.example.json");
// `any`: CloudFormation JSON; the assertions check its shape.
type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> }> };

let synth: { status: number | null; stdout: string; stderr: string };

/** `npm run cdk:synth` with `AUTH_CONFIG`, offline and without AWS credentials. */
function runSynth(config: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, AUTH_CONFIG: config, EDGE_AUTH_CDK_OUTPUTS: join(root, ".build", "no-cdk-outputs.json") };
  // No credentials: synthesizing must not need AWS.
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "CDK_DEFAULT_ACCOUNT"]) delete env[k];
  env.AWS_CONFIG_FILE = env.AWS_SHARED_CREDENTIALS_FILE = join(root, ".build", "no-such-file");
  const res = spawnSync("npm", ["run", "--silent", "cdk:synth"], { cwd: root, env, encoding: "utf8", timeout: 150_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
const template = (): Template => JSON.parse(readFileSync(join(out, "EdgeAuthSite.template.json"), "utf8")) as Template;

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  synth = runSynth(exampleConfig);
}, 160_000);

describe("npm run cdk:synth (examples/cdk, offline)", () => {
  it("synthesizes the site stack into .build/cdk.out, with cdk-nag's AwsSolutions rules raising nothing unacknowledged", () => {
    expect(synth.status, `${synth.stdout}\n${synth.stderr}`).toBe(0);
    expect(`${synth.stdout}${synth.stderr}`).not.toMatch(/AwsSolutions-\w+/);
    expect(existsSync(join(out, "EdgeAuthSite.template.json"))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, "validation-report.json"), "utf8")) as { pluginReports: { violations: unknown[] }[] };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });

  it("prints no feature flags notice: the example app sets the flags a new CDK project sets (examples/cdk/cdk.json)", () => {
    expect(`${synth.stdout}${synth.stderr}`).not.toMatch(/feature flags/i);
  });

  it("passes cfn-lint with no errors", () => {
    const files = readdirSync(out).filter((f) => f.endsWith(".template.json")).map((f) => join(out, f));
    expect(files.length).toBeGreaterThanOrEqual(1);
    const res = spawnSync("cfn-lint", ["--format", "parseable", ...files], { encoding: "utf8" });
    if (res.error) throw new Error(`cfn-lint is not installed (pip install cfn-lint): ${res.error.message}`);
    // cfn-lint's exit code is a bit field: 2 = errors, 4 = warnings (here: CDK's own redundant DependsOn), 8 = informational.
    expect((res.status ?? 2) & 2, res.stdout).toBe(0);
  });

  it("acknowledges each cdk-nag rule on the resource it concerns, with a reason", () => {
    const acknowledged = Object.entries(template().Resources).flatMap(([id, r]) =>
      ((r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[]).map((s) => ({ resource: id, type: r.Type, ...s })),
    );
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) {
      expect(a.id).toMatch(/^AwsSolutions-[A-Z]+\d+/);
      expect(a.reason.length, `${a.id} on ${a.resource}`).toBeGreaterThan(40);
    }
    const rulesByType = (type: string) => [...new Set(acknowledged.filter((a) => a.type === type).map((a) => a.id.replace(/\[.*$/, "")))].sort();
    expect(rulesByType("AWS::CloudFront::Distribution")).toEqual(["AwsSolutions-CFR1", "AwsSolutions-CFR2", "AwsSolutions-CFR3", "AwsSolutions-CFR4"]);
    expect(rulesByType("AWS::S3::Bucket")).toEqual(["AwsSolutions-S1"]);
    expect(rulesByType("AWS::IAM::Role")).toEqual(["AwsSolutions-IAM4", "AwsSolutions-IAM5"]);
    // The wildcard only on CDK's LogRetention provider (it sets retention on log groups in other regions).
    for (const a of acknowledged.filter((x) => x.id.startsWith("AwsSolutions-IAM5"))) expect(a.resource).toMatch(/^LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/);
    expect(rulesByType("AWS::Lambda::Function")).toEqual(["AwsSolutions-L1"]);
  });

  it("builds the example config's functions into the assets: the pool's ids baked in, Lambda@Edge on us-east-1", () => {
    const t = template();
    const config = JSON.parse(readFileSync(exampleConfig, "utf8")) as { clientId: string; userPoolId: string };
    // Every Lambda function but CDK's LogRetention provider (the edge log groups' retention, in every edge cache region).
    const fns = Object.entries(t.Resources).filter(([id, r]) => r.Type === "AWS::Lambda::Function" && !id.startsWith("LogRetention")).map(([, r]) => r);
    expect(fns).toHaveLength(6);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { artifacts: Record<string, { environment?: string }> };
    expect(manifest.artifacts.EdgeAuthSite!.environment).toMatch(/\/us-east-1$/);
    const checkAuth = fns.find((f) => String(f.Properties.Description).startsWith("Verifies"))!;
    const code = readFileSync(join(out, `asset.${String(checkAuth.Properties.Code.S3Key).replace(/\.zip$/, "")}`, "index.js"), "utf8");
    expect(code).toContain(config.clientId);
    expect(code).toContain(`https://cognito-idp.eu-west-1.amazonaws.com/${config.userPoolId}`);
  });
});

describe("npm run cdk:synth with a bad config", () => {
  it.each<[string, (example: Record<string, unknown>) => string, string[]]>([
    [
      "every config problem, no stack trace",
      (example) => JSON.stringify({ ...example, region: "us-east-1", rule: [] }, null, 2),
      ['rule: unknown key; did you mean "rules"?', "region: is us-east-1, but userPoolId"],
    ],
    ["a JSON syntax error, in words", () => '{\n  "region": "eu-west-1",\n  "clientId": \n}', ["is not valid JSON: expected a value at line 4, column 1 (in clientId)"]],
  ])("%s", (_, write, messages) => {
    const dir = mkdtempSync(join(tmpdir(), "edge-auth-cdk-bad-"));
    try {
      const file = join(dir, "auth.config.json");
      writeFileSync(file, write(JSON.parse(readFileSync(exampleConfig, "utf8")) as Record<string, unknown>));
      const r = runSynth(file);
      const output = `${r.stdout}${r.stderr}`;
      expect(r.status, output).not.toBe(0);
      for (const m of messages) expect(output).toContain(m);
      // No stack: neither "    at fn (file:line)" frames nor the throwing source line.
      expect(output).not.toMatch(/^\s+at /m);
      expect(output).not.toMatch(/ConfigError|throw new/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
