import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../../shared/config/resolve";
import { DEFAULT_PATHS, DEFAULT_SECURITY_HEADERS } from "../../../shared/config/types";
import type { ConfigResult } from "../../../shared/config/resolve";
import type { ResolvedConfig } from "../../../shared/config/types";
import { cases } from "../../helpers/cases";

const BASE = {
  region: "eu-west-1",
  userPoolId: "eu-west-1_AbCdEf123",
  clientId: "abcdef1234567890",
  domain: "auth.example.com",
} as const;

function ok(raw: Record<string, unknown>): ResolvedConfig {
  const r = resolveConfig({ ...BASE, ...raw });
  if (!r.ok) throw new Error(`expected ok, got ${r.errors.join("; ")}`);
  return r.config;
}

function errorsOf(r: ConfigResult): string[] {
  return r.ok ? [] : r.errors;
}

/** Asserts the config fails with an error whose message starts with the field name. */
function failsOn(raw: Record<string, unknown>, field: string): void {
  const errs = errorsOf(resolveConfig(raw));
  expect(errs.length, `expected an error for ${field}`).toBeGreaterThan(0);
  expect(errs.some((e) => e.startsWith(`${field}:`)), errs.join(" | ")).toBe(true);
}

describe("resolveConfig: not an object", () => {
  it.each([null, undefined, 1, "x", [], true])("%j is refused", (raw) => {
    expect(errorsOf(resolveConfig(raw))).toEqual(["config: must be a JSON object"]);
  });
});

describe("resolveConfig: required fields", () => {
  it.each(["region", "userPoolId", "clientId", "domain"])("missing %s is named", (field) => {
    const raw: Record<string, unknown> = { ...BASE };
    delete raw[field];
    failsOn(raw, field);
    expect(errorsOf(resolveConfig(raw)).find((e) => e.startsWith(`${field}:`))).toMatch(/is required/);
  });

  it.each(["region", "userPoolId", "clientId", "domain"])("empty or null %s counts as missing", (field) => {
    failsOn({ ...BASE, [field]: "" }, field);
    failsOn({ ...BASE, [field]: null }, field);
  });

  it("an empty object names every required field", () => {
    const errs = errorsOf(resolveConfig({}));
    for (const f of ["region", "userPoolId", "clientId", "domain"]) expect(errs.some((e) => e.startsWith(`${f}:`))).toBe(true);
  });
});

describe("resolveConfig: wrong types and values", () => {
  it.each<[string, unknown, string]>([
    ["region", 42, "region"],
    ["region", "Europe", "region"],
    ["region", ["eu-west-1"], "region"],
    ["userPoolId", "nounderscore", "userPoolId"],
    ["userPoolId", {}, "userPoolId"],
    ["clientId", "has space", "clientId"],
    ["clientId", 123, "clientId"],
    ["clientSecret", 5, "clientSecret"],
    ["clientSecret", "not/a/secret", "clientSecret"],
    ["domain", 7, "domain"],
    ["domain", ["auth.example.com"], "domain"],
    ["scopes", "openid", "scopes"],
    ["scopes", ["email"], "scopes"],
    ["scopes", ["openid", 3], "scopes[1]"],
    ["scopes", ["openid", "has space"], "scopes[1]"],
    ["issuer", "https://issuer.example.com/", "issuer"],
    ["issuer", "ftp://issuer.example.com", "issuer"],
    ["issuer", "http://issuer.example.com", "issuer"],
    ["issuer", 1, "issuer"],
    ["jwks", { keys: "no" }, "jwks"],
    ["jwks", [], "jwks"],
    ["jwks", { keys: [{ kid: "x" }] }, "jwks"],
    ["publicPaths", "/public/*", "publicPaths"],
    ["publicPaths", ["public/*"], "publicPaths"],
    ["apiPaths", ["/api/ x"], "apiPaths"],
    ["rules", {}, "rules"],
    ["rules", ["/admin/*"], "rules[0]"],
    ["rules", [{ path: "admin/*", groups: ["a"] }], "rules[0].path"],
    ["rules", [{ path: "/admin/*", groups: [] }], "rules[0].groups"],
    ["rules", [{ path: "/admin/*", groups: "admins" }], "rules[0].groups"],
    ["rules", [{ path: "/admin/*", groups: [""] }], "rules[0].groups"],
    ["rules", [{ path: "/a/*", groups: ["a"] }, { path: "/b/*" }], "rules[1].groups"],
    ["cookie", "Lax", "cookie"],
    ["cookie", { sameSite: "Loose" }, "cookie.sameSite"],
    ["cookie", { sameSite: 1 }, "cookie.sameSite"],
    ["cookie", { domain: "not a domain" }, "cookie.domain"],
    ["cookie", { refreshTokenMaxAge: 10 }, "cookie.refreshTokenMaxAge"],
    ["cookie", { refreshTokenMaxAge: 1.5e9 }, "cookie.refreshTokenMaxAge"],
    ["cookie", { refreshTokenMaxAge: "3600" }, "cookie.refreshTokenMaxAge"],
    ["cookie", { secure: false }, "cookie.secure"],
    ["timeouts", 3000, "timeouts"],
    ["timeouts", { token: 10 }, "timeouts.token"],
    ["timeouts", { jwks: 5000 }, "timeouts.jwks"],
    ["timeouts", { revoke: "1s" }, "timeouts.revoke"],
    ["timeouts", { other: 100 }, "timeouts.other"],
    ["headers", [], "headers"],
    ["headers", { "bad name": "x" }, "headers.bad name"],
    ["headers", { "x-a": "line\r\nbreak" }, "headers.x-a"],
    ["headers", { "x-a": "" }, "headers.x-a"],
    ["headers", { "x-a": 1 }, "headers.x-a"],
    ["nonceSigningSecret", "short", "nonceSigningSecret"],
    ["nonceSigningSecret", 123, "nonceSigningSecret"],
    ["logLevel", "verbose", "logLevel"],
    ["mode", "pwa", "mode"],
    ["forwardIdentity", "yes", "forwardIdentity"],
    ["indexRewrite", 1, "indexRewrite"],
    ["spaFallback", null, "spaFallback"],
    ["identityProvider", "Google Workspace", "identityProvider"],
    ["idpIdentifier", "a b", "idpIdentifier"],
    ["errorPages", "403.html", "errorPages"],
    ["errorPages", { "200": "ok.html" }, "errorPages.200"],
    ["errorPages", { "403": "" }, "errorPages.403"],
  ])("%s = %j fails naming %s", (field, value, named) => {
    failsOn({ ...BASE, [field]: value }, named);
  });

  it("spa mode with a client secret names clientSecret", () => {
    failsOn({ ...BASE, mode: "spa", clientSecret: "secret123" }, "clientSecret");
  });

  it("collects several errors at once", () => {
    const errs = errorsOf(resolveConfig({ ...BASE, region: 1, logLevel: "x", paths: { callback: "nope" } }));
    expect(errs.length).toBeGreaterThanOrEqual(3);
  });

  it("keys of every part of the product are known: $schema, triggers, deploy", () => {
    const r = resolveConfig({ ...BASE, deploy: {}, triggers: {}, $schema: "x" });
    expect(r).toMatchObject({ ok: true, warnings: [] });
  });
});

describe("resolveConfig: domain forms", () => {
  cases("%s → %s", (domain: string) => ok({ domain }).domain, [
    ["auth.example.com", "https://auth.example.com"],
    ["Auth.Example.COM", "https://auth.example.com"],
    ["my-pool.auth.eu-west-1.amazoncognito.com", "https://my-pool.auth.eu-west-1.amazoncognito.com"],
    ["https://auth.example.com", "https://auth.example.com"],
    ["https://auth.example.com/", "https://auth.example.com"],
    ["https://auth.example.com:8443", "https://auth.example.com:8443"],
    ["http://localhost:9229", "http://localhost:9229"],
    ["http://127.0.0.1:9229", "http://127.0.0.1:9229"],
    ["http://localhost", "http://localhost"],
  ]);

  it.each([
    "http://auth.example.com",
    "http://10.0.0.1:9229",
    "http://localhost.evil.com",
    "https://auth.example.com/path",
    "https://auth.example.com/?q=1",
    "https://auth.example.com#frag",
    "https://user:pw@auth.example.com",
    "ftp://auth.example.com",
    "javascript://auth.example.com",
    "auth.example.com/path",
    "auth example.com",
    "-auth.example.com",
    "https://",
    "://",
  ])("%s is refused naming domain", (domain) => {
    failsOn({ ...BASE, domain }, "domain");
  });
});

describe("resolveConfig: paths", () => {
  it("defaults", () => {
    expect(ok({}).paths).toEqual(DEFAULT_PATHS);
  });

  it("partial override keeps the other defaults", () => {
    expect(ok({ paths: { callback: "/auth/callback" } }).paths).toEqual({ ...DEFAULT_PATHS, callback: "/auth/callback" });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ callback: "parseauth" }, "paths.callback"],
    [{ callback: "//evil.com" }, "paths.callback"],
    [{ callback: "/a b" }, "paths.callback"],
    [{ callback: "/a*" }, "paths.callback"],
    [{ refresh: "/r?x=1" }, "paths.refresh"],
    [{ signOut: 5 }, "paths.signOut"],
    [{ afterSignOut: "https://evil.com/" }, "paths.afterSignOut"],
    [{ afterSignOut: "/signout" }, "paths.afterSignOut"],
    [{ login: "/login" }, "paths.login"],
    [{ callback: "/x", refresh: "/x" }, "paths"],
    [{ signOut: "/" }, "paths"],
  ])("%j fails naming %s", (paths, field) => {
    failsOn({ ...BASE, paths }, field);
  });

  it("not an object", () => {
    failsOn({ ...BASE, paths: "/parseauth" }, "paths");
  });
});

describe("resolveConfig: rules, globs, cookie, headers", () => {
  it("rules are kept, duplicate groups dropped", () => {
    expect(ok({ rules: [{ path: "/admin/*", groups: ["admins", "admins", "ops"] }] }).rules).toEqual([
      { path: "/admin/*", groups: ["admins", "ops"] },
    ]);
  });

  it("public and api globs are kept", () => {
    const c = ok({ publicPaths: ["/public/*", "/favicon.ico"], apiPaths: ["/api/*"] });
    expect(c.publicPaths).toEqual(["/public/*", "/favicon.ico"]);
    expect(c.apiPaths).toEqual(["/api/*"]);
  });

  it.each<[string, string]>([
    ["lax", "Lax"],
    ["Lax", "Lax"],
    ["STRICT", "Strict"],
    ["none", "None"],
  ])("cookie.sameSite %s → %s", (given, expected) => {
    expect(ok({ cookie: { sameSite: given } }).cookie.sameSite).toBe(expected);
  });

  it("cookie domain and refresh lifetime", () => {
    expect(ok({ cookie: { domain: ".example.com", refreshTokenMaxAge: 3600 } }).cookie).toEqual({
      sameSite: "Lax",
      domain: ".example.com",
      refreshTokenMaxAge: 3600,
    });
  });

  it("headers: false (or null) removes a default, others override or add", () => {
    const c = ok({ headers: { "X-Frame-Options": false, "Referrer-Policy": "no-referrer", "Permissions-Policy": "camera=()", "content-security-policy": null } });
    expect(c.headers["x-frame-options"]).toBeUndefined();
    expect(c.headers["content-security-policy"]).toBeUndefined();
    expect(c.headers["referrer-policy"]).toBe("no-referrer");
    expect(c.headers["permissions-policy"]).toBe("camera=()");
    expect(c.headers["strict-transport-security"]).toBe(DEFAULT_SECURITY_HEADERS["strict-transport-security"]);
  });
});

describe("resolveConfig: defaults", () => {
  it("applies every default", () => {
    const c = ok({});
    expect(c).toMatchObject({
      scopes: ["openid", "email", "profile"],
      issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
      jwksUri: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json",
      jwks: { keys: [] },
      paths: DEFAULT_PATHS,
      publicPaths: [],
      apiPaths: [],
      rules: [],
      cookie: { sameSite: "Lax", refreshTokenMaxAge: 30 * 24 * 3600 },
      headers: DEFAULT_SECURITY_HEADERS,
      logLevel: "info",
      timeouts: { token: 3000, revoke: 1500, jwks: 1500 },
      mode: "static",
      forwardIdentity: false,
      errorPages: {},
      indexRewrite: true,
      spaFallback: false,
    });
    expect(c.clientSecret).toBeUndefined();
    expect(c.identityProvider).toBeUndefined();
  });

  it("every timeout default is well inside the 5 s viewer limit", () => {
    const t = ok({}).timeouts;
    for (const v of Object.values(t)) expect(v).toBeLessThan(5000);
  });

  it("issuer override (emulator) drives jwksUri", () => {
    const c = ok({ issuer: "http://localhost:9229/eu-west-1_AbCdEf123" });
    expect(c.jwksUri).toBe("http://localhost:9229/eu-west-1_AbCdEf123/.well-known/jwks.json");
  });

  it("generated nonce secret is used when none is configured; a configured one wins", () => {
    expect(resolveConfig(BASE, { nonceSigningSecret: "g".repeat(40) })).toMatchObject({ ok: true, config: { nonceSigningSecret: "g".repeat(40) } });
    const own = "o".repeat(32);
    expect(resolveConfig({ ...BASE, nonceSigningSecret: own }, { nonceSigningSecret: "g".repeat(40) })).toMatchObject({
      ok: true,
      config: { nonceSigningSecret: own },
    });
  });

  it("jwks from the build (extra) is used when the config has none", () => {
    const jwks = { keys: [{ kty: "RSA", kid: "k1", n: "abc", e: "AQAB" }] };
    expect(resolveConfig(BASE, { jwks })).toMatchObject({ ok: true, config: { jwks } });
  });

  it("error page templates read by the build are baked per status", () => {
    const r = resolveConfig({ ...BASE, errorPages: { "403": "pages/403.html" } }, { errorPages: { "403": "<h1>{{title}}</h1>" } });
    expect(r).toMatchObject({ ok: true, config: { errorPages: { "403": "<h1>{{title}}</h1>" } } });
  });
});

describe("resolveConfig: timeouts fit the 5 s viewer limit together", () => {
  it.each([
    [{ token: 3000, jwks: 1000 }, true],
    [{ token: 4000, jwks: 50 }, false],
    [{ token: 2500, jwks: 2500 }, false],
  ])("%j → ok %s", (timeouts, expected) => {
    const r = resolveConfig({ ...BASE, timeouts });
    expect(r.ok).toBe(expected);
    if (!expected) failsOn({ ...BASE, timeouts }, "timeouts");
  });
});

describe("usernameClaim: the build warns when users can write it (x-auth-user would be theirs to choose)", () => {
  const OIDC = { provider: { type: "oidc", issuer: "https://idp.example.com", authorizationEndpoint: "https://idp.example.com/a", tokenEndpoint: "https://idp.example.com/t", jwksUri: "https://idp.example.com/k" }, clientId: "web" };
  const warningsOf = (raw: Record<string, unknown>) => {
    const r = resolveConfig(raw);
    if (!r.ok) throw new Error(r.errors.join("; "));
    return r.warnings.filter((w) => /usernameClaim/.test(w));
  };
  it.each<[string, Record<string, unknown>, RegExp | undefined]>([
    ["Cognito's default (cognito:username)", { ...BASE }, undefined],
    ["Cognito, sub", { ...BASE, usernameClaim: "sub" }, undefined],
    ["Cognito, email (forwarded only when verified)", { ...BASE, usernameClaim: "email" }, undefined],
    ["Cognito, phone_number (forwarded only when verified)", { ...BASE, usernameClaim: "phone_number" }, undefined],
    ["Cognito, preferred_username", { ...BASE, usernameClaim: "preferred_username" }, /^usernameClaim: users can set "preferred_username" themselves.*"cognito:username" or "sub"/],
    ["Cognito, a custom attribute", { ...BASE, usernameClaim: "custom:handle" }, /^usernameClaim: users can set "custom:handle" themselves/],
    ["Cognito, a claim in writableAttributes", { ...BASE, usernameClaim: "tenant_user", triggers: { preTokenGeneration: { writableAttributes: ["tenant_user"] } } }, /\(it is in writableAttributes\)/],
    ["oidc, its default (preferred_username, documented)", { ...OIDC }, undefined],
    ["oidc, sub", { ...OIDC, usernameClaim: "sub" }, undefined],
    ["oidc, nickname set explicitly", { ...OIDC, usernameClaim: "nickname" }, /^usernameClaim: users can set "nickname" themselves.*use a claim they cannot change \("sub"\)/],
    ["a site's own usernameClaim", { ...BASE, sites: [{ hosts: ["a.example.com"], clientId: "c1" }, { hosts: ["b.example.com"], clientId: "c2", usernameClaim: "name" }] }, /^sites\[1\]\.usernameClaim: users can set "name"/],
  ])("%s", (_, raw, expected) => {
    const w = warningsOf(raw);
    if (expected === undefined) expect(w).toEqual([]);
    else {
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(expected);
    }
  });
});
