import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAll } from "../../../scripts/build";
import { BuildError } from "../../../scripts/build-error";
import { triggersBuildStep } from "../../../scripts/build-steps";
import { resolveOrThrow } from "../../../shared/config/load";

const root = resolve(__dirname, "../../..");
let dir: string;
let base: Record<string, unknown>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "build-steps-"));
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const { deploy: _createsAPool, ...example } = JSON.parse(readFileSync(join(root, "auth.config.example.json"), "utf8")) as Record<string, unknown>;
  base = {
    ...example,
    // The example creates a new pool at deploy time; a build needs an existing pool's edge keys.
    userPoolId: "us-east-1_TestPool1",
    clientId: "testclient1234567890",
    domain: "auth.example.com",
    jwks: { keys: [{ ...publicKey.export({ format: "jwk" }), kid: "test", alg: "RS256", use: "sig" }] },
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The config pipeline, then the triggers build step, as `npm run build` runs them. */
const step = async (triggers: unknown, log: (l: string) => void = () => {}) => {
  const configPath = join(dir, "auth.config.json");
  const config = resolveOrThrow({ ...base, triggers }, configPath, {}, log);
  return triggersBuildStep(config.triggers, { configPath, log });
};

describe("triggersBuildStep", () => {
  it("bakes the resolved triggers config", async () => {
    const extras = await step({ postConfirmation: { defaultGroup: "readers" } });
    expect(JSON.parse(extras.define!.__TRIGGERS_CONFIG__!)).toMatchObject({ postConfirmation: { defaultGroup: "readers" }, logLevel: "info" });
    expect(extras.plugins).toEqual([]);
  });

  it.each([
    [{ preTokenGeneration: { groupClaims: { claim: "sub", map: {} } } }, 'triggers.preTokenGeneration.groupClaims.claim: "sub" is a claim Cognito does not let a trigger change'],
    [{ preTokenGeneration: { staticClaims: { "cognito:groups": ["admins"] } } }, 'triggers.preTokenGeneration.staticClaims.cognito:groups: "cognito:groups"'],
    [{ preTokenGeneration: { attributeClaims: { "custom:id": "client_id" } } }, 'triggers.preTokenGeneration.attributeClaims.custom:id: "client_id" is an access-token claim'],
    [{ preTokenGeneration: { module: "missing.ts" } }, "triggers.preTokenGeneration.module: file missing.ts not found"],
  ])("fails with BuildError for %j", async (triggers, message) => {
    const err = await step(triggers).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as Error).message).toContain(message);
  });

  it.each([
    ["export const other = 1;", 'must export a function as default export or as "claims"'],
    ["export default function (", "does not compile"],
  ])("fails when the module is %j", async (source, message) => {
    writeFileSync(join(dir, "bad-module.ts"), source);
    await expect(step({ preTokenGeneration: { module: "bad-module.ts" } })).rejects.toThrow(message);
  });

  it("prints a warning for a copied attribute users can write", async () => {
    const lines: string[] = [];
    await step({ preTokenGeneration: { attributeClaims: { "custom:tenant": "tenant" }, writableAttributes: ["custom:tenant"] } }, (l) => lines.push(l));
    expect(lines).toEqual([expect.stringMatching(/^warning: triggers\.preTokenGeneration\.attributeClaims\.custom:tenant: users can write/)]);
  });
});

describe("build with a claims module", () => {
  it.each([
    ["default export", "export default async (e: { userName?: string }) => ({ owner: e.userName, sub: 'x' });"],
    ["`claims` export", "export async function claims(e: { userName?: string }) { return { owner: e.userName, sub: 'x' }; }"],
  ])("bundles the owner's %s into pre-token-generation", async (_name, source) => {
    writeFileSync(join(dir, "owner.ts"), source);
    writeFileSync(join(dir, "auth.config.json"), JSON.stringify({ ...base, logLevel: "silent", triggers: { preTokenGeneration: { module: "owner.ts" } } }));
    const outdir = mkdtempSync(join(dir, "out-")); // a fresh path each time: import() caches by path
    await buildAll({ configPath: join(dir, "auth.config.json"), outdir, only: ["pre-token-generation"], log: () => {} });
    const bundle = join(outdir, "pre-token-generation", "index.js");
    const { handler } = (await import(bundle)) as { handler: (e: unknown) => Promise<{ response: unknown }> };
    const out = await handler({ version: "1", userName: "jane", request: { userAttributes: {} }, response: {} });
    expect(out.response).toEqual({ claimsOverrideDetails: { claimsToAddOrOverride: { owner: "jane" } } });
  });
});

describe("npm run build", () => {
  it("exits non-zero naming the reserved claim", () => {
    const configPath = join(dir, "bad.config.json");
    writeFileSync(configPath, JSON.stringify({ ...base, triggers: { preTokenGeneration: { staticClaims: { token_use: "id" } } } }));
    const r = spawnSync("npm", ["run", "--silent", "build"], {
      cwd: root,
      env: { ...process.env, AUTH_CONFIG: configPath, AUTH_OUTDIR: join(dir, "bad-out") },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('triggers.preTokenGeneration.staticClaims.token_use: "token_use" is a claim Cognito does not let a trigger change');
  });
});
