/** The config pipeline's `sites` and `provider`: merging, cross-site checks, OpenID Connect discovery. */
import { describe, expect, it } from "vitest";
import { aliasCovers, missingDeployKeys, missingEndpoints, resolveAuthConfig, resolveDeployConfig } from "../../../shared/config/resolve";
import { absolutePaths, resolveForDeploy, withPoolPlaceholders } from "../../../shared/config/load";
import type { ResolveExtra } from "../../../shared/config/resolve";
import { cases } from "../../helpers/cases";

const JWKS = { keys: [{ kty: "RSA", kid: "k", n: "AQAB", e: "AQAB" }] };
const COGNITO = { region: "eu-west-1", userPoolId: "eu-west-1_AbC123", domain: "auth.example.com", jwks: JWKS };
const resolve = (raw: Record<string, unknown>, extra: ResolveExtra = {}) => resolveAuthConfig(raw, extra);
const errorsOf = (raw: Record<string, unknown>, extra: ResolveExtra = {}) => {
  const r = resolve(raw, extra);
  return r.ok ? [] : r.errors;
};

describe("sites", () => {
  const two = {
    ...COGNITO,
    publicPaths: ["/public/*"],
    cookie: { sameSite: "Strict" },
    paths: { afterSignOut: "/bye" },
    sites: [
      { hosts: ["a.example.com", "*.a.example.com"], clientId: "clientA", rules: [{ path: "/admin/*", groups: ["a-admins"] }] },
      { hosts: ["b.example.com"], clientId: "clientB", clientSecret: "secretB", cookie: { domain: "b.example.com" }, paths: { afterSignOut: "/b-bye" }, mode: "spa" },
    ],
  };

  it("each site takes its keys over the top level's, objects key by key", () => {
    const r = resolve({ ...two, sites: [two.sites[0], { ...two.sites[1], mode: "static" }] });
    expect(r.ok, r.ok ? "" : r.errors.join("; ")).toBe(true);
    if (!r.ok) return;
    const [a, b] = r.config.sites;
    expect(a!.hosts).toEqual(["a.example.com", "*.a.example.com"]);
    expect(a!.config).toMatchObject({ clientId: "clientA", publicPaths: ["/public/*"], rules: [{ path: "/admin/*", groups: ["a-admins"] }], cookie: { sameSite: "Strict" } });
    expect(a!.config.paths.afterSignOut).toBe("/bye");
    expect(b!.config).toMatchObject({ clientId: "clientB", clientSecret: "secretB", rules: [], cookie: { sameSite: "Strict", domain: "b.example.com" } });
    expect(b!.config.paths).toMatchObject({ afterSignOut: "/b-bye", callback: "/parseauth" });
    expect(r.config.edge).toBe(a!.config);
  });

  it("without sites: one site, any host", () => {
    const r = resolve({ ...COGNITO, clientId: "c1" });
    expect(r.ok && r.config.sites.map((s) => s.hosts)).toEqual([["*"]]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a host in two sites", { sites: [{ hosts: ["a.example.com"], clientId: "c1" }, { hosts: ["a.example.com"], clientId: "c2" }] }, 'sites[1].hosts: "a.example.com" is also a host of sites[0]'],
    ["one app client for two sites", { sites: [{ hosts: ["a.example.com"], clientId: "c1" }, { hosts: ["b.example.com"], clientId: "c1" }] }, "sites[1].clientId: is also the app client of sites[0]"],
    ["different callback paths", { sites: [{ hosts: ["a.example.com"], clientId: "c1" }, { hosts: ["b.example.com"], clientId: "c2", paths: { callback: "/cb" } }] }, "sites[1].paths.callback: must be the same for every site"],
    ["a site without an app client", { sites: [{ hosts: ["a.example.com"] }] }, "sites[0].clientId: is required"],
    ["a bad host", { sites: [{ hosts: ["A.example.com:80"], clientId: "c1" }] }, "sites[0].hosts: every entry must be a lower-case host name"],
    ["a wildcard in the middle", { sites: [{ hosts: ["a.*.example.com"], clientId: "c1" }] }, "sites[0].hosts:"],
    ["a key no site may set", { sites: [{ hosts: ["a.example.com"], clientId: "c1", hotPath: "cloudfront-function" }] }, "sites[0].hotPath: unknown key"],
    ["a misspelt site key", { sites: [{ hosts: ["a.example.com"], clientID: "c1" }] }, 'sites[0].clientID: unknown key; did you mean "clientId"?'],
    ["an empty list", { sites: [] }, "sites: must be a non-empty array of sites"],
  ])("%s", (_, extra, message) => {
    const errors = errorsOf({ ...COGNITO, ...extra });
    expect(errors.some((e) => e.startsWith(message)), errors.join(" | ")).toBe(true);
  });
});

describe("sites, deployed", () => {
  const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
  const sites = [
    { hosts: ["a.example.com", "*.a.example.com"], clientId: "c1" },
    { hosts: ["b.example.com"], clientId: "c2" },
  ];
  const deployOf = (raw: Record<string, unknown>) => {
    const r = resolveDeployConfig(raw);
    if (!r.ok) throw new Error(r.errors.join("; "));
    return r.config;
  };

  cases("alias %s covers %s: %s", aliasCovers, [
    ["a.example.com", "a.example.com", true],
    ["A.Example.com", "a.example.com", true],
    ["*.a.example.com", "x.a.example.com", true],
    ["*.a.example.com", "*.a.example.com", true],
    ["*.a.example.com", "a.example.com", false],
    ["*.a.example.com", "x.y.a.example.com", false],
    ["*.a.example.com", "xa.example.com", false],
    ["*.example.com", "*.a.example.com", false],
    ["b.example.com", "a.example.com", false],
  ]);

  it("every site's host names are the aliases when deploy.aliases is left out, and a deploy then needs the certificate", () => {
    const d = deployOf({ ...COGNITO, sites });
    expect(d.aliases).toEqual(["a.example.com", "*.a.example.com", "b.example.com"]);
    expect(d.createUserPool).toBe(false);
    expect(missingDeployKeys(d)).toEqual([expect.stringMatching(/^deploy\.certificateArn: is required: the sites' host names \(a\.example\.com, \*\.a\.example\.com, b\.example\.com\)/)]);
    expect(missingDeployKeys(deployOf({ ...COGNITO, sites, deploy: { certificateArn: CERT } }))).toEqual([]);
    // A build (or npm start) of the same config needs no certificate.
    expect(resolve({ ...COGNITO, sites }).ok).toBe(true);
    expect(() => resolveForDeploy({ ...COGNITO, sites }, "auth.config.json")).toThrow(/deploy\.certificateArn: is required/);
  });

  it("given aliases must cover every site's host names", () => {
    expect(deployOf({ ...COGNITO, sites, deploy: { aliases: ["*.example.com", "*.a.example.com", "a.example.com"], certificateArn: CERT } }).aliases).toHaveLength(3);
    const r = resolveDeployConfig({ ...COGNITO, sites, deploy: { aliases: ["a.example.com", "*.a.example.com"], certificateArn: CERT } });
    expect(r.ok ? [] : r.errors).toEqual(['deploy.aliases: does not cover "b.example.com", a host of sites: CloudFront would refuse that site\'s requests (add it, or a *. alias for it)']);
  });

  it("a pool named by the sites means no pool is created; with createUserPool, no site may name one", () => {
    const { userPoolId: _pool, ...noPool } = COGNITO;
    expect(deployOf({ ...noPool, sites: sites.map((s) => ({ ...s, userPoolId: "eu-west-1_AbC123" })) }).createUserPool).toBe(false);
    expect(deployOf({ ...noPool, sites: [{ hosts: ["a.example.com"], clientId: "c1", provider: { type: "oidc", issuer: "https://id.example.com" } }] }).createUserPool).toBe(false);
    const bare = { region: "eu-west-1", sites: [{ hosts: ["a.example.com"] }, { hosts: ["b.example.com"] }] };
    expect(deployOf(bare).createUserPool).toBe(true);
    const r = resolveDeployConfig({ region: "eu-west-1", sites: [{ hosts: ["a.example.com"], clientId: "c1" }] });
    expect(r.ok ? [] : r.errors).toEqual(["sites[0].clientId: must be left out: deploy.createUserPool is true, so the new pool and an app client of its own for each site provide it"]);
  });

  it("before the pool exists, each site gets a stand-in client of its own, so the config resolves for packaging", () => {
    const bare = { region: "eu-west-1", jwks: JWKS, sites: [{ hosts: ["a.example.com"] }, { hosts: ["b.example.com"] }], deploy: { certificateArn: CERT } };
    const r = resolve(withPoolPlaceholders(bare, "p.auth.eu-west-1.amazoncognito.com"));
    expect(r.ok, r.ok ? "" : r.errors.join("; ")).toBe(true);
    if (r.ok) expect(r.config.sites.map((s) => s.config.clientId)).toEqual(["placeholderclientid1", "placeholderclientid2"]);
  });

  it("file paths become absolute against the config's folder, the sites' error pages too", () => {
    const raw = {
      errorPages: { "403": "pages/403.html", "404": "/abs/404.html" },
      sites: [{ hosts: ["a.example.com"], errorPages: { "401": "a/401.html" } }, { hosts: ["b.example.com"] }],
      triggers: { preTokenGeneration: { module: "claims/tenant.ts" } },
    };
    expect(absolutePaths(raw, "/home/me/site")).toEqual({
      errorPages: { "403": "/home/me/site/pages/403.html", "404": "/abs/404.html" },
      sites: [{ hosts: ["a.example.com"], errorPages: { "401": "/home/me/site/a/401.html" } }, { hosts: ["b.example.com"] }],
      triggers: { preTokenGeneration: { module: "/home/me/site/claims/tenant.ts" } },
    });
  });
});

describe("provider: any OpenID Connect provider", () => {
  const ISSUER = "https://idp.example.com/realms/main";
  const doc = {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/auth`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: `${ISSUER}/certs`,
    revocation_endpoint: `${ISSUER}/revoke`,
    end_session_endpoint: `${ISSUER}/logout`,
    scopes_supported: ["openid", "email", "offline_access"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt"],
  };
  const base = { provider: { type: "oidc", issuer: ISSUER }, clientId: "webapp", jwks: JWKS };

  it("takes its endpoints from the discovery document, adds offline_access, picks the client auth it lists", () => {
    const r = resolve({ ...base, clientSecret: "s3cr3t" }, { discovery: { [ISSUER]: doc } });
    expect(r.ok, r.ok ? "" : r.errors.join("; ")).toBe(true);
    if (!r.ok) return;
    const c = r.config.edge;
    expect(c.provider).toEqual({
      type: "oidc",
      issuer: ISSUER,
      authorizationEndpoint: `${ISSUER}/auth`,
      tokenEndpoint: `${ISSUER}/token`,
      revocationEndpoint: `${ISSUER}/revoke`,
      endSessionEndpoint: `${ISSUER}/logout`,
      jwksUri: `${ISSUER}/certs`,
      clientAuth: "client_secret_post",
      accessTokenJwt: false,
    });
    expect(c.scopes).toContain("offline_access");
    expect(c.groupsClaim).toBe("groups");
    expect(c.usernameClaim).toBe("preferred_username");
    expect(c.issuer).toBe(ISSUER);
    expect(c.region).toBe("");
  });

  it.each<[string, unknown, boolean]>([
    ["true", true, true],
    ["absent", undefined, false],
    ["false", false, false],
    ['the string "true" (not the boolean the spec defines)', "true", false],
  ])("authorization_response_iss_parameter_supported %s → a callback must carry iss: %s (RFC 9207)", (_, v, expected) => {
    const r = resolve(base, { discovery: { [ISSUER]: { ...doc, ...(v === undefined ? {} : { authorization_response_iss_parameter_supported: v }) } } });
    expect(r.ok).toBe(true);
    expect(r.ok && r.config.edge.provider.issParameter === true).toBe(expected);
  });

  it("a discovery document naming another issuer fails", () => {
    const errors = errorsOf(base, { discovery: { [ISSUER]: { ...doc, issuer: "https://evil.example.com" } } });
    expect(errors.some((e) => e.startsWith("provider.issuer:") && e.includes("names issuer"))).toBe(true);
  });

  it("endpoints in the config need no discovery; without either, the build still has to read it", () => {
    const given = { ...base, provider: { type: "oidc", issuer: ISSUER, authorizationEndpoint: `${ISSUER}/a`, tokenEndpoint: `${ISSUER}/t`, jwksUri: `${ISSUER}/k` } };
    const r = resolve(given);
    expect(r.ok && missingEndpoints(r.config.edge)).toEqual([]);
    expect(r.ok && r.config.edge.provider.revocationEndpoint).toBeUndefined();
    const bare = resolve(base);
    expect(bare.ok && missingEndpoints(bare.config.edge)).toEqual(["authorizationEndpoint", "tokenEndpoint", "jwksUri"]);
  });

  it("a discovery document without a required endpoint fails naming it", () => {
    const { token_endpoint: _, ...noToken } = doc;
    expect(errorsOf(base, { discovery: { [ISSUER]: noToken } })).toContain("provider.tokenEndpoint: the discovery document has no token_endpoint; set it in the config");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["Cognito keys with another provider", { region: "eu-west-1", userPoolId: "eu-west-1_AbC123" }, 'region: is for provider "cognito"'],
    ["client_secret_basic without a secret", { provider: { type: "oidc", issuer: ISSUER, clientAuth: "client_secret_basic" } }, "provider.clientAuth: is client_secret_basic, which needs a clientSecret"],
    ["none with a secret", { clientSecret: "x", provider: { type: "oidc", issuer: ISSUER, clientAuth: "none" } }, 'provider.clientAuth: is "none", but a clientSecret is set'],
    ["an http issuer off localhost", { provider: { type: "oidc", issuer: "http://idp.example.com" } }, "provider.issuer: http:// is accepted only for localhost"],
    ["a misspelt provider key", { provider: { type: "oidc", issuer: ISSUER, tokenEndPoint: "x" } }, 'provider.tokenEndPoint: unknown key; did you mean "tokenEndpoint"?'],
    ["an unknown provider", { provider: "okta" }, "provider: must be"],
  ])("%s", (_, extra, message) => {
    const errors = errorsOf({ ...base, ...extra }, { discovery: { [ISSUER]: doc } });
    expect(errors.some((e) => e.startsWith(message)), errors.join(" | ")).toBe(true);
  });

  it("Cognito stays the default, with its own endpoints and claims", () => {
    const r = resolve({ ...COGNITO, clientId: "c1", clientSecret: "abc" });
    expect(r.ok && r.config.edge.provider).toEqual({
      type: "cognito",
      issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
      authorizationEndpoint: "https://auth.example.com/oauth2/authorize",
      tokenEndpoint: "https://auth.example.com/oauth2/token",
      revocationEndpoint: "https://auth.example.com/oauth2/revoke",
      endSessionEndpoint: "https://auth.example.com/logout",
      jwksUri: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json",
      clientAuth: "client_secret_basic",
      accessTokenJwt: true,
    });
    expect(r.ok && [r.config.edge.groupsClaim, r.config.edge.usernameClaim]).toEqual(["cognito:groups", "cognito:username"]);
  });
});
