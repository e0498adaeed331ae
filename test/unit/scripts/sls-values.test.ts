/**
 * scripts/sls-values.ts: the site cache policy moves with the hot path, and commands that package nothing
 * (`npm run remove`, `npm run upload-site`) get their values without a build.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slsValues } from "../../../scripts/sls-values";
import { SITE_CACHE_POLICY, SITE_CACHE_POLICY_ID } from "../../../scripts/sls-values-edge";

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

describe("slsValues with sites", () => {
  const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
  const created = (extra: Record<string, unknown> = {}) => {
    const configPath = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    const raw = {
      region: "eu-west-1",
      scopes: ["openid", "email"],
      rules: [{ path: "/admin/*", groups: ["admins"] }],
      sites: [
        { hosts: ["docs.example.com", "*.docs.example.com"], paths: { afterSignOut: "/bye" } },
        { hosts: ["shop.example.com"], scopes: ["openid", "profile"], rules: [{ path: "/staff/*", groups: ["staff"] }] },
        { hosts: ["*.wild.example.com"] },
      ],
      deploy: { certificateArn: CERT, userPool: { managedLogin: "v2" } },
      ...extra,
    };
    writeFileSync(configPath, JSON.stringify(raw));
    return slsValues({ AUTH_CONFIG: configPath, AUTH_OUTDIR: join(root, ".build", "no-such-build"), EDGE_AUTH_WITHOUT_BUILD: "1", EDGE_AUTH_SITE_HOSTS: "d111.cloudfront.net" });
  };
  // any: CloudFormation JSON
  const clients = (r: Record<string, any>) => Object.entries(r).filter(([, v]) => v.Type === "AWS::Cognito::UserPoolClient");

  it("one distribution: every site's host names are its aliases, under the one certificate", () => {
    expect(created().distribution).toMatchObject({
      Aliases: ["docs.example.com", "*.docs.example.com", "shop.example.com", "*.wild.example.com"],
      ViewerCertificate: { AcmCertificateArn: CERT, SslSupportMethod: "sni-only" },
    });
  });

  it("a created pool gets an app client per site, with that site's URLs and scopes, and an output for each", () => {
    const { Resources, Outputs } = created().poolResources;
    const byId = Object.fromEntries(clients(Resources));
    expect(Object.keys(byId)).toEqual(["UserPoolClient", "UserPoolClientSite2", "UserPoolClientSite3"]);
    expect(byId.UserPoolClient.Properties).toMatchObject({
      ClientName: "edge-auth-dev-edge",
      CallbackURLs: ["https://docs.example.com/parseauth"],
      LogoutURLs: ["https://docs.example.com/bye"],
      AllowedOAuthScopes: ["openid", "email"],
    });
    expect(byId.UserPoolClientSite2.Properties).toMatchObject({
      ClientName: "edge-auth-dev-edge-site2",
      CallbackURLs: ["https://shop.example.com/parseauth"],
      LogoutURLs: ["https://shop.example.com/"],
      AllowedOAuthScopes: ["openid", "profile"],
    });
    // No exact host: a wildcard cannot be a callback URL, so the client starts with none of the site's.
    expect(byId.UserPoolClientSite3.Properties.CallbackURLs).toEqual(["https://localhost/parseauth"]);
    // The distribution's own domain is no site's: it answers 421, so no client lists it.
    expect(JSON.stringify(byId)).not.toContain("cloudfront.net");
    expect(Outputs).toMatchObject({
      UserPoolClientId: { Value: { Ref: "UserPoolClient" } },
      UserPoolClientIdSite2: { Value: { Ref: "UserPoolClientSite2" } },
      UserPoolClientIdSite3: { Value: { Ref: "UserPoolClientSite3" } },
    });
    // Every site's rules make their groups; each client has its managed login style.
    const groups = Object.values(Resources).filter((r: any) => r.Type === "AWS::Cognito::UserPoolGroup").map((r: any) => r.Properties.GroupName);
    expect(groups.sort()).toEqual(["admins", "staff"]);
    const brandings = Object.values(Resources).filter((r: any) => r.Type === "AWS::Cognito::ManagedLoginBranding").map((r: any) => r.Properties.ClientId.Ref);
    expect(brandings).toEqual(["UserPoolClient", "UserPoolClientSite2", "UserPoolClientSite3"]);
  });

  it("without sites: one client for the aliases and the distribution's domain, as before", () => {
    const v = values({}, { EDGE_AUTH_WITHOUT_BUILD: "1" });
    expect(v.poolResources).toEqual({ Resources: {}, Outputs: {} });
    const { userPoolId: _p, clientId: _c, domain: _d, jwks: _j, ...noPool } = EXISTING;
    const configPath = join(dir, "single.json");
    writeFileSync(configPath, JSON.stringify({ ...noPool, deploy: { aliases: ["www.example.com"], certificateArn: CERT } }));
    const { Resources } = slsValues({ AUTH_CONFIG: configPath, AUTH_OUTDIR: join(root, ".build", "no-such-build"), EDGE_AUTH_WITHOUT_BUILD: "1", EDGE_AUTH_SITE_HOSTS: "d111.cloudfront.net" }).poolResources;
    const only = clients(Resources);
    expect(only.map(([id]) => id)).toEqual(["UserPoolClient"]);
    expect(only[0]![1].Properties.CallbackURLs).toEqual(["https://www.example.com/parseauth", "https://d111.cloudfront.net/parseauth"]);
  });
});
