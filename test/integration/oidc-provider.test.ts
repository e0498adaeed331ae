/**
 * Any OpenID Connect provider, proven against a real, OpenID Certified one (panva's oidc-provider on loopback)
 * through the BUILT bundles: discovery read at build, the code flow with PKCE and nonce, confidential (with a
 * secret that needs RFC 6749 form encoding) and public clients, ES256 and PS256 id tokens, refresh with rotation,
 * revocation and RP-initiated logout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar } from "../helpers/cognito-stand-in";
import { buildWith } from "../helpers/build";
import type { Built } from "../helpers/build";
import { header, setCookies, viewerRequest } from "../helpers/events";
import { CONFIDENTIAL_SECRET, OIDC_USER, signInAtProvider, startTestProvider } from "../helpers/oidc-provider";
import type { TestProvider } from "../helpers/oidc-provider";

const HOST = "www.example.com";
type Handler = (e: unknown) => Promise<Record<string, unknown>>;

let idp: TestProvider;
beforeAll(async () => {
  idp = await startTestProvider({ redirectUris: [`https://${HOST}/parseauth`], postLogoutUris: [`https://${HOST}/`] });
}, 30_000);
afterAll(() => idp?.stop());

async function site(clientId: string, extra: Record<string, unknown> = {}): Promise<{ built: Built; fn: (n: string) => Handler }> {
  const built = await buildWith({
    provider: { type: "oidc", issuer: idp.issuer },
    clientId,
    publicPaths: ["/public/*"],
    rules: [{ path: "/admin/*", groups: ["admins"] }],
    forwardIdentity: true,
    ...extra,
  });
  expect(built.status, built.stderr + built.stdout).toBe(0);
  return { built, fn: (n) => built.load(n).handler as Handler };
}

const req = (jar: CookieJar, spec: Parameters<typeof viewerRequest>[0]) =>
  viewerRequest({ host: HOST, ...spec, ...(jar.cookies.size ? { cookies: [jar.header()] } : {}) });

/** check-auth → the provider's sign-in → parse-auth; the jar ends up with the session. */
async function signIn(s: Awaited<ReturnType<typeof site>>, jar: CookieJar, uri = "/admin/report") {
  const start = await s.fn("check-auth")(req(jar, { uri }));
  expect(start.status).toBe("302");
  jar.apply(setCookies(start));
  const authorize = header(start, "location")!;
  expect(authorize.startsWith(`${idp.issuer}/auth?`)).toBe(true);
  const back = await signInAtProvider(authorize, `https://${HOST}/parseauth`);
  const done = await s.fn("parse-auth")(req(jar, { uri: "/parseauth", querystring: back.search.slice(1) }));
  jar.apply(setCookies(done));
  return { authorize: new URL(authorize), done };
}

describe.each([
  ["a confidential client (client_secret_basic, form-encoded secret)", "confidential", { clientSecret: CONFIDENTIAL_SECRET }],
  ["a public client (PKCE only)", "public", {}],
  ["ES256 id tokens", "es256", {}],
  ["PS256 id tokens", "ps256", {}],
] as const)("%s", (_, client, extra) => {
  let s: Awaited<ReturnType<typeof site>>;
  beforeAll(async () => {
    s = await site(idp.clients[client], extra);
  }, 120_000);

  it("signs in with the code flow and PKCE, and returns to the page first asked for", async () => {
    const jar = new CookieJar();
    const { authorize, done } = await signIn(s, jar);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("scope")!.split(" ")).toContain("offline_access");
    expect(done.status, JSON.stringify(done.body ?? "")).toBe("302");
    expect(header(done, "location")).toBe(`https://${HOST}/admin/report`);
    // The next request is signed in, with the groups of the provider's groups claim and the verified e-mail.
    const page = await s.fn("check-auth")(req(jar, { uri: "/admin/report" }));
    expect(page.status).toBeUndefined();
    expect(header(page, "x-auth-user")).toBe(OIDC_USER.preferred_username);
    expect(header(page, "x-auth-email")).toBe(OIDC_USER.email);
    expect(header(page, "x-auth-groups")).toBe("staff,admins");
  });

  it("refreshes with a rotating refresh token, twice in a row", async () => {
    const jar = new CookieJar();
    await signIn(s, jar);
    for (let i = 0; i < 2; i++) {
      const r = await s.fn("refresh-auth")(req(jar, { uri: "/refreshauth", querystring: "return=%2Fadmin%2Freport" }));
      expect(r.status, JSON.stringify(r.body ?? "")).toBe("302");
      expect(header(r, "location")).toBe(`https://${HOST}/admin/report`);
      jar.apply(setCookies(r));
    }
    expect((await s.fn("check-auth")(req(jar, { uri: "/admin/report" }))).status).toBeUndefined();
  });

  it("signs out: revokes at the provider, then RP-initiated logout with id_token_hint", async () => {
    const jar = new CookieJar();
    await signIn(s, jar);
    const before = idp.seen.filter((x) => x.path === "/token/revocation").length;
    const out = await s.fn("sign-out")(req(jar, { uri: "/signout", headers: { "Sec-Fetch-Site": "same-origin" } }));
    expect(out.status).toBe("302");
    expect(idp.seen.filter((x) => x.path === "/token/revocation").length).toBe(before + 1);
    const loc = new URL(header(out, "location")!);
    expect(`${loc.origin}${loc.pathname}`).toBe(`${idp.issuer}/session/end`);
    expect(loc.searchParams.get("post_logout_redirect_uri")).toBe(`https://${HOST}/`);
    expect(loc.searchParams.get("client_id")).toBe(idp.clients[client]);
    expect(loc.searchParams.get("id_token_hint")).toMatch(/^ey/);
    // The revoked refresh token no longer refreshes: the next request signs in again.
    jar.apply(setCookies(out));
  });
});

describe("the build reads the provider's discovery document", () => {
  it("a provider whose document names another issuer fails the build", async () => {
    const built = await buildWith({ provider: { type: "oidc", issuer: `${idp.issuer}/` }, clientId: idp.clients.public });
    expect(built.status).not.toBe(0);
    expect(built.stderr).toContain("provider.issuer:");
  });

  it("groupsClaim reaches into nested claims (Keycloak's realm_access.roles)", async () => {
    const s = await site(idp.clients.public, { groupsClaim: "realm_access.roles", rules: [{ path: "/admin/*", groups: ["reader"] }] });
    const jar = new CookieJar();
    await signIn(s, jar);
    const page = await s.fn("check-auth")(req(jar, { uri: "/admin/report" }));
    expect(page.status).toBeUndefined();
    expect(header(page, "x-auth-groups")).toBe("reader");
  }, 120_000);
});
