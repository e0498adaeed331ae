/**
 * End to end against a real, OpenID Certified provider: the local stack with `provider: "oidc"` runs panva's
 * oidc-provider on loopback instead of cognito-local, and a headless Chromium signs in on its login form through
 * the built edge functions, once per hot path. A confidential client (`client_secret_basic`, a generated secret
 * with `+`, `/` and `%`): identity headers from the provider's claims, `rules` on its `groups` claim, a silent
 * refresh with a rotated refresh token once the id token has expired, and sign-out that revokes at the provider
 * and ends its session (RP-initiated logout with `id_token_hint` and `post_logout_redirect_uri`). A public client:
 * sign-in with PKCE and no secret.
 */
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import type { RequestLogEntry } from "../../local/cloudfront";
import { startLocalStack } from "../../local/stack";
import type { LocalStackOptions, OidcLocalStack } from "../../local/stack";
import type { HotPath } from "../../shared/config/types";
import { E2E_FUNCTION_BUDGET_MS } from "../helpers/function-budget";
import { closeBrowser, freshBrowser, inFreshBrowser, submitSignIn } from "./browser";
import type { FreshBrowser } from "./browser";

const root = resolve(__dirname, "..", "..");
/** Short enough that the refresh test waits little, long enough to outlast refresh-auth's 15 s loop marker. */
const TOKEN_VALIDITY_SECONDS = 20;
const HOT_PATHS: readonly HotPath[] = ["lambda-edge", "cloudfront-function"];
const demo = { email: "demo@example.com", password: "Demo-Passw0rd!" };
const admin = { email: "admin@example.com", password: "Admin-Passw0rd!" };

afterAll(closeBrowser);

interface Whoami {
  signedIn: boolean;
  claims: Record<string, unknown>;
  identityHeaders: Record<string, string>;
}

async function whoami(page: Page): Promise<Whoami & { status: number }> {
  return page.evaluate(async () => {
    const res = await fetch("/api/whoami.json", { headers: { accept: "application/json" } });
    return { status: res.status, ...((await res.json()) as Whoami) };
  });
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

/** A local stack on the OIDC provider, its request log and its provider's log lines, for one describe block. */
function oidcStack(hotPath: HotPath, name: string, extra: Pick<LocalStackOptions, "oidcClients"> = {}) {
  const ctx = { stack: undefined as unknown as OidcLocalStack, requests: [] as RequestLogEntry[], providerLog: [] as string[], allLog: [] as string[] };
  const stateDir = join(root, ".local", `e2e-${process.pid}-oidc-${name}-${hotPath}`);
  beforeAll(async () => {
    ctx.stack = await startLocalStack({
      provider: "oidc",
      hotPath,
      ...extra,
      port: 0,
      oidcPort: 0,
      stateDir,
      tokenValiditySeconds: TOKEN_VALIDITY_SECONDS,
      cloudFrontFunctionBudgetMs: E2E_FUNCTION_BUDGET_MS,
      onRequest: (e) => {
        ctx.requests.push(e);
        ctx.allLog.push(JSON.stringify(e));
      },
      log: (l) => {
        ctx.allLog.push(l);
        if (l.startsWith("oidc ")) ctx.providerLog.push(l);
        if (process.env.E2E_VERBOSE) console.log(`[oidc ${name} ${hotPath}] ${l}`);
      },
    });
    expect([ctx.stack.provider, ctx.stack.config.hotPath]).toEqual(["oidc", hotPath]);
  });
  afterAll(async () => {
    await ctx.stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return ctx;
}

/**
 * Opens `path` signed out, signs in on the provider's login form, and returns the authorization request the edge
 * sent the browser to (every top-level navigation of the context is recorded).
 */
async function signIn(b: FreshBrowser, stack: OidcLocalStack, path: string, user: { email: string; password: string }): Promise<URL> {
  const navigations: string[] = [];
  b.context.on("request", (r) => {
    if (r.isNavigationRequest()) navigations.push(r.url());
  });
  await b.page.goto(`${stack.url}${path}`);
  expect(b.page.url().startsWith(`${stack.issuer}/interaction/`)).toBe(true);
  await submitSignIn(b.page, user.email, user.password);
  const authorize = navigations.find((u) => u.startsWith(`${stack.issuer}/auth?`));
  expect(authorize).toBeDefined();
  return new URL(authorize!);
}

async function cookiesOf(context: BrowserContext, stack: OidcLocalStack) {
  return (await context.cookies(stack.url)).filter((c) => c.domain === "localhost" && (c.name.startsWith("CognitoIdentityServiceProvider.") || c.name.includes("edgeauth")));
}

describe.each(HOT_PATHS)("the local stack on an OpenID Connect provider (oidc-provider), hotPath %s", (hotPath) => {
  const cff = hotPath === "cloudfront-function";

  describe("a confidential client", () => {
    const s = oidcStack(hotPath, "confidential");
    const answered = (from: number, paths: string[]) =>
      s.requests
        .slice(from)
        .filter((e) => paths.includes(e.path))
        .map((e) => `${e.answeredBy}:${e.reason ?? ""}`);
    // Signed in first and used again at the end (refresh, sign-out), so its id token expires while the other cases run.
    let b: FreshBrowser;
    let authorize: URL;
    let firstExp: number;
    beforeAll(async () => {
      b = await freshBrowser();
      authorize = await signIn(b, s.stack, "/", demo);
    });
    afterAll(async () => {
      await b?.close();
    });

    it("signs in with the code flow, PKCE and the client's secret; the origin gets identity headers from the provider's claims", async () => {
      const site = s.stack.sites[0]!;
      expect(site.clientSecret).toMatch(/\+\/%$/);
      expect([s.stack.config.provider.type, s.stack.config.provider.clientAuth, s.stack.config.groupsClaim]).toEqual(["oidc", "client_secret_basic", "groups"]);
      expect(authorize.searchParams.get("client_id")).toBe(site.clientId);
      expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
      expect(authorize.searchParams.get("redirect_uri")).toBe(`${s.stack.url}/parseauth`);
      expect(authorize.searchParams.get("scope")!.split(" ")).toEqual(expect.arrayContaining(["openid", "offline_access"]));
      expect(b.page.url()).toBe(`${s.stack.url}/`);
      const me = await whoami(b.page);
      expect(me.status).toBe(200);
      expect([me.claims.iss, me.claims.aud, me.claims.email, me.claims.groups]).toEqual([s.stack.issuer, site.clientId, demo.email, ["users"]]);
      expect(me.identityHeaders).toEqual({ "x-auth-user": demo.email, "x-auth-email": demo.email, "x-auth-groups": "users" });
      firstExp = me.claims.exp as number;
      // The sample page names the provider and the hot path that ran, as the demo origin reports the stack.
      await expect.poll(() => b.page.locator("#what-ran-provider").textContent()).toBe("You signed in at an OpenID Connect provider (provider type oidc; locally panva's oidc-provider).");
      await expect(b.page.locator("#what-ran-check").textContent()).resolves.toMatch(cff ? /^The CloudFront Function \(hotPath cloudfront-function\)/ : /^check-auth, a Lambda@Edge function \(hotPath lambda-edge\)/);
      // The code was exchanged with HTTP Basic (form-encoded secret): the provider, which checks it, answered 200.
      expect(s.providerLog.some((l) => l.startsWith("oidc POST /token → 200"))).toBe(true);
    });

    it("rules read the groups claim: the demo user gets 403 on /admin/; the admin (after a wrong password) gets in", async () => {
      const res = await b.page.goto(`${s.stack.url}/admin/`);
      expect(res?.status()).toBe(403);
      await inFreshBrowser(async (c) => {
        await c.page.goto(`${s.stack.url}/admin/`);
        await submitSignIn(c.page, admin.email, "Wrong-Passw0rd!");
        await expect(c.page.locator('[role="alert"]').textContent()).resolves.toBe("Incorrect username or password.");
        await expect(c.page.locator('input[name="username"]').inputValue()).resolves.toBe(admin.email);
        await submitSignIn(c.page, admin.email, admin.password);
        expect(c.page.url()).toBe(`${s.stack.url}/admin/`);
        await expect(c.page.locator("#admin-ok").count()).resolves.toBe(1);
        expect((await whoami(c.page)).identityHeaders["x-auth-groups"]).toBe("admins");
      });
    });

    it("refreshes silently once the id token has expired, and the provider rotates the refresh token", async () => {
      expect(firstExp).toBeTypeOf("number");
      const before = (await cookiesOf(b.context, s.stack)).find((c) => c.name.endsWith(".refreshToken"));
      expect(before).toBeDefined();
      await sleep(Math.max(0, firstExp * 1000 - Date.now()) + 1500);
      const from = s.requests.length;
      const res = await b.page.goto(`${s.stack.url}/?after=refresh`);
      expect(res?.status()).toBe(200);
      expect(b.page.url()).toBe(`${s.stack.url}/?after=refresh`);
      const seen = answered(from, ["/", s.stack.config.paths.refresh]);
      expect(seen).toContain(cff ? "check-auth-function:refresh" : "check-auth:expired");
      expect(seen).toContain("refresh-auth:refreshed");
      const me = await whoami(b.page);
      expect(me.claims.exp as number).toBeGreaterThan(firstExp);
      const after = (await cookiesOf(b.context, s.stack)).find((c) => c.name === before!.name);
      expect(after?.value).toBeDefined();
      expect(after!.value).not.toBe(before!.value);
    }, 60_000);

    it("signs out: revokes at the provider, ends its session with id_token_hint, and the next visit asks to sign in again", async () => {
      const refresh = (await cookiesOf(b.context, s.stack)).find((c) => c.name.endsWith(".refreshToken"));
      expect(refresh).toBeDefined();
      const site = s.stack.sites[0]!;
      const logFrom = s.providerLog.length;
      await b.page.goto(`${s.stack.url}/signout`);
      // The provider asks to confirm, as its end-session endpoint does.
      const endSession = new URL(b.page.url());
      expect(`${endSession.origin}${endSession.pathname}`).toBe(`${s.stack.issuer}/session/end`);
      expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(`${s.stack.url}/public/`);
      expect(endSession.searchParams.get("client_id")).toBe(site.clientId);
      const hint = claimsOf(endSession.searchParams.get("id_token_hint") ?? "");
      expect([hint.iss, hint.aud, hint.email]).toEqual([s.stack.issuer, site.clientId, demo.email]);
      expect(s.providerLog.slice(logFrom).some((l) => l.startsWith("oidc POST /token/revocation → 200"))).toBe(true);
      // The edge's cookies are gone already.
      expect(await cookiesOf(b.context, s.stack)).toEqual([]);
      await Promise.all([b.page.waitForURL(`${s.stack.url}/public/`), b.page.locator('button[value="yes"]').click()]);
      await expect.poll(() => b.page.locator("#session-status").textContent()).toMatch(/^You are signed out\./);
      // The provider refuses the revoked refresh token (client authentication as the edge sends it, RFC 6749 §2.3.1).
      const basic = Buffer.from(`${encodeURIComponent(site.clientId)}:${encodeURIComponent(site.clientSecret!)}`).toString("base64");
      const token = await fetch(`${s.stack.issuer}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refresh!.value }),
      });
      expect([token.status, ((await token.json()) as { error?: string }).error]).toEqual([400, "invalid_grant"]);
      // Its session ended too: the protected page shows the provider's login form again, not a silent sign-in.
      await b.page.goto(`${s.stack.url}/`);
      expect(b.page.url().startsWith(`${s.stack.issuer}/interaction/`)).toBe(true);
      await expect(b.page.locator('input[name="password"]').count()).resolves.toBe(1);
    });

    it("logs no secret, code or token: not the client secret, no JWT, no query string", () => {
      const secret = s.stack.sites[0]!.clientSecret!;
      expect(s.allLog.length).toBeGreaterThan(20);
      expect(s.allLog.filter((l) => l.includes(secret) || /eyJ[\w-]{10,}|[?&](code|state|id_token_hint)=/.test(l))).toEqual([]);
    });
  });

  describe("a public client", () => {
    const s = oidcStack(hotPath, "public", { oidcClients: ["public"] });

    it("signs in with PKCE and no secret", async () => {
      expect(s.stack.sites[0]!.clientSecret).toBeUndefined();
      expect([s.stack.config.clientSecret, s.stack.config.provider.clientAuth]).toEqual([undefined, "none"]);
      await inFreshBrowser(async (c) => {
        const authorize = await signIn(c, s.stack, "/deep/?x=1", demo);
        expect([authorize.searchParams.get("client_id"), authorize.searchParams.get("code_challenge_method")]).toEqual([s.stack.clientId, "S256"]);
        expect(authorize.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
        expect(c.page.url()).toBe(`${s.stack.url}/deep/?x=1`);
        const me = await whoami(c.page);
        expect([me.status, me.claims.aud, me.identityHeaders["x-auth-user"]]).toEqual([200, s.stack.clientId, demo.email]);
      });
    });
  });
});
