/**
 * End to end: a real headless Chromium against the local stack (cognito-local, the Hosted UI front, the built
 * edge functions in the local CloudFront, the sample site), all on free loopback ports — once per hot path:
 * `lambda-edge` (check-auth on the default behaviour) and `cloudfront-function` (the built CloudFront Function in
 * the runtime emulator, sign-in on /signin, a signed session cookie, the security headers from a response headers
 * policy). The cases are the same; only what legitimately differs between the hot paths is asserted differently.
 */
import { lookup } from "node:dns/promises";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page, Response } from "playwright-core";
import type { RequestLogEntry } from "../../local/cloudfront";
import { startLocalStack } from "../../local/stack";
import type { LocalStack } from "../../local/stack";
import type { HotPath } from "../../shared/config/types";
import { DEFAULT_SECURITY_HEADERS } from "../../shared/config/types";
import { testStackOptions } from "../helpers/local-stack";
import { closeBrowser, freshBrowser, inFreshBrowser, submitSignIn } from "./browser";
import type { FreshBrowser } from "./browser";

const root = resolve(__dirname, "..", "..");
/** Short enough that the refresh test waits little, long enough to outlast refresh-auth's 15 s loop marker. */
const TOKEN_VALIDITY_SECONDS = 20;
const HOT_PATHS: readonly HotPath[] = ["lambda-edge", "cloudfront-function"];
const SESSION_COOKIE = "__Host-edgeauth-session";

const demo = { email: "demo@example.com", password: "Demo-Passw0rd!" };
const admin = { email: "admin@example.com", password: "Admin-Passw0rd!" };

afterAll(closeBrowser);

/** Claims as the demo origin saw them (the page cannot read the HttpOnly token cookies itself). */
async function whoami(page: Page): Promise<{ signedIn: boolean; claims: Record<string, unknown>; identityHeaders: Record<string, string> }> {
  return page.evaluate(async () => {
    const res = await fetch("/api/whoami.json", { headers: { accept: "application/json" } });
    return (await res.json()) as { signedIn: boolean; claims: Record<string, unknown>; identityHeaders: Record<string, string> };
  });
}

/** The security headers of a response the browser got (http-headers or the response headers policy set them). */
async function securityHeaders(res: Response | null): Promise<Record<string, string | undefined>> {
  const all = (await res?.allHeaders()) ?? {};
  return Object.fromEntries(Object.keys(DEFAULT_SECURITY_HEADERS).map((h) => [h, all[h]]));
}

describe.each(HOT_PATHS)("local stack in a real browser, hotPath %s", (hotPath) => {
  const cff = hotPath === "cloudfront-function";
  /** The function on the default behaviour, as the stack's log names it. */
  const check = cff ? "check-auth-function" : "check-auth";
  let stack: LocalStack;
  const requests: RequestLogEntry[] = [];
  // One stack at a time: the stack's Cognito triggers run in this process and reach their cognito-local through
  // the process's AWS SDK environment.
  const stateDir = join(root, ".local", `e2e-${process.pid}-${hotPath}`);

  beforeAll(async () => {
    stack = await startLocalStack({ hotPath, ...testStackOptions(stateDir, hotPath), tokenValiditySeconds: TOKEN_VALIDITY_SECONDS, onRequest: (e) => requests.push(e) });
    expect(stack.config.hotPath).toBe(hotPath);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  /**
   * Who answered the requests for `paths` logged since `from`, as `function:reason` (a page's own background
   * requests, such as its favicon, may be logged in between).
   */
  const answered = (from: number, paths: string[]) =>
    requests
      .slice(from)
      .filter((e) => paths.includes(e.path))
      .map((e) => `${e.answeredBy}:${e.reason ?? ""}`);

  /**
   * What starting a sign-in looks like in the stack's log: check-auth answers with the Hosted UI; the CloudFront
   * Function sends the browser to /signin first (it has no secure randomness for state, nonce and PKCE), and the
   * sign-in Lambda@Edge answers with the Hosted UI.
   */
  const SIGN_IN_STARTED = cff ? ["check-auth-function:sign-in", "sign-in:sign-in"] : ["check-auth:no-session"];

  /** Opens `path`, signs in on the Hosted UI and returns once back on the site. */
  async function signIn(page: Page, path: string, user: { email: string; password: string }) {
    const from = requests.length;
    await page.goto(`${stack.url}${path}`);
    expect(page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
    expect(answered(from, [new URL(`${stack.url}${path}`).pathname, stack.config.paths.signIn])).toEqual(SIGN_IN_STARTED);
    await submitSignIn(page, user.email, user.password);
  }

  async function ourCookies(context: BrowserContext) {
    const site = new URL(stack.url);
    return (await context.cookies(stack.url)).filter((c) => c.domain === site.hostname);
  }

  // Signed in first and used again at the end (refresh, sign-out), so its id token expires while the other cases run.
  let b: FreshBrowser;
  let firstExp: number;
  let sub: unknown;
  afterAll(async () => {
    await b?.close();
  });

  describe("the demo user", () => {
    beforeAll(async () => {
      b = await freshBrowser();
      await signIn(b.page, "/", demo);
    });

    it("sees who is signed in and the claims, through the demo origin; the page carries the security headers", async () => {
      await expect.poll(() => b.page.locator("#user").textContent()).toBe(demo.email);
      const me = await whoami(b.page);
      expect(me.signedIn).toBe(true);
      firstExp = me.claims.exp as number;
      sub = me.claims.sub;
      expect(me.claims.email).toBe(demo.email);
      expect(me.claims["cognito:groups"]).toEqual(["users"]);
      expect(me.identityHeaders["x-auth-email"]).toBe(demo.email);
      expect(me.identityHeaders["x-auth-groups"]).toBe("users");
      // Enriched by the pre-token-generation trigger (groupClaims: users → reader); V1 claims are strings.
      expect(me.claims.roles).toBe("reader");
      await b.page.locator("#claims").waitFor();
      // The page says what let it through, as the demo origin reports the stack: this hot path, Cognito, static.
      await expect(b.page.locator("#what-ran-check").textContent()).resolves.toBe(
        cff
          ? "The CloudFront Function (hotPath cloudfront-function) checked your session cookie, which parse-auth (or refresh-auth) signed with HMAC after verifying your tokens. No Lambda@Edge ran for this page."
          : "check-auth, a Lambda@Edge function (hotPath lambda-edge), verified your tokens' signatures and claims.",
      );
      await expect(b.page.locator("#what-ran-provider").textContent()).resolves.toBe("You signed in at the Cognito Hosted UI (locally cognito-local, behind the Hosted UI front).");
      await expect(b.page.locator("#what-ran-mode").textContent()).resolves.toBe("Static mode: every token cookie is HttpOnly.");
      // Static mode: the page says the session cookies are HttpOnly, and document.cookie indeed has none of them.
      await expect(b.page.locator("#cookie-note").textContent()).resolves.toContain("they are all HttpOnly");
      expect(await b.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
      // The exp row counts down.
      const exp = b.page.locator('[data-claim="exp"]');
      const first = await exp.textContent();
      expect(first).toMatch(/expires in \d+ s/);
      await expect.poll(() => exp.textContent(), { timeout: 3000 }).not.toBe(first);
      // From the origin through http-headers (lambda-edge) or the response headers policy (cloudfront-function).
      expect(await securityHeaders(await b.page.reload())).toEqual(DEFAULT_SECURITY_HEADERS);
      if (!cff) {
        const dir = join(root, "test-results");
        mkdirSync(dir, { recursive: true });
        await b.page.screenshot({ path: join(dir, "signed-in.png"), fullPage: true });
        if (process.env.UPDATE_DOCS_SCREENSHOT) copyFileSync(join(dir, "signed-in.png"), join(root, "docs", "screenshot.png"));
      }
    });

    it("gets 403 on the admin pages, with and without the trailing slash, with the security headers", async () => {
      for (const path of ["/admin/", "/admin", "/admin/index.html"]) {
        const from = requests.length;
        const res = await b.page.goto(`${stack.url}${path}`);
        expect({ path, status: res?.status() }).toEqual({ path, status: 403 });
        await expect(b.page.locator("h1").textContent()).resolves.toBe("Access denied");
        // Who is signed in (cognito-local's username is the user's sub), and the ways out.
        await expect(b.page.locator("main > p").nth(1).textContent()).resolves.toBe(`Signed in as ${String(sub)}.`);
        await expect(b.page.locator("nav a").allTextContents()).resolves.toEqual(["Home", "Sign out or switch account"]);
        // The sign-in page's look, rendered: the card on the grey page, the primary button's colour.
        const look = await b.page.evaluate(
          `(() => { const css = (sel) => getComputedStyle(document.querySelector(sel)).backgroundColor; return { page: css("body"), card: css("main"), button: css("nav a") }; })()`,
        );
        expect(look).toEqual({ page: "rgb(246, 248, 250)", card: "rgb(255, 255, 255)", button: "rgb(11, 92, 173)" });
        expect(await securityHeaders(res)).toEqual(DEFAULT_SECURITY_HEADERS);
        expect(answered(from, [path])).toEqual([`${check}:forbidden`]);
      }
    });
  });

  it("a deep link with a unicode path and query survives sign-in; the cookies are HttpOnly", async () => {
    await inFreshBrowser(async (c) => {
      await signIn(c.page, "/deep/päth/?q=ü&x=1", demo);
      expect(c.page.url()).toBe(new URL(`${stack.url}/deep/päth/?q=ü&x=1`).href);
      const cookies = await ourCookies(c.context);
      const prefix = `CognitoIdentityServiceProvider.${stack.clientId}.`;
      const names = cookies.map((x) => x.name);
      for (const kind of ["idToken", "accessToken", "refreshToken"]) expect(names.some((n) => n.startsWith(prefix) && n.endsWith(`.${kind}`))).toBe(true);
      expect(names).toContain(`${prefix}LastAuthUser`);
      // The CloudFront Function checks a signed session cookie, which parse-auth wrote; check-auth needs none.
      expect(names.includes(SESSION_COOKIE)).toBe(cff);
      for (const x of cookies) expect({ name: x.name, httpOnly: x.httpOnly, secure: x.secure }).toEqual({ name: x.name, httpOnly: true, secure: true });
      // The sign-in state cookie was cleared after the callback.
      expect(names.filter((n) => n.includes("edgeauth-signin."))).toEqual([]);
      // `document` exists in the page, not in this (Node) program: the function is serialised and run there.
      expect(await c.page.evaluate("document.cookie")).not.toMatch(/idToken|accessToken|refreshToken|edgeauth-session/);
    });
  });

  it("the favicon and a parallel sign-in do not break a pending sign-in", async () => {
    await inFreshBrowser(async (c) => {
      await c.page.goto(`${stack.url}/`);
      expect(c.page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
      // What a page's favicon request looks like, while the sign-in form is open: public, no new sign-in.
      const favicon = await c.context.request.get(`${stack.url}/favicon.ico`, { headers: { "sec-fetch-mode": "no-cors", accept: "image/*" } });
      expect(favicon.status()).toBe(200);
      expect(favicon.headers()["content-type"]).toBe("image/x-icon");
      // A protected background request gets 401 and starts no sign-in.
      const image = await c.context.request.get(`${stack.url}/admin/secret.png`, { headers: { "sec-fetch-mode": "no-cors", accept: "image/*" } });
      expect(image.status()).toBe(401);
      expect(image.headers()["set-cookie"] ?? "").not.toContain("edgeauth-signin.");
      // A second tab starts its own sign-in meanwhile.
      const second = await c.context.newPage();
      await second.goto(`${stack.url}/public/../`);
      expect(second.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
      await submitSignIn(c.page, demo.email, demo.password);
      expect(c.page.url()).toBe(`${stack.url}/`);
      await expect.poll(() => c.page.locator("#user").textContent()).toBe(demo.email);
    });
  });

  it("127.0.0.1 is redirected to localhost first; the sign-in page lists the demo accounts and says a password is wrong", async () => {
    // The address the stack's "localhost" listens on, written as a URL host.
    const { address, family } = await lookup("localhost");
    const literal = family === 6 ? `[${address}]` : address;
    const port = new URL(stack.url).port;
    await inFreshBrowser(async (c) => {
      const from = requests.length;
      await c.page.goto(`http://${literal}:${port}/deep/?x=1`);
      expect(c.page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
      expect(answered(from, ["/deep/", stack.config.paths.signIn])).toEqual(["local-cloudfront:canonical-host", ...SIGN_IN_STARTED]);
      const accounts = c.page.locator("#demo-accounts");
      for (const u of stack.users) {
        await expect(accounts.textContent()).resolves.toContain(u.email);
        await expect(accounts.textContent()).resolves.toContain(u.password);
      }
      await submitSignIn(c.page, demo.email, "Wrong-Passw0rd!");
      expect(c.page.url()).toBe(`${stack.authUrl}/oauth2/authorize`);
      await expect(c.page.locator('[role="alert"]').textContent()).resolves.toBe("Incorrect username or password.");
      await expect(c.page.locator('input[name="username"]').inputValue()).resolves.toBe(demo.email);
      // The form still carries the request: the right password now signs in, back on localhost at the same URL.
      await c.page.locator(`button[data-username="${demo.email}"]`).click();
      await expect(c.page.locator('input[name="password"]').inputValue()).resolves.toBe(demo.password);
      await Promise.all([c.page.waitForNavigation(), c.page.locator('button[type="submit"]').click()]);
      expect(c.page.url()).toBe(`${stack.url}/deep/?x=1`);
      expect((await ourCookies(c.context)).some((x) => x.name.endsWith(".idToken"))).toBe(true);
    });
  });

  it("the admin user opens the admin page", async () => {
    await inFreshBrowser(async (c) => {
      await signIn(c.page, "/admin/", admin);
      expect(c.page.url()).toBe(`${stack.url}/admin/`);
      await expect(c.page.locator("#admin-ok").count()).resolves.toBe(1);
      const res = await c.page.goto(`${stack.url}/admin`);
      expect(res?.status()).toBe(200);
      const me = await whoami(c.page);
      expect(me.claims["cognito:groups"]).toEqual(["admins"]);
      expect(me.claims.roles).toBe("admin,reader");
    });
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
    await inFreshBrowser(async (c) => {
      await signIn(c.page, "/", user);
      expect(c.page.url()).toBe(`${stack.url}/`);
      const me = await whoami(c.page);
      expect(me.claims.email).toBe(user.email);
      expect(me.claims["cognito:groups"]).toEqual(["users"]);
      expect(me.claims.roles).toBe("reader");
    });
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

  describe("the demo user, once the id token has expired", () => {
    it("is refreshed silently, on the same URL", async () => {
      expect(firstExp).toBeTypeOf("number");
      // The cases above took most of the tokens' 20 s; wait out the rest.
      await sleep(Math.max(0, firstExp * 1000 - Date.now()) + 1500);
      const from = requests.length;
      const res = await b.page.goto(`${stack.url}/?after=refresh`);
      expect(res?.status()).toBe(200);
      expect(b.page.url()).toBe(`${stack.url}/?after=refresh`);
      const after = await whoami(b.page);
      expect(after.claims.exp as number).toBeGreaterThan(firstExp);
      expect(after.claims.sub).toBe(sub);
      const seen = answered(from, ["/", stack.config.paths.refresh]);
      // check-auth sees the id token gone; the CloudFront Function sees the session cookie gone, and a refresh token.
      expect(seen).toContain(cff ? "check-auth-function:refresh" : "check-auth:expired");
      expect(seen).toContain("refresh-auth:refreshed");
      expect(seen.filter((s) => s.startsWith("parse-auth"))).toEqual([]);
      // refresh-auth wrote a new session cookie for the CloudFront Function.
      expect((await ourCookies(b.context)).some((c) => c.name === SESSION_COOKIE)).toBe(cff);
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
      const left = (await ourCookies(b.context)).map((c) => c.name).filter((n) => n.startsWith("CognitoIdentityServiceProvider.") || n === SESSION_COOKIE);
      expect(left).toEqual([]);
      const token = await fetch(`${stack.authUrl}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refresh!.value, client_id: stack.clientId }),
      });
      expect(token.status).toBe(400);
      const from = requests.length;
      await b.page.goto(`${stack.url}/`);
      expect(b.page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
      expect(answered(from, ["/", stack.config.paths.signIn])).toEqual(SIGN_IN_STARTED);
      // A protected JSON path answers 401, not a redirect.
      await b.page.goto(`${stack.url}/public/`);
      await b.page.locator("#call-api").click();
      await expect.poll(() => b.page.locator("#api-result").textContent()).toMatch(/^HTTP 401/);
    });
  });
});
