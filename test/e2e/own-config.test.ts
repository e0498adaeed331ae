/**
 * End to end: `AUTH_CONFIG=… SITE_DIR=… npm start` with a config, a site folder and a local users file that are
 * not the repository's (written to a temp folder here, removed afterwards), in a real headless Chromium. The
 * user's rules decide (not the sample's), their files are served, their paths are the functions' paths, their
 * local host name answers, a user of the users file signs in with the groups it names, and the pool's keys are the
 * local ones, each replacement named. Once per hot path, as the config sets it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { RequestLogEntry } from "../../local/cloudfront";
import { LOCAL_USERS_FILE } from "../../local/local-users";
import { startLocalStack } from "../../local/stack";
import type { LocalStack } from "../../local/stack";
import { ownConfigAndSite, testStackOptions } from "../helpers/local-stack";
import { closeBrowser, freshBrowser, submitSignIn } from "./browser";

const root = resolve(__dirname, "..", "..");
const member = { email: "member@example.com", password: "Member-Passw0rd!" };
const admin = { email: "admin@example.com", password: "Admin-Passw0rd!" };

/** A config written for a real deployment: its own pool, domain, secret, cookie domain and a production host. */
const CONFIG = {
  region: "eu-west-1",
  userPoolId: "eu-west-1_AbCdEf123",
  clientId: "abcdef1234567890abcdef1234",
  clientSecret: "prodsecret0123456789abcdefghij",
  domain: "auth.shop.example.com",
  sites: [{ hosts: ["www.shop.example.com", "shop.localhost"] }],
  paths: { callback: "/auth/callback", signOut: "/auth/signout", afterSignOut: "/open/bye.html" },
  publicPaths: ["/open/*"],
  rules: [
    { path: "/members/*", groups: ["members"] },
    { path: "/staff/*", groups: ["staff"] },
  ],
  cookie: { domain: "shop.example.com" },
  headers: { "X-Frame-Options": "SAMEORIGIN" },
  deploy: { stage: "prod" },
};
const PAGES: Record<string, string> = {
  "index.html": "Shop home",
  "members/index.html": "Members only",
  "staff/index.html": "Staff only",
  "open/index.html": "Open to all",
  "open/bye.html": "Signed out, bye",
};

afterAll(closeBrowser);

describe.each(["lambda-edge", "cloudfront-function"] as const)("npm start with the user's own config, site and users, hotPath %s", (hotPath) => {
  const check = hotPath === "cloudfront-function" ? "check-auth-function" : "check-auth";
  const dir = mkdtempSync(join(tmpdir(), "edge-auth-own-"));
  const stateDir = join(root, ".local", `e2e-${process.pid}-own-config-${hotPath}`);
  const requests: RequestLogEntry[] = [];
  let stack: LocalStack;
  let site: string;

  beforeAll(async () => {
    writeFileSync(join(dir, LOCAL_USERS_FILE), JSON.stringify([{ ...member, groups: ["members"] }], null, 2));
    // What npm start does with AUTH_CONFIG and SITE_DIR (and local-users.json next to the config).
    const own = ownConfigAndSite(dir, { ...CONFIG, hotPath }, PAGES);
    stack = await startLocalStack({ ...own, ...testStackOptions(stateDir, "own-config"), onRequest: (e) => requests.push(e) });
    site = stack.sites[0]!.url;
    expect(stack.hotPath).toBe(hotPath);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens `path` on the site, signs in on the Hosted UI and returns the page once back on the site. */
  async function signIn(page: Page, path: string, user: { email: string; password: string }) {
    // The CloudFront Function sends a signed-out visitor to the sign-in path first; it goes on to the Hosted UI.
    await page.goto(`${site}${path}`);
    expect(page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
    expect(new URL(page.url()).searchParams.get("redirect_uri")).toBe(`${site}/auth/callback`);
    await submitSignIn(page, user.email, user.password);
  }

  it("runs on the local host name with the local pool's keys, naming each replaced setting; the users file's user is listed with its groups", () => {
    expect(site).toMatch(/^http:\/\/shop\.localhost:\d+$/);
    expect(stack.config.userPoolId).toBe(stack.userPoolId);
    expect(stack.config.clientId).not.toBe(CONFIG.clientId);
    expect(stack.config.clientSecret).toBeUndefined();
    expect(stack.config.cookie.domain).toBeUndefined();
    const replaced = stack.own!.replaced.join("\n");
    for (const key of ["region: eu-west-1 → us-east-1", `userPoolId: ${CONFIG.userPoolId} → ${stack.userPoolId}`, "clientId:", `domain: ${CONFIG.domain} → ${stack.authUrl}`, "clientSecret: left out", "cookie.domain: shop.example.com left out", "deploy: left out", "sites[0].hosts: www.shop.example.com left out"])
      expect(replaced).toContain(key);
    expect(replaced).not.toContain(CONFIG.clientSecret);
    expect(stack.users).toContainEqual({ ...member, groups: ["members"] });
    expect(stack.sites[0]!.rules).toEqual(CONFIG.rules);
  });

  it("serves the user's public page without sign-in, with the user's headers", async () => {
    const b = await freshBrowser();
    try {
      const res = await b.page.goto(`${site}/open/`);
      expect(res?.status()).toBe(200);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Open to all");
      expect((await res?.allHeaders())?.["x-frame-options"]).toBe("SAMEORIGIN");
      expect(requests.filter((e) => e.path === "/open/").at(-1)).toMatchObject({ answeredBy: "origin", reason: `${check}:public` });
    } finally {
      await b.close();
    }
  });

  it("a user of the users file signs in through the user's callback path; the user's rules let them in and keep them out", async () => {
    const b = await freshBrowser();
    try {
      await signIn(b.page, "/members/", member);
      expect(b.page.url()).toBe(`${site}/members/`);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Members only");
      expect(requests.some((e) => e.path === "/auth/callback" && e.answeredBy === "parse-auth")).toBe(true);
      expect(requests.filter((e) => e.path === "/members/").at(-1)).toMatchObject({ answeredBy: "origin", reason: `${check}:signed-in` });
      const staff = await b.page.goto(`${site}/staff/`);
      expect(staff?.status()).toBe(403);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Access denied");
      const home = await b.page.goto(`${site}/`);
      expect(home?.status()).toBe(200);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Shop home");
      // Sign-out on the user's path ends on the user's page after sign-out.
      await b.page.goto(`${site}/auth/signout`);
      const confirm = b.page.locator('form button[type="submit"], form input[type="submit"]');
      if (await confirm.count()) await Promise.all([b.page.waitForNavigation(), confirm.first().click()]);
      await expect.poll(() => b.page.url()).toBe(`${site}/open/bye.html`);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Signed out, bye");
    } finally {
      await b.close();
    }
  });

  it("the demo admin keeps their group, which the user's rules do not name: 403 on the members' pages", async () => {
    const b = await freshBrowser();
    try {
      await signIn(b.page, "/members/", admin);
      expect(b.page.url()).toBe(`${site}/members/`);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Access denied");
      expect(stack.users.find((u) => u.email === admin.email)?.groups).toEqual(["admins"]);
    } finally {
      await b.close();
    }
  });
});
