/**
 * The user's own config run locally (local/own-config.ts): their edge settings kept, only the provider's keys
 * replaced by the local ones (each named with why, never a secret's value), what cannot run locally refused one
 * line each; and the local users file (local/local-users.ts) and `npm start`'s variables for both (local/start.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveAuthConfig } from "../../../shared/config/resolve";
import { LOCAL_USERS_FILE, parseLocalUsers, usersFilePath } from "../../../local/local-users";
import { isLocalHostName, ownLocalConfig, planOwnConfig } from "../../../local/own-config";
import type { LocalIds } from "../../../local/own-config";
import { DEMO_USERS } from "../../../local/seed";
import { banner, ownFromEnv, startFailure } from "../../../local/start";

type Raw = Record<string, unknown>;
const POOL = { region: "eu-west-1", userPoolId: "eu-west-1_AbCdEf123", clientId: "abcdef1234567890", domain: "auth.example.com" };
const LOCAL: LocalIds = {
  provider: { type: "cognito", userPoolId: "local_abc", authUrl: "http://localhost:9230", cognitoUrl: "http://localhost:9229" },
  clients: [{ clientId: "localclient1" }],
};
const TWO: LocalIds = { ...LOCAL, clients: [{ clientId: "localclient1" }, { clientId: "localclient2" }] };

/** Plans, merges and resolves `raw` as `npm start` would (keys as the build would fetch them). */
function run(raw: Raw, ids: LocalIds = LOCAL) {
  const planned = planOwnConfig(raw, "/home/me/project/auth.config.json");
  if (!planned.ok) throw new Error(planned.problems.join("\n"));
  const merged = ownLocalConfig(planned.plan, ids);
  const r = resolveAuthConfig({ ...merged.raw, jwks: { keys: [] } }, { nonceSigningSecret: "n".repeat(32), sessionSigningSecret: "s".repeat(43) });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return { ...merged, plan: planned.plan, config: r.config };
}

describe("the user's edge settings are kept", () => {
  const MINE = {
    ...POOL,
    rules: [{ path: "/members/*", groups: ["members"] }],
    publicPaths: ["/open/*"],
    apiPaths: ["/data/*"],
    paths: { callback: "/auth/callback", refresh: "/auth/refresh", signOut: "/auth/out", signIn: "/auth/in", afterSignOut: "/open/bye.html" },
    cookie: { sameSite: "strict" },
    headers: { "X-Frame-Options": "SAMEORIGIN" },
    hotPath: "cloudfront-function",
    mode: "spa",
    forwardIdentity: true,
    spaFallback: true,
    logLevel: "debug",
    triggers: { postConfirmation: { defaultGroup: "members" } },
  };
  it.each<[string, (c: ReturnType<typeof run>["config"]) => unknown, unknown]>([
    ["rules", (c) => c.edge.rules, [{ path: "/members/*", groups: ["members"] }]],
    ["publicPaths", (c) => c.edge.publicPaths, ["/open/*"]],
    ["apiPaths", (c) => c.edge.apiPaths, ["/data/*"]],
    ["paths", (c) => c.edge.paths, MINE.paths],
    ["cookie", (c) => c.edge.cookie.sameSite, "Strict"],
    ["headers", (c) => c.edge.headers["x-frame-options"], "SAMEORIGIN"],
    ["hotPath", (c) => c.edge.hotPath, "cloudfront-function"],
    ["mode", (c) => c.edge.mode, "spa"],
    ["forwardIdentity", (c) => c.edge.forwardIdentity, true],
    ["spaFallback", (c) => c.edge.spaFallback, true],
    ["logLevel", (c) => c.edge.logLevel, "debug"],
    ["triggers", (c) => c.triggers.postConfirmation.defaultGroup, "members"],
  ])("%s", (_, pick, expected) => {
    expect(pick(run(MINE).config)).toEqual(expected);
  });
});

describe("only the provider's keys are replaced, each named with why", () => {
  it.each<[string, Raw, (c: ReturnType<typeof run>) => unknown, unknown, RegExp | undefined]>([
    ["userPoolId", POOL, (r) => r.config.edge.userPoolId, "local_abc", /^userPoolId: eu-west-1_AbCdEf123 → local_abc \(the local pool/],
    ["region", POOL, (r) => r.config.edge.region, "us-east-1", /^region: eu-west-1 → us-east-1 /],
    ["clientId", POOL, (r) => r.config.edge.clientId, "localclient1", /^clientId: abcdef1234567890 → localclient1 /],
    ["domain (the Hosted UI)", POOL, (r) => r.config.edge.provider.authorizationEndpoint, "http://localhost:9230/oauth2/authorize", /^domain: auth\.example\.com → http:\/\/localhost:9230 /],
    ["issuer", POOL, (r) => r.config.edge.issuer, "http://localhost:9229/local_abc", /^issuer: http:\/\/localhost:9229\/local_abc /],
    ["clientSecret", { ...POOL, clientSecret: "s3cretvalue0123456789" }, (r) => r.config.edge.clientSecret, undefined, /^clientSecret: left out \(the local app clients are public/],
    ["jwks", { ...POOL, jwks: { keys: [{ kty: "RSA", kid: "k", n: "AQAB", e: "AQAB" }] } }, (r) => r.config.edge.jwks.keys, [], /^jwks: left out/],
    ["identityProvider", { ...POOL, identityProvider: "Google" }, (r) => r.config.edge.identityProvider, undefined, /^identityProvider: left out \(cognito-local signs in its own users/],
    ["deploy", { ...POOL, deploy: { stage: "prod" } }, (r) => r.config.deploy.stage, "dev", /^deploy: left out \(npm start deploys nothing\)/],
    ["a pool the deploy creates (no ids)", { region: "eu-west-1", deploy: { createUserPool: true, userPool: { domainPrefix: "my-site" } } }, (r) => r.config.edge.userPoolId, "local_abc", /^userPoolId: local_abc /],
    ["cookie.domain of a real domain", { ...POOL, cookie: { domain: "example.com", sameSite: "lax" } }, (r) => [r.config.edge.cookie.domain, r.config.edge.cookie.sameSite], [undefined, "Lax"], /^cookie\.domain: example\.com left out/],
    ["scopes the local clients do not allow", { ...POOL, scopes: ["openid", "email", "aws.cognito.signin.user.admin"] }, (r) => r.config.edge.scopes, ["openid", "email", "profile"], /^scopes: openid, email, aws\.cognito\.signin\.user\.admin → openid, email, profile/],
    [
      "an OpenID Connect provider, and its claim names",
      { clientId: "web", provider: { type: "oidc", issuer: "https://id.example.com/realms/x" }, groupsClaim: "realm_access.roles", usernameClaim: "preferred_username" },
      (r) => [r.config.edge.provider.type, r.config.edge.groupsClaim, r.config.edge.usernameClaim],
      ["cognito", "cognito:groups", "cognito:username"],
      /^provider: the OpenID Connect provider https:\/\/id\.example\.com\/realms\/x → cognito-local/,
    ],
  ])("%s", (_, raw, pick, expected, line) => {
    const r = run(raw);
    expect(pick(r)).toEqual(expected);
    if (line) expect(r.replaced.some((l) => line.test(l)), r.replaced.join("\n")).toBe(true);
  });

  it("a Cognito config's own claim names stay (a group claim its pre-token trigger adds)", () => {
    const r = run({ ...POOL, groupsClaim: "roles", triggers: { preTokenGeneration: { groupClaims: { claim: "roles", map: { admins: ["admin"] } } } } });
    expect(r.config.edge.groupsClaim).toBe("roles");
    expect(r.replaced.join("\n")).not.toContain("groupsClaim");
  });

  it("never prints a secret's value", () => {
    const secret = "Sup3rS3cretClientSecretValue";
    const r = run({ ...POOL, clientSecret: secret, nonceSigningSecret: "n".repeat(40) });
    expect(r.replaced.join("\n")).not.toContain(secret);
    expect(r.replaced.join("\n")).not.toContain("n".repeat(40));
  });

  it("file paths are made absolute against the config's folder (the built config lives elsewhere)", () => {
    const planned = planOwnConfig({ ...POOL, errorPages: { "403": "pages/403.html" } }, "/home/me/project/auth.config.json");
    expect(planned.ok && planned.plan.raw.errorPages).toEqual({ "403": "/home/me/project/pages/403.html" });
  });
});

describe("sites", () => {
  const sites = (hosts: string[][], extra: Raw[] = []) => ({ ...POOL, sites: hosts.map((h, i) => ({ hosts: h, ...extra[i] })) });

  it("each site keeps its local hosts and its own settings, and gets its own local app client", () => {
    const r = run(sites([["shop.localhost"], ["blog.localhost", "www.blog.localhost"]], [{ clientId: "shopclient" }, { clientId: "blogclient", rules: [{ path: "/drafts/*", groups: ["editors"] }] }]), TWO);
    expect(r.config.sites.map((s) => [s.hosts, s.config.clientId, s.config.rules])).toEqual([
      [["shop.localhost"], "localclient1", []],
      [["blog.localhost", "www.blog.localhost"], "localclient2", [{ path: "/drafts/*", groups: ["editors"] }]],
    ]);
    expect(r.plan.siteHosts).toEqual([["shop.localhost"], ["blog.localhost", "www.blog.localhost"]]);
    expect(r.plan.canonicalHost).toBe("shop.localhost");
  });

  it("a site with a real name and a local one answers on the local one, and says so", () => {
    const r = run(sites([["www.example.com", "www.localhost"], ["localhost"]]), TWO);
    expect(r.config.sites.map((s) => s.hosts)).toEqual([["www.localhost"], ["localhost"]]);
    expect(r.replaced).toContain("sites[0].hosts: www.example.com left out (a name that does not reach this machine by name); the site answers on www.localhost");
    expect(r.plan.canonicalHost).toBe("localhost");
  });

  it.each<[string, string[][], string[]]>([
    ["a custom domain", [["www.example.com"]], ['sites[0].hosts: "www.example.com" cannot be served locally: a local run answers on localhost and *.localhost names (browsers resolve them to this machine), and needs each host by name to sign in there; add one such as "www.localhost" to the site\'s hosts']],
    ["a wildcard, even a local one", [["localhost"], ["*.localhost"]], ['sites[1].hosts: "*.localhost" cannot be served locally: a local run answers on localhost and *.localhost names (browsers resolve them to this machine), and needs each host by name to sign in there; add one such as "site-2.localhost" to the site\'s hosts']],
    ["every problem at once", [["a.example.com"], ["b.example.org", "*.example.org"]], ["sites[0].hosts:", "sites[1].hosts:"]],
  ])("refused: %s", (_, hosts, problems) => {
    const planned = planOwnConfig(sites(hosts), "/x/auth.config.json");
    expect(planned.ok).toBe(false);
    const got = planned.ok ? [] : planned.problems;
    expect(got).toHaveLength(problems.length);
    problems.forEach((p, i) => expect(got[i]).toContain(p));
  });

  it.each([
    ["localhost", true],
    ["shop.localhost", true],
    ["a.b.localhost", true],
    ["*.localhost", false],
    ["localhost.example.com", false],
    ["example.com", false],
    ["127.0.0.1", false],
  ] as const)("isLocalHostName(%s) is %s", (host, local) => {
    expect(isLocalHostName(host)).toBe(local);
  });
});

describe("the local users file", () => {
  const taken = DEMO_USERS.map((u) => u.email);
  it.each<[string, unknown, string[] | undefined]>([
    ["users with groups", [{ email: "ed@example.com", password: "Editor-Passw0rd!", groups: ["editors", "editors"] }, { email: "x@example.com", password: "12345678" }], undefined],
    ["not an array", { users: [] }, ['must be a JSON array of { "email": "...", "password": "...", "groups": ["..."] }']],
    ["not an object", ["ed@example.com"], ['[0]: must be an object { "email": "...", "password": "...", "groups": ["..."] }']],
    ["no e-mail", [{ password: "12345678" }], ["[0].email: must be an e-mail address (the user signs in with it)"]],
    ["a demo user", [{ email: "Demo@example.com", password: "12345678" }], ["[0].email: Demo@example.com is a demo user"]],
    ["twice", [{ email: "a@example.com", password: "12345678" }, { email: "a@example.com", password: "12345678" }], ["[1].email: a@example.com is listed twice"]],
    ["a short password", [{ email: "a@example.com", password: "short" }], ["[0].password: must be a string of 8 to 256 characters"]],
    ["a group with a space", [{ email: "a@example.com", password: "12345678", groups: ["my group"] }], ["[0].groups: must be an array of at most 100 group names (1 to 128 characters, no spaces)"]],
    ["an unknown key", [{ email: "a@example.com", password: "12345678", group: ["x"] }], ["[0].group: unknown key (email, password, groups)"]],
  ])("%s", (_, json, problems) => {
    const r = parseLocalUsers(json, taken);
    if (!problems) {
      expect(r).toEqual({
        ok: true,
        users: [
          { email: "ed@example.com", password: "Editor-Passw0rd!", groups: ["editors"] },
          { email: "x@example.com", password: "12345678", groups: [] },
        ],
      });
    } else expect(r).toEqual({ ok: false, problems });
  });
});

describe("npm start's AUTH_CONFIG, SITE_DIR and AUTH_USERS", () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-auth-own-env-"));
  const config = join(dir, "auth.config.json");
  writeFileSync(config, JSON.stringify(POOL));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const failure = (env: NodeJS.ProcessEnv) => {
    try {
      ownFromEnv(env);
      return "no error";
    } catch (err) {
      return startFailure(err);
    }
  };

  it("nothing set: the sample", () => {
    expect(ownFromEnv({})).toEqual({});
  });

  it("AUTH_CONFIG and SITE_DIR; local-users.json next to the config is read when there is one", () => {
    expect(ownFromEnv({ AUTH_CONFIG: config, SITE_DIR: dir })).toEqual({ siteDir: dir, ownConfig: { path: config, users: [] } });
    writeFileSync(join(dir, LOCAL_USERS_FILE), JSON.stringify([{ email: "m@example.com", password: "Member-Passw0rd!", groups: ["members"] }]));
    expect(usersFilePath(undefined, config)).toBe(join(dir, LOCAL_USERS_FILE));
    expect(ownFromEnv({ AUTH_CONFIG: config }).ownConfig?.users).toEqual([{ email: "m@example.com", password: "Member-Passw0rd!", groups: ["members"] }]);
    rmSync(join(dir, LOCAL_USERS_FILE));
  });

  it("AUTH_USERS names the file", () => {
    const file = join(dir, "people.json");
    writeFileSync(file, JSON.stringify([{ email: "p@example.com", password: "People-Passw0rd!", groups: ["staff"] }]));
    expect(ownFromEnv({ AUTH_CONFIG: config, AUTH_USERS: file }).ownConfig?.users?.map((u) => u.email)).toEqual(["p@example.com"]);
  });

  it.each<[NodeJS.ProcessEnv, string]>([
    [{ AUTH_CONFIG: "x", EDGE_AUTH_MODE: "spa" }, "EDGE_AUTH_MODE does not apply with AUTH_CONFIG: your config's mode is used (unset EDGE_AUTH_MODE)"],
    [{ AUTH_CONFIG: "x", EDGE_AUTH_HOT_PATH: "cloudfront-function" }, "EDGE_AUTH_HOT_PATH does not apply with AUTH_CONFIG: your config's hotPath is used (unset EDGE_AUTH_HOT_PATH)"],
    [{ AUTH_CONFIG: "x", EDGE_AUTH_SITES: "2" }, "EDGE_AUTH_SITES does not apply with AUTH_CONFIG: your config's sites is used (unset EDGE_AUTH_SITES)"],
    [{ AUTH_CONFIG: "x", EDGE_AUTH_PROVIDER: "oidc" }, "EDGE_AUTH_PROVIDER=oidc does not apply with AUTH_CONFIG: your config runs on cognito-local, in place of its provider (unset EDGE_AUTH_PROVIDER)"],
    [{ AUTH_USERS: "users.json" }, "AUTH_USERS adds users for your own config's rules: set AUTH_CONFIG too"],
    [{ SITE_DIR: "/no/such/folder" }, "SITE_DIR=/no/such/folder is not a folder"],
    [{ AUTH_CONFIG: "x", AUTH_USERS: "/no/such/users.json" }, "users file /no/such/users.json: not found"],
  ])("%j is refused", (env, message) => {
    expect(failure(env)).toBe(`npm start failed: ${message}`);
  });
});

describe("the banner of an own config", () => {
  it("names the config and the site folder, every replaced setting, each site's rules, and every user with their groups", () => {
    const r = run({ ...POOL, rules: [{ path: "/members/*", groups: ["members"] }] });
    const users = [...DEMO_USERS, { email: "m@example.com", password: "Member-Passw0rd!", groups: ["members", "staff"] }];
    const stack = {
      provider: "cognito" as const,
      url: "http://localhost:3000",
      authUrl: "http://localhost:9230",
      cognitoUrl: "http://localhost:9229",
      lambdaUrl: "http://localhost:9231",
      userPoolId: "local_abc",
      cognitoApi: async () => ({}) as never,
      clientId: "localclient1",
      sites: [{ url: "http://localhost:3000", host: "localhost", clientId: "localclient1", rules: r.config.edge.rules }],
      users,
      config: r.config.edge,
      mode: "static" as const,
      hotPath: "lambda-edge" as const,
      configPath: "/x/.local/auth.config.json",
      outdir: "/x/.local/dist",
      own: { configPath: "/home/me/project/auth.config.json", siteDir: "/home/me/project/site", replaced: r.replaced },
      stop: async () => {},
    };
    const out = banner(stack).join("\n").replace(/\x1b\[\d+m/g, "");
    expect(out).toContain("Your config: /home/me/project/auth.config.json   Your site: /home/me/project/site");
    for (const line of r.replaced) expect(out).toContain(`    ${line}`);
    expect(out).toContain("(app client localclient1; /members/*: members)");
    for (const u of DEMO_USERS) expect(out).toMatch(new RegExp(`${u.email.replace(/\./g, "\\.")} +${u.password} +groups: ${u.groups.join(", ")}`));
    // A users file's passwords stay in the file.
    expect(out).toMatch(/m@example\.com +\(users file\) +groups: members, staff/);
    expect(out).not.toContain("Member-Passw0rd!");
    expect(out).toContain("Try: http://localhost:3000/  ·  http://localhost:3000/members/  ·  http://localhost:3000/signout");
    expect(out).not.toContain("/admin/");
  });
});
