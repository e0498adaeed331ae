/**
 * scripts/sls-values.ts: the site cache policy moves with the hot path, and commands that package nothing
 * (`npm run remove`, `npm run upload-site`) get their values without a build.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SITE_CACHE_POLICY, SITE_CACHE_POLICY_ID, slsValues } from "../../../scripts/sls-values";

const root = resolve(__dirname, "../../..");
const EXISTING = { region: "eu-west-1", userPoolId: "eu-west-1_Abc123", clientId: "abc123", domain: "auth.example.com", jwks: { keys: [] } };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sls-values-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function values(raw: Record<string, unknown>, env: Record<string, string> = {}) {
  const configPath = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(configPath, JSON.stringify({ ...EXISTING, ...raw }));
  // A bundle folder inside the repository that no build made.
  return slsValues({ AUTH_CONFIG: configPath, AUTH_OUTDIR: join(root, ".build", "no-such-build"), ...env });
}

describe("slsValues", () => {
  it.each([
    ["lambda-edge: osls creates the site cache policy from cachePolicies", {}, { site: SITE_CACHE_POLICY }, false],
    ["cloudfront-function: no Lambda on the default behaviour, so the policy is ours", { hotPath: "cloudfront-function" }, {}, true],
    ["cloudfront-function with mergeOriginCsp: http-headers names it again", { hotPath: "cloudfront-function", mergeOriginCsp: true }, { site: SITE_CACHE_POLICY }, false],
  ])("%s", (_, raw, cachePolicies, ours) => {
    const v = values(raw, { EDGE_AUTH_WITHOUT_BUILD: "1" });
    expect(v.cachePolicies).toEqual(cachePolicies);
    expect(v.edgeResources.Resources[SITE_CACHE_POLICY_ID]).toEqual(
      ours ? { Type: "AWS::CloudFront::CachePolicy", Properties: { CachePolicyConfig: { ...SITE_CACHE_POLICY, Name: "edge-auth-dev-site" } } } : undefined,
    );
  });

  it("reads nothing from the build for a command that packages nothing", () => {
    const v = values({ hotPath: "cloudfront-function" }, { EDGE_AUTH_WITHOUT_BUILD: "1" });
    expect(Object.keys(v.edgeResources.Resources)).not.toContain("CheckAuthFunction");
    expect(v.keyValueStoreImports).toEqual([]);
    expect(v.cloudFrontFunctionCode).toEqual([]);
  });

  it("asks for the build when packaging the CloudFront Function hot path without one", () => {
    const v = values({ hotPath: "cloudfront-function" });
    expect(() => v.edgeResources).toThrow(/check-auth-function\/kvs.json not found: run the build first/);
  });
});
