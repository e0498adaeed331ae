/**
 * End to end: the local stack serving two sites from one deployment (`sites: 2`), in a real headless Chromium —
 * `site-a.localhost` and `site-b.localhost` on one port (Chromium resolves `*.localhost` to loopback by itself),
 * each with its own app client in cognito-local. A session on one site is not a session on the other: not by
 * visiting, not with the other site's cookies copied over, not with its tokens under this site's cookie names; a
 * host no site names gets the 421 page. Site B's own rules let the demo user into /admin/, which site A refuses.
 *
 * Lambda@Edge hot path: with the CloudFront Function, two sites of this config do not fit CloudFront Functions'
 * 10 KB (each site repeats its settings in the function), which the last case shows the stack refusing cleanly.
 */
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import type { RequestLogEntry } from "../../local/cloudfront";
import { startLocalStack } from "../../local/stack";
import { rawRequest } from "../helpers/http";
import { freePorts, testStackOptions } from "../helpers/local-stack";
import type { LocalStack } from "../../local/stack";
import { closeBrowser, freshBrowser, inFreshBrowser, submitSignIn } from "./browser";
import type { FreshBrowser } from "./browser";

const root = resolve(__dirname, "..", "..");
const demo = { email: "demo@example.com", password: "Demo-Passw0rd!" };
const AMPLIFY = "CognitoIdentityServiceProvider.";

afterAll(closeBrowser);

/** Who the demo origin says is signed in on the page's site (401 JSON when nobody is). */
async function whoami(page: Page): Promise<{ status: number; email?: unknown; aud?: unknown }> {
  return page.evaluate(async () => {
    const res = await fetch("/api/whoami.json", { headers: { accept: "application/json" } });
    const body = (await res.json()) as { claims?: { email?: unknown; aud?: unknown } };
    return { status: res.status, email: body.claims?.email, aud: body.claims?.aud };
  });
}

describe("two sites on one local stack, hotPath lambda-edge", () => {
  let stack: LocalStack;
  const requests: RequestLogEntry[] = [];
  const stateDir = join(root, ".local", `e2e-${process.pid}-two-sites`);
  let b: FreshBrowser;

  beforeAll(async () => {
    stack = await startLocalStack({ sites: 2, ...testStackOptions(stateDir, "two-sites"), onRequest: (e) => requests.push(e) });
    b = await freshBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const site = (i: 0 | 1) => stack.sites[i]!;
  /** Who answered the requests for `path` on `host` logged since `from`, as `function:reason`. */
  const answered = (from: number, host: string, path: string) =>
    requests
      .slice(from)
      .filter((e) => e.path === path && e.host?.startsWith(`${host}:`))
      .map((e) => `${e.answeredBy}:${e.reason ?? ""}`);
  /** Asserts `page` is on the Hosted UI's sign-in form for site `i` (its own client, back to its own host). */
  const onSignInFor = (page: Page, i: 0 | 1) => {
    const url = new URL(page.url());
    expect(`${url.origin}${url.pathname}`).toBe(`${stack.authUrl}/oauth2/authorize`);
    expect([url.searchParams.get("client_id"), url.searchParams.get("redirect_uri")]).toEqual([site(i).clientId, `${site(i).url}/parseauth`]);
  };
  const cookiesOf = async (context: BrowserContext, i: 0 | 1) => (await context.cookies(site(i).url)).filter((c) => c.domain === site(i).host);

  it("starts two sites on their own host names, each with its own app client", () => {
    expect(stack.sites.map((s) => s.url)).toEqual([`http://site-a.localhost:${new URL(stack.url).port}`, `http://site-b.localhost:${new URL(stack.url).port}`]);
    expect(new Set(stack.sites.map((s) => s.clientId)).size).toBe(2);
    expect(stack.url).toBe(site(0).url);
  });

  it("signs in on site A and reaches A's protected page, with host-only cookies for A's client", async () => {
    await b.page.goto(`${site(0).url}/`);
    onSignInFor(b.page, 0);
    await expect(b.page.locator(".sub").textContent()).resolves.toBe(`to continue to ${new URL(site(0).url).host}`);
    await submitSignIn(b.page, demo.email, demo.password);
    expect(b.page.url()).toBe(`${site(0).url}/`);
    await expect.poll(() => b.page.locator("#user").textContent()).toBe(demo.email);
    expect(await whoami(b.page)).toEqual({ status: 200, email: demo.email, aud: site(0).clientId });
    const cookies = await cookiesOf(b.context, 0);
    expect(cookies.some((c) => c.name === `${AMPLIFY}${site(0).clientId}.LastAuthUser`)).toBe(true);
    // Host-only: no Domain attribute, so the browser keeps them for site-a.localhost alone.
    const all = await b.context.cookies();
    expect(all.filter((c) => c.name.startsWith(AMPLIFY)).map((c) => c.domain)).toEqual(cookies.filter((c) => c.name.startsWith(AMPLIFY)).map(() => "site-a.localhost"));
  });

  it("site A's session is not one on site B: B's protected page starts B's own sign-in", async () => {
    const from = requests.length;
    await b.page.goto(`${site(1).url}/admin/`);
    onSignInFor(b.page, 1);
    expect(answered(from, "site-b.localhost", "/admin/")).toEqual(["check-auth:no-session"]);
    // B's API answers 401 to the same browser.
    await b.page.goto(`${site(1).url}/public/`);
    expect((await whoami(b.page)).status).toBe(401);
  });

  it("site A's cookies copied onto site B's host give no access there", async () => {
    await inFreshBrowser(async (c) => {
      const aCookies = await cookiesOf(b.context, 0);
      await c.context.addCookies(aCookies.map((x) => ({ name: x.name, value: x.value, domain: site(1).host, path: "/", secure: true, httpOnly: x.httpOnly, sameSite: "Lax" as const })));
      expect((await cookiesOf(c.context, 1)).length).toBe(aCookies.length);
      const from = requests.length;
      const res = await c.page.goto(`${site(1).url}/`);
      // B finds no session of its own: a sign-in of its own, or, while A's 15 s "just signed in" marker (copied
      // too) is fresh, the page saying the browser kept no session. Never B's page.
      const seen = answered(from, "site-b.localhost", "/");
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatch(/^check-auth:(no-session|loop-stopped:no-session)$/);
      if (seen[0] === "check-auth:no-session") onSignInFor(c.page, 1);
      else expect(res?.status()).toBe(400);
      await c.page.goto(`${site(1).url}/public/`);
      expect((await whoami(c.page)).status).toBe(401);
    });
  });

  it("site A's tokens under site B's cookie names are refused by B (their audience is A's client), and their refresh token goes with them", async () => {
    await inFreshBrowser(async (c) => {
      const aCookies = (await cookiesOf(b.context, 0)).filter((x) => x.name.startsWith(`${AMPLIFY}${site(0).clientId}.`));
      expect(aCookies.some((x) => x.name.endsWith(".idToken"))).toBe(true);
      const renamed = aCookies.map((x) => ({ ...x, name: x.name.replace(`${AMPLIFY}${site(0).clientId}.`, `${AMPLIFY}${site(1).clientId}.`) }));
      await c.context.addCookies(renamed.map((x) => ({ name: x.name, value: x.value, domain: site(1).host, path: "/", secure: true, httpOnly: true, sameSite: "Lax" as const })));
      const from = requests.length;
      await c.page.goto(`${site(1).url}/`);
      onSignInFor(c.page, 1);
      expect(answered(from, "site-b.localhost", "/")).toEqual(["check-auth:rejected:audience"]);
      // A's refresh token, kept under B's name, went with the rejected tokens: nothing is left to refresh (and the
      // provider would refuse it for B's client anyway), so the API answers 401 without a refresh.
      expect((await cookiesOf(c.context, 1)).filter((x) => /\.(idToken|accessToken|refreshToken)(\.\d+)?$/.test(x.name)).map((x) => x.name)).toEqual([]);
      const before = requests.length;
      await c.page.goto(`${site(1).url}/public/`);
      expect((await whoami(c.page)).status).toBe(401);
      expect(answered(before, "site-b.localhost", "/refreshauth")).toEqual([]);
    });
  });

  it("signing in on site B gives B's page; B's own rules let the demo user into /admin/, which A refuses", async () => {
    await b.page.goto(`${site(1).url}/admin/`);
    onSignInFor(b.page, 1);
    await submitSignIn(b.page, demo.email, demo.password);
    expect(b.page.url()).toBe(`${site(1).url}/admin/`);
    await expect(b.page.locator("#admin-ok").count()).resolves.toBe(1);
    expect(await whoami(b.page)).toEqual({ status: 200, email: demo.email, aud: site(1).clientId });
    const res = await b.page.goto(`${site(0).url}/admin/`);
    expect(res?.status()).toBe(403);
  });

  it("signing out of site A leaves site B's session alone", async () => {
    await b.page.goto(`${site(0).url}/signout`);
    expect(b.page.url()).toBe(`${site(0).url}/public/`);
    expect((await cookiesOf(b.context, 0)).filter((c) => c.name.startsWith(AMPLIFY))).toEqual([]);
    expect((await whoami(b.page)).status).toBe(401);
    await b.page.goto(`${site(1).url}/public/`);
    expect(await whoami(b.page)).toEqual({ status: 200, email: demo.email, aud: site(1).clientId });
  });

  it("a host no site names gets the 421 page; localhost and 127.0.0.1 go to site A", async () => {
    await inFreshBrowser(async (c) => {
      const port = new URL(stack.url).port;
      const from = requests.length;
      const res = await c.page.goto(`http://other.localhost:${port}/admin/`);
      expect(res?.status()).toBe(421);
      await expect(c.page.locator("h1").textContent()).resolves.toBe("Unknown site");
      // Chromium retries a request answered 421 (Misdirected Request, RFC 9110 §15.5.20) once on a new connection.
      expect([...new Set(answered(from, "other.localhost", "/admin/"))]).toEqual(["check-auth:error:unknown-host"]);
      for (const start of [`http://localhost:${port}/public/`, `http://127.0.0.1:${port}/public/`]) {
        await c.page.goto(start);
        expect(c.page.url()).toBe(`${site(0).url}/public/`);
      }
    });
  });
});

describe("two sites with the CloudFront Function hot path", () => {
  it("fit its 10 KB: the stack starts, each site's signed-out visitor goes to that site's own sign-in, other hosts get 421", async () => {
    const stateDir = join(root, ".local", `e2e-${process.pid}-two-sites-cff`);
    const ports = await freePorts(4);
    const [port, cognitoPort, authFrontPort, lambdaPort] = ports as [number, number, number, number];
    const s = await startLocalStack({ sites: 2, hotPath: "cloudfront-function", port, cognitoPort, authFrontPort, lambdaPort, stateDir, log: () => {} });
    try {
      for (const [host, i] of [["site-a.localhost", 0], ["site-b.localhost", 1]] as const) {
        const res = await rawRequest(port, "/docs/", { host: `${host}:${port}`, accept: "text/html" });
        expect(res.status).toBe(302);
        expect(res.headers.location).toBe(`http://${host}:${port}/signin?return=%2Fdocs%2F`);
        expect(s.sites[i]!.url).toBe(`http://${host}:${port}`);
      }
      const other = await rawRequest(port, "/docs/", { host: `other.localhost:${port}`, accept: "text/html" });
      expect(other.status).toBe(421);
    } finally {
      await s.stop();
      rmSync(stateDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
  });
});
