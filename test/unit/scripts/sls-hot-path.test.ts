/**
 * scripts/sls-hot-path.ts on its own, over a stand-in build folder: what it adds for each hot path, and the cases the
 * packaged stacks of test/integration/deploy.test.ts do not reach (no build yet, every header turned off, long names).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAuthConfig } from "../../../shared/config/resolve";
import type { AuthConfig } from "../../../shared/config/resolve";
import { contentHash, hotPathParts, noHotPathParts } from "../../../scripts/sls-hot-path";

const EXISTING = { region: "eu-west-1", userPoolId: "eu-west-1_Abc123", clientId: "abc123", domain: "auth.example.com", jwks: { keys: [] } };
const KVS = '{"data":[{"key":"session-key","value":"stand-in"}]}\n';
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "sls-hot-path-"));
  mkdirSync(join(root, "dist", "check-auth-function"), { recursive: true });
  writeFileSync(join(root, "dist", "check-auth-function", "index.js"), "async function handler(event) { return event.request; }\n");
  writeFileSync(join(root, "dist", "check-auth-function", "kvs.json"), KVS);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function config(raw: Record<string, unknown>): AuthConfig {
  const r = resolveAuthConfig({ ...EXISTING, ...raw }, { nonceSigningSecret: "n".repeat(43), sessionSigningSecret: "s".repeat(43) });
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.config;
}
const parts = (raw: Record<string, unknown>, dist = "dist") => {
  const c = config(raw);
  return hotPathParts(root, dist, c.edge, c.deploy, "SiteCache");
};

describe("hotPathParts", () => {
  it("adds nothing with hotPath lambda-edge", () => {
    expect(parts({})).toEqual(noHotPathParts());
  });

  it("with cloudfront-function: the function (code from the build), its store, the policy, the behaviour settings", () => {
    const p = parts({ hotPath: "cloudfront-function" });
    const hash = contentHash(KVS);
    expect(Object.keys(p.resources).sort()).toEqual(["CheckAuthFunction", "SecurityHeadersPolicy", "SessionKeyValueStore"]);
    expect(p.functionCode).toEqual([{ logicalId: "CheckAuthFunction", file: "dist/check-auth-function/index.js" }]);
    expect(p.keyValueStoreImports).toEqual([{ file: "dist/check-auth-function/kvs.json", key: `serverless/edge-auth/dev/kvs-import/${hash}.json`, hash }]);
    expect(p.behaviours).toEqual({
      default: {
        ViewerProtocolPolicy: "redirect-to-https",
        Compress: true,
        CachePolicyId: { Ref: "SiteCache" },
        FunctionAssociations: [{ EventType: "viewer-request", FunctionARN: { "Fn::GetAtt": ["CheckAuthFunction", "FunctionMetadata.FunctionARN"] } }],
      },
      every: { AllowedMethods: ["GET", "HEAD", "OPTIONS"], CachedMethods: ["GET", "HEAD"], ResponseHeadersPolicyId: { Ref: "SecurityHeadersPolicy" } },
    });
    // The code goes in at package time (deploy/function-code.js), never through the Serverless variables.
    expect(JSON.stringify(p.resources)).not.toContain("handler");
    expect(JSON.stringify(p)).not.toContain("stand-in");
  });

  it("adds no policy when every header is turned off", () => {
    const off = Object.fromEntries(["strict-transport-security", "x-content-type-options", "x-frame-options", "content-security-policy", "referrer-policy"].map((h) => [h, false]));
    const p = parts({ hotPath: "cloudfront-function", headers: off });
    expect(p.resources.SecurityHeadersPolicy).toBeUndefined();
    // Only the methods the viewer check handles (a CORS preflight must reach it): the same as with lambda-edge.
    expect(p.behaviours.every).toEqual({ AllowedMethods: ["GET", "HEAD", "OPTIONS"], CachedMethods: ["GET", "HEAD"] });
    expect(parts({}).behaviours.every).toEqual(p.behaviours.every);
  });

  it("keeps the names within CloudFront's limit for the longest service and stage", () => {
    const p = parts({ hotPath: "cloudfront-function", deploy: { service: `s${"x".repeat(29)}`, stage: "y".repeat(16) } });
    const names = [
      (p.resources.CheckAuthFunction as { Properties: { Name: string } }).Properties.Name,
      (p.resources.SessionKeyValueStore as { Properties: { Name: string } }).Properties.Name,
      (p.resources.SecurityHeadersPolicy as { Properties: { ResponseHeadersPolicyConfig: { Name: string } } }).Properties.ResponseHeadersPolicyConfig.Name,
    ];
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(names[1]).toMatch(new RegExp(`-session-${contentHash(KVS)}$`));
  });

  it("asks for the build when the function is not built", () => {
    expect(() => parts({ hotPath: "cloudfront-function" }, "nodist")).toThrow("nodist/check-auth-function/kvs.json not found: run the build first");
  });
});
