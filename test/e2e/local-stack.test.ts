/**
 * End to end: a real headless Chromium against the local stack (cognito-local, the Hosted UI front, the built
 * edge bundles in the local CloudFront, the sample site), all on free loopback ports.
 */
import { lookup } from "node:dns/promises";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import type { RequestLogEntry } from "../../local/cloudfront";
import { startLocalStack } from "../../local/stack";
import type { LocalStack } from "../../local/stack";
import { freshBrowser, submitSignIn } from "./browser";

const root = resolve(__dirname, "..", "..");
/** Short enough that the refresh test waits little, long enough to outlast refresh-auth's 15 s loop marker. */
const TOKEN_VALIDITY_SECONDS = 20;

let stack: LocalStack;
const stateDir = join(root, ".local", `e2e-${process.pid}`);
const requests: RequestLogEntry[] = [];

const demo = { email: "demo@example.com", password: "Demo-Passw0rd!" };
const admin = { email: "admin@example.com", password: "Admin-Passw0rd!" };

/** Claims as the demo origin saw them (the page cannot read the HttpOnly token cookies itself). */
async function whoami(page: Page): Promise<{ signedIn: boolean; claims: Record<string, unknown>; identityHeaders: Record<string, string> }> {
  return page.evaluate(async () => {
    const res = await fetch("/api/whoami.json", { headers: { accept: "application/json" } });
    return (await res.json()) as { signedIn: boolean; claims: Record<string, unknown>; identityHeaders: Record<string, string> };
  });
}

/** Opens `path`, signs in on the Hosted UI and returns once back on the site. */
async function signIn(page: Page, path: string, user: { email: string; password: string }) {
  await page.goto(`${stack.url}${path}`);
  expect(page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
  await submitSignIn(page, user.email, user.password);
}

async function ourCookies(context: BrowserContext) {
  const site = new URL(stack.url);
  return (await context.cookies(stack.url)).filter((c) => c.domain === site.hostname);
}

describe("local stack in a real browser", () => {
  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      cognitoPort: 0,
      authFrontPort: 0,
      lambdaPort: 0,
      stateDir,
      tokenValiditySeconds: TOKEN_VALIDITY_SECONDS,
      onRequest: (e) => requests.push(e),
      log: (l) => (process.env.E2E_VERBOSE ? console.log(l) : undefined),
    });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("a deep link with a unicode path and query survives sign-in; the cookies are HttpOnly", async () => {
    const b = await freshBrowser();
    try {
      await signIn(b.page, "/deep/päth/?q=ü&x=1", demo);
      expect(b.page.url()).toBe(new URL(`${stack.url}/deep/päth/?q=ü&x=1`).href);
      const cookies = await ourCookies(b.context);
      const prefix = `CognitoIdentityServiceProvider.${stack.clientId}.`;
      const names = cookies.map((c) => c.name);
      for (const kind of ["idToken", "accessToken", "refreshToken"]) expect(names.some((n) => n.startsWith(prefix) && n.endsWith(`.${kind}`))).toBe(true);
      expect(names).toContain(`${prefix}LastAuthUser`);
      for (const c of cookies) expect({ name: c.name, httpOnly: c.httpOnly }).toEqual({ name: c.name, httpOnly: true });
      // The sign-in state cookie was cleared after the callback.
      expect(names.filter((n) => n.startsWith("edgeauth-signin."))).toEqual([]);
      // `document` exists in the page, not in this (Node) program: the function is serialised and run there.
      expect(await b.page.evaluate("document.cookie")).not.toMatch(/idToken|accessToken|refreshToken/);
    } finally {
      await b.close();
    }
  });

  it("the favicon and a parallel sign-in do not break a pending sign-in", async () => {
    const b = await freshBrowser();
    try {
      await b.page.goto(`${stack.url}/`);
      expect(b.page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
      // What a page's favicon request looks like, while the sign-in form is open: public, no new sign-in.
      const favicon = await b.context.request.get(`${stack.url}/favicon.ico`, { headers: { "sec-fetch-mode": "no-cors", accept: "image/*" } });
      expect(favicon.status()).toBe(200);
      expect(favicon.headers()["content-type"]).toBe("image/x-icon");
      // A protected background request gets 401 and starts no sign-in.
      const image = await b.context.request.get(`${stack.url}/admin/secret.png`, { headers: { "sec-fetch-mode": "no-cors", accept: "image/*" } });
      expect(image.status()).toBe(401);
      expect(image.headers()["set-cookie"] ?? "").not.toContain("edgeauth-signin.");
      // A second tab starts its own sign-in meanwhile.
      const second = await b.context.newPage();
      await second.goto(`${stack.url}/public/../`);
      expect(second.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
      await submitSignIn(b.page, demo.email, demo.password);
      expect(b.page.url()).toBe(`${stack.url}/`);
      await expect.poll(() => b.page.locator("#user").textContent()).toBe(demo.email);
    } finally {
      await b.close();
    }
  });

  describe("the demo user", () => {
    let b: Awaited<ReturnType<typeof freshBrowser>>;
    beforeAll(async () => {
      b = await freshBrowser();
      await signIn(b.page, "/", demo);
    });
    afterAll(async () => {
      await b?.close();
    });

    it("sees who is signed in and the claims, through the demo origin", async () => {
      await expect.poll(() => b.page.locator("#user").textContent()).toBe(demo.email);
      const me = await whoami(b.page);
      expect(me.signedIn).toBe(true);
      expect(me.claims.email).toBe(demo.email);
      expect(me.claims["cognito:groups"]).toEqual(["users"]);
      expect(me.identityHeaders["x-auth-email"]).toBe(demo.email);
      expect(me.identityHeaders["x-auth-groups"]).toBe("users");
      // Enriched by the pre-token-generation trigger (groupClaims: users → reader); V1 claims are strings.
      expect(me.claims.roles).toBe("reader");
      await b.page.locator("#claims").waitFor();
      // Static mode: the page says the session cookies are HttpOnly, and document.cookie indeed has none of them.
      await expect(b.page.locator("#cookie-note").textContent()).resolves.toContain("they are all HttpOnly");
      expect(await b.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
      // The exp row counts down.
      const exp = b.page.locator('[data-claim="exp"]');
      const first = await exp.textContent();
      expect(first).toMatch(/expires in \d+ s/);
      await expect.poll(() => exp.textContent(), { timeout: 3000 }).not.toBe(first);
      const dir = join(root, "test-results");
      mkdirSync(dir, { recursive: true });
      await b.page.screenshot({ path: join(dir, "signed-in.png"), fullPage: true });
      if (process.env.UPDATE_DOCS_SCREENSHOT) copyFileSync(join(dir, "signed-in.png"), join(root, "docs", "screenshot.png"));
    });

    it("gets 403 on the admin pages, with and without the trailing slash", async () => {
      for (const path of ["/admin/", "/admin", "/admin/index.html"]) {
        const res = await b.page.goto(`${stack.url}${path}`);
        expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
        await expect(b.page.locator("h1").textContent()).resolves.toBe("Access denied");
      }
    });

    it("is refreshed silently after the id token expires, on the same URL", async () => {
      await b.page.goto(`${stack.url}/?after=refresh`);
      const before = await whoami(b.page);
      const exp = before.claims.exp as number;
      await sleep(Math.max(0, exp * 1000 - Date.now()) + 1500);
      const from = requests.length;
      const res = await b.page.goto(`${stack.url}/?after=refresh`);
      expect(res?.status()).toBe(200);
      expect(b.page.url()).toBe(`${stack.url}/?after=refresh`);
      const after = await whoami(b.page);
      expect(after.claims.exp as number).toBeGreaterThan(exp);
      expect(after.claims.sub).toBe(before.claims.sub);
      const seen = requests.slice(from).map((e) => `${e.answeredBy}:${e.reason ?? ""}`);
      expect(seen).toContain("check-auth:expired");
      expect(seen).toContain("refresh-auth:refreshed");
      expect(seen.filter((s) => s.startsWith("parse-auth"))).toEqual([]);
    }, 60_000);

    it("signs out: cookies gone, the refresh token revoked, the next visit asks for sign-in", async () => {
      const refresh = (await ourCookies(b.context)).find((c) => c.name.endsWith(".refreshToken"));
      expect(refresh).toBeDefined();
      await b.page.goto(`${stack.url}/public/`);
      await expect.poll(() => b.page.locator("#session-status").textContent()).toBe(`You are signed in as ${demo.email}. Sign out`);
      await b.page.goto(`${stack.url}/signout`);
      expect(b.page.url()).toBe(`${stack.url}/public/`);
      // The landing page says so (its protected /api/whoami.json call now gets 401).
      await expect.poll(() => b.page.locator("#session-status").textContent()).toMatch(/^You are signed out\./);
      const left = (await ourCookies(b.context)).map((c) => c.name).filter((n) => n.startsWith("CognitoIdentityServiceProvider."));
      expect(left).toEqual([]);
      const token = await fetch(`${stack.authUrl}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refresh!.value, client_id: stack.clientId }),
      });
      expect(token.status).toBe(400);
      await b.page.goto(`${stack.url}/`);
      expect(b.page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
      // A protected JSON path answers 401, not a redirect.
      await b.page.goto(`${stack.url}/public/`);
      await b.page.locator("#call-api").click();
      await expect.poll(() => b.page.locator("#api-result").textContent()).toMatch(/^HTTP 401/);
    });
  });

  it("127.0.0.1 is redirected to localhost first; the sign-in page lists the demo accounts and says a password is wrong", async () => {
    // The address the stack's "localhost" listens on, written as a URL host.
    const { address, family } = await lookup("localhost");
    const literal = family === 6 ? `[${address}]` : address;
    const port = new URL(stack.url).port;
    const b = await freshBrowser();
    try {
      await b.page.goto(`http://${literal}:${port}/deep/?x=1`);
      expect(b.page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
      const accounts = b.page.locator("#demo-accounts");
      for (const u of stack.users) {
        await expect(accounts.textContent()).resolves.toContain(u.email);
        await expect(accounts.textContent()).resolves.toContain(u.password);
      }
      await submitSignIn(b.page, demo.email, "Wrong-Passw0rd!");
      expect(b.page.url()).toBe(`${stack.authUrl}/oauth2/authorize`);
      await expect(b.page.locator('[role="alert"]').textContent()).resolves.toBe("Incorrect username or password.");
      await expect(b.page.locator('input[name="username"]').inputValue()).resolves.toBe(demo.email);
      // The form still carries the request: the right password now signs in, back on localhost at the same URL.
      await b.page.locator(`button[data-username="${demo.email}"]`).click();
      await expect(b.page.locator('input[name="password"]').inputValue()).resolves.toBe(demo.password);
      await Promise.all([b.page.waitForNavigation(), b.page.locator('button[type="submit"]').click()]);
      expect(b.page.url()).toBe(`${stack.url}/deep/?x=1`);
      expect((await ourCookies(b.context)).some((c) => c.name.endsWith(".idToken"))).toBe(true);
    } finally {
      await b.close();
    }
  });

  it("the admin user opens the admin page", async () => {
    const b = await freshBrowser();
    try {
      await signIn(b.page, "/admin/", admin);
      expect(b.page.url()).toBe(`${stack.url}/admin/`);
      await expect(b.page.locator("#admin-ok").count()).resolves.toBe(1);
      const res = await b.page.goto(`${stack.url}/admin`);
      expect(res?.status()).toBe(200);
      const me = await whoami(b.page);
      expect(me.claims["cognito:groups"]).toEqual(["admins"]);
      expect(me.claims.roles).toBe("admin,reader");
    } finally {
      await b.close();
    }
  });

  it("a user who signs up and confirms lands in the default group, and their token says so", async () => {
    const user = { email: `new.user+${process.pid}@example.com`, password: "New-Passw0rd!" };
    const { UserSub } = await stack.cognitoApi<{ UserSub: string }>("SignUp", {
      ClientId: stack.clientId,
      Username: user.email,
      Password: user.password,
      UserAttributes: [{ Name: "email", Value: user.email }],
    });
    await stack.cognitoApi("AdminConfirmSignUp", { UserPoolId: stack.userPoolId, Username: user.email });
    // cognito-local looks group members up by username, which with e-mail sign-in is the sub.
    const { Groups } = await stack.cognitoApi<{ Groups: { GroupName: string }[] }>("AdminListGroupsForUser", {
      UserPoolId: stack.userPoolId,
      Username: UserSub,
    });
    expect(Groups.map((g) => g.GroupName)).toEqual(["users"]);
    const b = await freshBrowser();
    try {
      await signIn(b.page, "/", user);
      expect(b.page.url()).toBe(`${stack.url}/`);
      const me = await whoami(b.page);
      expect(me.claims.email).toBe(user.email);
      expect(me.claims["cognito:groups"]).toEqual(["users"]);
      expect(me.claims.roles).toBe("reader");
    } finally {
      await b.close();
    }
  });

  it("the Hosted UI front's /logout redirects only to a sign-out URL of a known client", async () => {
    const logout = (q: Record<string, string>) => fetch(`${stack.authUrl}/logout?${new URLSearchParams(q)}`, { redirect: "manual" });
    const ok = await logout({ client_id: stack.clientId, logout_uri: `${stack.url}/public/` });
    expect([ok.status, ok.headers.get("location")]).toEqual([302, `${stack.url}/public/`]);
    for (const q of [
      { client_id: stack.clientId, logout_uri: "https://evil.example/" },
      { client_id: stack.clientId, logout_uri: `${stack.url}/` },
      { client_id: "unknownclient", logout_uri: `${stack.url}/public/` },
    ]) {
      const res = await logout(q);
      expect({ q, status: res.status, location: res.headers.get("location") }).toEqual({ q, status: 400, location: null });
    }
  });
});
