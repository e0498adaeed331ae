/**
 * `npm start`'s environment: `EDGE_AUTH_MODE`, `EDGE_AUTH_HOT_PATH`, `EDGE_AUTH_SITES` and `EDGE_AUTH_PROVIDER` are
 * validated alike (and the combinations the stack cannot serve are refused), the generated local config carries
 * them through the config pipeline, and the banner says where everything is.
 */
import { describe, expect, it } from "vitest";
import { resolveAuthConfig, resolveConfig } from "../../../shared/config/resolve";
import type { ResolvedConfig } from "../../../shared/config/types";
import { SITE_HOSTS, localConfig } from "../../../local/local-config";
import type { LocalConfigInput } from "../../../local/local-config";
import { DEMO_USERS } from "../../../local/seed";
import type { AnyLocalStack } from "../../../local/stack";
import { banner, formatEntry, hotPathFromEnv, modeFromEnv, optionsFromEnv, providerFromEnv, sitesFromEnv, startFailure } from "../../../local/start";
import { cases } from "../../helpers/cases";

/** What `npm start` prints for an error thrown while reading the environment. */
const failure = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return startFailure(err);
  }
  return "no error";
};

/** Each variable: the values it accepts (and what they mean), the values it refuses, and the refusal's words. */
const VARIABLES: [string, (value: string | undefined) => unknown, [string | undefined, unknown][], string[], string][] = [
  ["EDGE_AUTH_MODE", modeFromEnv, [[undefined, "static"], ["", "static"], ["static", "static"], ["spa", "spa"]], ["SPA", "token", " spa"], "is not a mode (static or spa)"],
  [
    "EDGE_AUTH_HOT_PATH",
    hotPathFromEnv,
    [[undefined, "lambda-edge"], ["", "lambda-edge"], ["lambda-edge", "lambda-edge"], ["cloudfront-function", "cloudfront-function"]],
    ["cloudfront", "CloudFront-Function", " lambda-edge", "function"],
    "is not a hot path (lambda-edge or cloudfront-function)",
  ],
  ["EDGE_AUTH_SITES", sitesFromEnv, [[undefined, 1], ["", 1], ["1", 1], ["2", 2]], ["0", "3", "two", " 2", "2.0", "-1"], "is not a number of sites (1 or 2)"],
  ["EDGE_AUTH_PROVIDER", providerFromEnv, [[undefined, "cognito"], ["", "cognito"], ["cognito", "cognito"], ["oidc", "oidc"]], ["OIDC", "okta", "cognito-local", " oidc"], "is not a provider (cognito or oidc)"],
];

describe.each(VARIABLES)("%s", (name, read, accepted, refused, why) => {
  cases("%s is %s", read, accepted);

  it.each(refused)("%s is refused, naming the variable and the choices", (value) => {
    expect(failure(() => read(value))).toBe(`npm start failed: ${name}=${value} ${why}`);
  });
});

describe("the environment together", () => {
  it("defaults: one static site on cognito-local, lambda-edge", () => {
    expect(optionsFromEnv({})).toEqual({ mode: "static", hotPath: "lambda-edge", sites: 1, provider: "cognito" });
  });

  it("two sites on the OIDC provider with the CloudFront Function", () => {
    expect(optionsFromEnv({ EDGE_AUTH_SITES: "2", EDGE_AUTH_PROVIDER: "oidc", EDGE_AUTH_HOT_PATH: "cloudfront-function" })).toEqual({
      mode: "static",
      hotPath: "cloudfront-function",
      sites: 2,
      provider: "oidc",
    });
  });

  it.each([
    [{ EDGE_AUTH_MODE: "spa", EDGE_AUTH_SITES: "2" }, "EDGE_AUTH_MODE=spa works with one site: its Amplify JS demo page is built for one app client (unset EDGE_AUTH_SITES)"],
    [{ EDGE_AUTH_MODE: "spa", EDGE_AUTH_PROVIDER: "oidc" }, "EDGE_AUTH_MODE=spa works with cognito-local only: its Amplify JS demo page reads a Cognito session (unset EDGE_AUTH_PROVIDER)"],
    [{ EDGE_AUTH_SITES: "2", EDGE_AUTH_PROVIDER: "keycloak" }, "EDGE_AUTH_PROVIDER=keycloak is not a provider (cognito or oidc)"],
  ])("%j is refused: %s", (env, message) => {
    expect(failure(() => optionsFromEnv(env))).toBe(`npm start failed: ${message}`);
  });
});

describe("the local config", () => {
  const cognito = { type: "cognito" as const, userPoolId: "local_abc", authUrl: "http://localhost:9230", cognitoUrl: "http://localhost:9229" };
  const secrets = { nonceSigningSecret: "n".repeat(32), sessionSigningSecret: "s".repeat(43) };
  /** Resolved as the build would, with the keys and the provider's discovery document the build would fetch. */
  const resolveAll = (input: LocalConfigInput) => {
    const raw = localConfig(input);
    const discovery = {
      "http://localhost:9232": {
        issuer: "http://localhost:9232",
        authorization_endpoint: "http://localhost:9232/auth",
        token_endpoint: "http://localhost:9232/token",
        jwks_uri: "http://localhost:9232/jwks",
        revocation_endpoint: "http://localhost:9232/token/revocation",
        end_session_endpoint: "http://localhost:9232/session/end",
        scopes_supported: ["openid", "offline_access", "email", "profile"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "none"],
      },
    };
    const r = resolveAuthConfig({ ...raw, jwks: { keys: [] } }, { ...secrets, discovery });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    return { raw, ...r.config };
  };
  const resolve = (raw: Record<string, unknown>): ResolvedConfig => {
    const r = resolveConfig({ ...raw, jwks: { keys: [] } }, secrets);
    if (!r.ok) throw new Error(r.errors.join("\n"));
    return r.config;
  };

  it.each([
    [{}, "lambda-edge", "static"],
    [{ hotPath: "cloudfront-function" as const }, "cloudfront-function", "static"],
    [{ hotPath: "cloudfront-function" as const, mode: "spa" as const }, "cloudfront-function", "spa"],
  ])("%j resolves with hotPath %s and mode %s, sign-in on /signin", (extra, hotPath, mode) => {
    const config = resolve(localConfig({ provider: cognito, clients: [{ clientId: "client123" }], ...extra }));
    expect([config.hotPath, config.mode, config.paths.signIn, config.mergeOriginCsp]).toEqual([hotPath, mode, "/signin", false]);
  });

  it("one site answers any host, with the pool's client and the Cognito triggers", () => {
    const { raw, sites, triggers } = resolveAll({ provider: cognito, clients: [{ clientId: "client123" }] });
    expect(sites.map((s) => [s.hosts, s.config.clientId])).toEqual([[["*"], "client123"]]);
    expect(raw.sites).toBeUndefined();
    expect(triggers.preTokenGeneration).toBeDefined();
    expect(triggers.postConfirmation?.defaultGroup).toBe("users");
  });

  it("two sites: site-a.localhost and site-b.localhost, each its own client; site B's own rules; the rest shared", () => {
    const { sites } = resolveAll({ provider: cognito, clients: [{ clientId: "clientA" }, { clientId: "clientB" }] });
    expect(sites.map((s) => [s.hosts, s.config.clientId])).toEqual([
      [["site-a.localhost"], "clientA"],
      [["site-b.localhost"], "clientB"],
    ]);
    expect(sites.map((s) => s.config.rules)).toEqual([[{ path: "/admin/*", groups: ["admins"] }], [{ path: "/admin/*", groups: ["admins", "users"] }]]);
    for (const s of sites) {
      expect(s.config.issuer).toBe("http://localhost:9229/local_abc");
      expect(s.config.publicPaths).toEqual(["/public/*", "/favicon.ico"]);
      expect(s.config.cookie.domain).toBeUndefined();
    }
    expect(SITE_HOSTS).toEqual(["site-a.localhost", "site-b.localhost"]);
  });

  it("the OIDC provider: its issuer and groups claim, no pool, no Hosted UI domain, no triggers; a confidential and a public client", () => {
    const { raw, sites, triggers } = resolveAll({
      provider: { type: "oidc", issuer: "http://localhost:9232" },
      clients: [{ clientId: "local-site-a", clientSecret: "s3cret+/%" }, { clientId: "local-site-b" }],
    });
    for (const key of ["region", "userPoolId", "domain", "issuer", "triggers"]) expect({ key, value: raw[key] }).toEqual({ key, value: undefined });
    // Nothing for the Cognito triggers to do: no group claims, no default group.
    expect([triggers.preTokenGeneration?.groupClaims, triggers.postConfirmation]).toEqual([undefined, {}]);
    const [a, b] = sites.map((s) => s.config);
    expect([a!.provider.type, a!.issuer, a!.groupsClaim, a!.usernameClaim]).toEqual(["oidc", "http://localhost:9232", "groups", "preferred_username"]);
    expect([a!.clientSecret, a!.provider.clientAuth]).toEqual(["s3cret+/%", "client_secret_basic"]);
    expect([b!.clientSecret, b!.provider.clientAuth]).toEqual([undefined, "none"]);
    expect(a!.provider.endSessionEndpoint).toBe("http://localhost:9232/session/end");
    expect(a!.scopes).toContain("offline_access");
  });

  it.each([0, 3])("%i clients are refused", (n) => {
    expect(() => localConfig({ provider: cognito, clients: Array.from({ length: n }, (_, i) => ({ clientId: `c${i}` })) })).toThrow("the local stack serves 1 or 2 sites");
  });
});

describe("the banner", () => {
  const base = {
    authUrl: "http://localhost:9230",
    users: [...DEMO_USERS],
    config: { paths: { signIn: "/signin" } } as ResolvedConfig,
    mode: "static" as const,
    hotPath: "lambda-edge" as const,
    configPath: "/x/.local/auth.config.json",
    outdir: "/x/.local/dist",
    stop: async () => {},
  };
  const cognito = { provider: "cognito" as const, cognitoUrl: "http://localhost:9229", lambdaUrl: "http://localhost:9231", userPoolId: "local_abc", cognitoApi: async () => ({}) as never };
  // Colours off: the banner is compared as text.
  const text = (s: AnyLocalStack) => banner(s).join("\n").replace(/\x1b\[\d+m/g, "");

  it("one site: its URL and the Hosted UI, the demo accounts", () => {
    const out = text({ ...base, ...cognito, url: "http://localhost:3000", clientId: "c1", sites: [{ url: "http://localhost:3000", host: "localhost", clientId: "c1" }] });
    expect(out).toMatch(/^ {2}Site: {7}http:\/\/localhost:3000$/m);
    expect(out).toContain("Hosted UI:  http://localhost:9230   (cognito-local: http://localhost:9229, pool local_abc)");
    for (const u of DEMO_USERS) expect(out).toContain(u.password);
  });

  it("two sites: both URLs with their clients and rules, and the host with no site", () => {
    const sites = [
      { url: "http://site-a.localhost:3000", host: "site-a.localhost", clientId: "cA" },
      { url: "http://site-b.localhost:3000", host: "site-b.localhost", clientId: "cB" },
    ];
    const out = text({ ...base, ...cognito, url: sites[0]!.url, clientId: "cA", sites });
    expect(out).toContain("  Site A:     http://site-a.localhost:3000   (app client cA; /admin/*: admins)");
    expect(out).toContain("  Site B:     http://site-b.localhost:3000   (app client cB; /admin/*: admins, users)");
    expect(out).toContain("http://other.localhost:3000/ (no site: 421)");
  });

  it("the OIDC provider: its issuer and which client is confidential, never the secret", () => {
    const secret = "abcDEF123+/%";
    const sites = [
      { url: "http://site-a.localhost:3000", host: "site-a.localhost", clientId: "local-site-a", clientSecret: secret },
      { url: "http://site-b.localhost:3000", host: "site-b.localhost", clientId: "local-site-b" },
    ];
    const out = text({ ...base, provider: "oidc", issuer: "http://localhost:9232", url: sites[0]!.url, clientId: "local-site-a", sites });
    expect(out).toContain("Provider:   http://localhost:9232   (oidc-provider, OpenID Connect; local-site-a: confidential, local-site-b: public)");
    expect(out).not.toContain(secret);
  });
});

describe("the request log", () => {
  const entry = { method: "GET", path: "/admin/", host: "site-b.localhost:3000", status: 302, answeredBy: "check-auth", reason: "no-session", ms: 3 };
  const plain = (s: string) => s.replace(/\x1b\[\d+m/g, "");

  it("names the site's host when the stack has several sites, without the port", () => {
    expect(plain(formatEntry(entry, true))).toBe("GET  site-b.localhost /admin/ → 302 check-auth (no-session) 3 ms");
  });

  it("leaves it out for one site, as before", () => {
    expect(plain(formatEntry(entry))).toBe("GET  /admin/ → 302 check-auth (no-session) 3 ms");
  });
});
