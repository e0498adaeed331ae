/**
 * SPA mode, proven with Amplify JS itself (issue 7, item 4): the local stack built with `mode: "spa"`, a real
 * headless Chromium, and a page (local/spa/) that reads the session the edge functions wrote through Amplify's
 * `CookieStorage` — `getCurrentUser()` and `fetchAuthSession()` — with no network call to Cognito. Once per hot
 * path: with `cloudfront-function` the sign-in goes through /signin and an HttpOnly session cookie sits next to
 * Amplify's, which Amplify never reads.
 */
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page, Request } from "playwright-core";
import type { AmplifyResult } from "../../local/spa/app";
import type { HotPath } from "../../shared/config/types";
import { encodeCookieName } from "../../shared/edge/cookie-codec";
import { openSessionStore, writeSession } from "../../shared/edge/session-store";
import { startLocalStack } from "../../local/stack";
import type { LocalStack } from "../../local/stack";
import { testStackOptions } from "../helpers/local-stack";
import { closeBrowser, freshBrowser, submitSignIn } from "./browser";
import type { FreshBrowser } from "./browser";

const root = resolve(__dirname, "..", "..");
/** Long enough that Amplify (which treats a token within 5 s of `exp` as expired) never wants a refresh here. */
const TOKEN_VALIDITY_SECONDS = 600;

const HOT_PATHS: readonly HotPath[] = ["lambda-edge", "cloudfront-function"];
const SESSION_COOKIE = "__Host-edgeauth-session";
const demo = { email: "demo@example.com", password: "Demo-Passw0rd!" };

afterAll(closeBrowser);

/** Every request the browser makes, in order. */
interface Seen {
  url: string;
  type: string;
}

/** Records every request of `context`'s page; anything not on loopback is recorded, then aborted. */
async function record(context: BrowserContext, page: Page): Promise<Seen[]> {
  const seen: Seen[] = [];
  page.on("request", (r: Request) => seen.push({ url: r.url(), type: r.resourceType() }));
  await context.route((url) => !["localhost", "127.0.0.1"].includes(url.hostname), (route) => route.abort());
  return seen;
}

/** Waits for app.ts to render its result and returns it. */
async function amplifyResult(page: Page): Promise<AmplifyResult> {
  const out = page.locator("#amplify-result");
  await expect.poll(() => out.getAttribute("data-state")).not.toBe("pending");
  return JSON.parse((await out.textContent()) ?? "") as AmplifyResult;
}

/** Requests that went anywhere but the site itself: the Hosted UI, cognito-local, the Lambda endpoint, AWS. */
function offSite(stack: LocalStack, seen: Seen[]): string[] {
  const others = [stack.authUrl, stack.cognitoUrl, stack.lambdaUrl].map((u) => new URL(u).origin);
  return seen
    .map((s) => s.url)
    .filter((u) => !u.startsWith(`${stack.url}/`) || others.includes(new URL(u).origin) || u.includes("cognito-idp") || u.includes("amazonaws.com"));
}

async function amplifyCookies(stack: LocalStack, context: BrowserContext) {
  return (await context.cookies(stack.url)).filter((c) => c.name.startsWith("CognitoIdentityServiceProvider."));
}

/** An unsigned JWT-shaped token: Amplify decodes tokens, it does not verify them (the edge did). */
function fakeJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "RS256", kid: "test" })}.${part(claims)}.c2ln`;
}

describe.each(HOT_PATHS)("SPA mode with Amplify JS v6 in a real browser, hotPath %s", (hotPath) => {
  const cff = hotPath === "cloudfront-function";
  let stack: LocalStack;
  // One stack at a time: its Cognito triggers reach their cognito-local through the process's AWS SDK environment.
  const stateDir = join(root, ".local", `e2e-spa-${process.pid}-${hotPath}`);

  beforeAll(async () => {
    stack = await startLocalStack({ mode: "spa", hotPath, ...testStackOptions(stateDir, `spa ${hotPath}`), tokenValiditySeconds: TOKEN_VALIDITY_SECONDS });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  describe("the demo user, signed in through the Hosted UI", () => {
    let b: FreshBrowser;
    let seen: Seen[];

    beforeAll(async () => {
      b = await freshBrowser();
      seen = await record(b.context, b.page);
    });
    afterAll(async () => {
      await b?.close();
    });

    it("signs in through the Hosted UI, and Amplify reads the session from the cookies with no network call", async () => {
      expect([stack.config.mode, stack.config.hotPath]).toEqual(["spa", hotPath]);
      await b.page.goto(`${stack.url}/spa/`);
      expect(b.page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
      // The CloudFront Function sends a signed-out visitor to /signin, whose Lambda@Edge starts the sign-in.
      expect(seen.some((s) => s.type === "document" && s.url.startsWith(`${stack.url}/signin?return=`))).toBe(cff);
      await submitSignIn(b.page, demo.email, demo.password);
      expect(b.page.url()).toBe(`${stack.url}/spa/`);
      const landed = seen.map((s) => `${s.type} ${s.url}`).lastIndexOf(`document ${stack.url}/spa/`);
      expect(landed).toBeGreaterThan(0);

      const result = await amplifyResult(b.page);
      expect(result.error).toBeUndefined();
      expect(result.ok).toBe(true);
      // Nothing after the page itself left the site: no token endpoint, no cognito-idp API call.
      expect(offSite(stack, seen.slice(landed))).toEqual([]);

      const claims = result.tokens!.idClaims;
      expect(result.tokens).toMatchObject({ idToken: true, accessToken: true });
      expect(result.user!.username).toBe(claims["cognito:username"]);
      expect(result.user!.userId).toBe(claims.sub);
      expect(claims.email).toBe(demo.email);
      expect(claims["cognito:groups"]).toEqual(["users"]);
      expect(claims.roles).toBe("reader");
      expect(result.tokens!.accessExp! * 1000).toBeGreaterThan(Date.now() + 60_000);

      // The same user and token as the edge wrote into the cookies.
      const prefix = `CognitoIdentityServiceProvider.${stack.clientId}.`;
      const cookies = await amplifyCookies(stack, b.context);
      const byName = new Map(cookies.map((c) => [decodeURIComponent(c.name), c]));
      expect(byName.get(`${prefix}LastAuthUser`)?.value).toBe(result.user!.username);
      const userPrefix = `${prefix}${result.user!.username}.`;
      const idCookie = byName.get(`${userPrefix}idToken`);
      expect(idCookie).toBeDefined();
      const cookieSub = (JSON.parse(Buffer.from(idCookie!.value.split(".")[1]!, "base64url").toString("utf8")) as { sub: string }).sub;
      expect(cookieSub).toBe(claims.sub);

      // Script-readable: LastAuthUser, id and access token. HttpOnly: the refresh token. No clockDrift at all.
      const httpOnly = Object.fromEntries(cookies.map((c) => [decodeURIComponent(c.name).slice(prefix.length), c.httpOnly]));
      expect(httpOnly).toEqual({
        LastAuthUser: false,
        [`${result.user!.username}.idToken`]: false,
        [`${result.user!.username}.accessToken`]: false,
        [`${result.user!.username}.refreshToken`]: true,
      });
      expect(cookies.filter((c) => c.name.includes("clockDrift"))).toEqual([]);
      const documentCookie = (await b.page.evaluate("document.cookie")) as string;
      expect(documentCookie).toContain("LastAuthUser=");
      expect(documentCookie).toContain(".idToken=");
      expect(documentCookie).not.toContain(".refreshToken");
      expect(documentCookie).not.toContain("clockDrift");
      // The CloudFront Function's session cookie: HttpOnly, so neither Amplify nor any script sees it.
      const session = (await b.context.cookies(stack.url)).find((c) => c.name === SESSION_COOKIE);
      expect(session === undefined ? undefined : session.httpOnly).toBe(cff ? true : undefined);
      expect(documentCookie).not.toContain("edgeauth-session");
    });

    it("a reload reads the same session again, touching only the page and its script", async () => {
      const from = seen.length;
      await b.page.reload();
      const result = await amplifyResult(b.page);
      expect(result.ok).toBe(true);
      expect(result.user!.username).toBe(result.tokens!.idClaims["cognito:username"]);
      const paths = seen.slice(from).map((s) => s.url.replace(stack.url, ""));
      expect(offSite(stack, seen.slice(from))).toEqual([]);
      expect(paths.filter((p) => p !== "/favicon.ico").sort()).toEqual(["/public/style.css", "/spa/", "/spa/app.js"]);
    });

    it("the demo home page lists the cookies scripts can read, never the refresh token, without stretching the page", async () => {
      await b.page.goto(`${stack.url}/`);
      const note = b.page.locator("#cookie-note");
      await note.waitFor();
      const text = (await note.textContent()) ?? "";
      expect(text).toContain("readable by scripts by design");
      for (const name of ["LastAuthUser", ".idToken", ".accessToken"]) expect(text).toContain(name);
      expect(text).not.toContain(".refreshToken");
      expect(text).not.toContain("they are all HttpOnly");
      // The page names the mode the stack runs, as the demo origin reports it.
      await expect(b.page.locator("#what-ran-mode").textContent()).resolves.toBe(
        "SPA mode: the id and access token cookies are readable by scripts (Amplify JS reads them); the refresh token stays HttpOnly.",
      );
      expect(await b.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    });

    it("after sign-out the cookies are gone, Amplify sees no user, and /spa/ asks for sign-in again", async () => {
      await b.page.goto(`${stack.url}/signout`);
      expect(b.page.url()).toBe(`${stack.url}/public/`);
      expect(await amplifyCookies(stack, b.context)).toEqual([]);
      expect((await b.context.cookies(stack.url)).map((c) => c.name)).not.toContain(SESSION_COOKIE);

      const from = seen.length;
      await b.page.goto(`${stack.url}/public/spa/`);
      const result = await amplifyResult(b.page);
      expect(result.ok).toBe(false);
      expect(result.error?.name).toBe("UserUnAuthenticatedException");
      expect(offSite(stack, seen.slice(from))).toEqual([]);

      await b.page.goto(`${stack.url}/spa/`);
      expect(b.page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
    });
  });

  describe("usernames Amplify must find under js-cookie's encoded names", () => {
    // cognito-local's usernames are subs (plain), so names with `@`, `+`, `.` or non-ASCII letters are written here
    // by the edge's own session store and served from 127.0.0.1 (its own cookie jar, apart from localhost's).
    let server: ReturnType<typeof createServer>;
    let site: string;
    let b: FreshBrowser;
    let seen: Seen[];
    let setCookies: string[] = [];

    beforeAll(async () => {
      const spaDir = join(stateDir, "spa");
      const files: Record<string, [string, Buffer]> = {
        "/spa/": ["text/html", readFileSync(join(spaDir, "index.html"))],
        "/spa/app.js": ["text/javascript", readFileSync(join(spaDir, "app.js"))],
      };
      server = createServer((req, res) => {
        const file = files[req.url ?? ""];
        if (req.url === "/set") {
          res.writeHead(302, { location: "/spa/", "set-cookie": setCookies }).end();
        } else if (file) {
          res.writeHead(200, { "content-type": file[0] }).end(file[1]);
        } else {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
      site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      b = await freshBrowser();
      seen = await record(b.context, b.page);
    });
    afterAll(async () => {
      await b?.close();
      await new Promise<void>((ok) => server?.close(() => ok()));
    });

    /** Writes a session for `username` whose tokens expire in `ttl` seconds, the way the edge does, and opens the page. */
    async function openWithSession(username: string, ttl: number): Promise<{ result: AmplifyResult; sub: string; offSite: Seen[] }> {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + ttl;
      const sub = `sub-${username.length}`;
      const idToken = fakeJwt({ sub, "cognito:username": username, token_use: "id", exp, iat: now });
      const accessToken = fakeJwt({ sub, username, token_use: "access", exp, iat: now });
      const tokens = { idToken, accessToken, refreshToken: "opaque-refresh" };
      setCookies = writeSession(openSessionStore("", stack.config), { username, subject: { iss: "https://issuer.invalid", sub, clientId: stack.config.clientId }, bindingKey: stack.config.nonceSigningSecret, tokens, idExp: exp, accessExp: exp, nowSeconds: now })!;
      const from = seen.length;
      await b.page.goto(`${site}/set`);
      expect(b.page.url()).toBe(`${site}/spa/`);
      const result = await amplifyResult(b.page);
      return { result, sub, offSite: seen.slice(from).filter((r) => !r.url.startsWith(`${site}/`)) };
    }

    it.each(["a.b+c@example.com", "jürgen.o'neil@exämple.org", "x%40y"])("%s", async (username) => {
      const { result, sub, offSite } = await openWithSession(username, 600);
      expect(result.error).toBeUndefined();
      expect(result.user).toEqual({ username, userId: sub });
      expect(result.tokens).toMatchObject({ idToken: true, accessToken: true });
      expect(offSite).toEqual([]);
      // The browser holds the names percent-encoded (`@` as `%40`, `%` as `%25`); js-cookie decoded them.
      const encoded = `CognitoIdentityServiceProvider.${stack.clientId}.${encodeCookieName(username)}.idToken`;
      expect(encoded).not.toContain(username);
      expect((await b.context.cookies(site)).map((c) => c.name)).toContain(encoded);
    });

    it("tokens within Amplify's 5 s margin: it cannot refresh (the refresh token is HttpOnly) and calls nobody", async () => {
      const { result, offSite } = await openWithSession("near.expiry@example.com", 3);
      expect(result.ok).toBe(false);
      expect(result.error?.name).toBe("TokenRefreshException");
      expect(offSite).toEqual([]);
    });

    it("expired tokens: their cookies are gone, Amplify sees no user and calls nobody", async () => {
      const { result, offSite } = await openWithSession("expired@example.com", 0);
      expect(result.ok).toBe(false);
      expect(result.error?.name).toBe("UserUnAuthenticatedException");
      expect(offSite).toEqual([]);
    });
  });
});
