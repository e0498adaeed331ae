/**
 * osls commands as users of the Serverless Framework type them, in a checkout with a config and nothing built:
 * `sls package` builds what it packages first (scripts/sls-prepare.ts, through scripts/sls-config.js); `sls deploy`
 * with an existing pool builds the deploy's bundles; `sls deploy` with a pool the config creates stops in one line
 * naming `npm run deploy`. Offline and without AWS credentials.
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { withOslsLockSync } from "../helpers/osls-lock";

const root = resolve(__dirname, "../..");
const cli = join(root, "node_modules", "osls", "bin", "serverless.js");
const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwks = { keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k", alg: "RS256", use: "sig" }] };

/** Runs `osls <args>` the way a user does (no npm script, no EDGE_AUTH_BUILT), with a config and an empty outdir. */
function osls(name: string, config: Record<string, unknown>, args: string[]) {
  const work = join(root, ".build", `test-sls-${name}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "auth.config.json"), JSON.stringify(config));
  const env: NodeJS.ProcessEnv = { ...process.env, AUTH_CONFIG: join(work, "auth.config.json"), AUTH_OUTDIR: join(work, "dist"), SLS_TELEMETRY_DISABLED: "1", SLS_NOTIFICATIONS_MODE: "off" };
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "EDGE_AUTH_BUILT", "EDGE_AUTH_WITHOUT_BUILD"]) delete env[k];
  env.AWS_CONFIG_FILE = env.AWS_SHARED_CREDENTIALS_FILE = join(work, "no-such-file");
  const res = withOslsLockSync(() => spawnSync(process.execPath, [cli, ...args], { cwd: root, env, encoding: "utf8", timeout: 120_000 }));
  return { status: res.status, output: `${res.stdout}\n${res.stderr}`, work };
}

const existing = { region: "eu-west-1", userPoolId: "eu-west-1_Abc123", clientId: "clientid123", domain: "auth.example.com", jwks, deploy: { service: "sls-cmd", stage: "ci" } };

describe("osls commands typed by hand", () => {
  it("`sls package` builds first, even the CloudFront Function the Serverless values read", () => {
    const r = osls("package", { ...existing, hotPath: "cloudfront-function" }, ["package", "--package", ".build/test-sls-package/pkg"]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).not.toMatch(/No file matches include \/ exclude patterns|run the build first/);
    expect(existsSync(join(r.work, "dist", "check-auth-function", "index.js"))).toBe(true);
    const files = readdirSync(join(r.work, "pkg"));
    expect(files).toEqual(expect.arrayContaining(["cloudformation-template-update-stack.json", "refreshAuth.zip"]));
    expect(files.filter((f) => f.startsWith("kvs-import-"))).toHaveLength(1);
  }, 130_000);

  it("`sls deploy` with an existing pool builds the deploy's bundles (secrets kept in .build) and goes on to AWS", () => {
    const r = osls("deploy", existing, ["deploy"]);
    // No credentials here: it gets as far as asking AWS.
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/credentials/i);
    expect(existsSync(join(r.work, "dist", "check-auth", "index.js"))).toBe(true);
    const generated = JSON.parse(readFileSync(join(root, ".build", "sls-cmd-ci", "auth.config.generated.json"), "utf8")) as Record<string, unknown>;
    expect(generated.nonceSigningSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  }, 130_000);

  it("`sls deploy` with a pool the config creates stops in one line naming npm run deploy, before building", () => {
    const r = osls("deploy-created", { region: "eu-west-1", deploy: { service: "sls-cmd2", stage: "ci", userPool: { domainPrefix: "sls-cmd2-ci" } } }, ["deploy"]);
    expect(r.status).not.toBe(0);
    const line = r.output.split("\n").find((l) => l.includes("deploy.createUserPool"));
    expect(line).toMatch(/deploy with `npm run deploy`/);
    expect(existsSync(join(r.work, "dist"))).toBe(false);
  }, 130_000);
});
