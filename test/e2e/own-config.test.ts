/**
 * End to end: `AUTH_CONFIG=… SITE_DIR=… npm start` with a config, a site folder and a local users file that are
 * not the repository's (written to a temp folder here, removed afterwards), in a real headless Chromium. The
 * user's rules decide (not the sample's), their files are served, their paths are the functions' paths, their
 * local host name answers, a user of the users file signs in with the groups it names, and the pool's keys are the
 * local ones, each replacement named. Once per hot path, as the config sets it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOCAL_USERS_FILE } from "../../local/local-users";
import { closeBrowser, inFreshBrowser } from "./browser";
import { ownStack } from "./own-stack";

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
  const own = ownStack("own-config", hotPath, CONFIG, PAGES, (dir) =>
    writeFileSync(join(dir, LOCAL_USERS_FILE), JSON.stringify([{ ...member, groups: ["members"] }], null, 2)),
  );
  const signIn = own.signIn;

  it("runs on the local host name with the local pool's keys, naming each replaced setting; the users file's user is listed with its groups", () => {
    expect(own.site).toMatch(/^http:\/\/shop\.localhost:\d+$/);
    expect(own.stack.config.userPoolId).toBe(own.stack.userPoolId);
    expect(own.stack.config.clientId).not.toBe(CONFIG.clientId);
    expect(own.stack.config.clientSecret).toBeUndefined();
    expect(own.stack.config.cookie.domain).toBeUndefined();
    const replaced = own.stack.own!.replaced.join("\n");
    for (const key of ["region: eu-west-1 → us-east-1", `userPoolId: ${CONFIG.userPoolId} → ${own.stack.userPoolId}`, "clientId:", `domain: ${CONFIG.domain} → ${own.stack.authUrl}`, "clientSecret: left out", "cookie.domain: shop.example.com left out", "deploy: left out", "sites[0].hosts: www.shop.example.com left out"])
      expect(replaced).toContain(key);
    expect(replaced).not.toContain(CONFIG.clientSecret);
    expect(own.stack.users).toContainEqual({ ...member, groups: ["members"] });
    expect(own.stack.sites[0]!.rules).toEqual(CONFIG.rules);
  });

  it("serves the user's public page without sign-in, with the user's headers", async () => {
    await inFreshBrowser(async (b) => {
      const res = await b.page.goto(`${own.site}/open/`);
      expect(res?.status()).toBe(200);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Open to all");
      expect((await res?.allHeaders())?.["x-frame-options"]).toBe("SAMEORIGIN");
      expect(own.requests.filter((e) => e.path === "/open/").at(-1)).toMatchObject({ answeredBy: "origin", reason: `${check}:public` });
    });
  });

  it("a user of the users file signs in through the user's callback path; the user's rules let them in and keep them out", async () => {
    await inFreshBrowser(async (b) => {
      await signIn(b.page, "/members/", member);
      expect(b.page.url()).toBe(`${own.site}/members/`);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Members only");
      expect(own.requests.some((e) => e.path === "/auth/callback" && e.answeredBy === "parse-auth")).toBe(true);
      expect(own.requests.filter((e) => e.path === "/members/").at(-1)).toMatchObject({ answeredBy: "origin", reason: `${check}:signed-in` });
      const staff = await b.page.goto(`${own.site}/staff/`);
      expect(staff?.status()).toBe(403);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Access denied");
      const home = await b.page.goto(`${own.site}/`);
      expect(home?.status()).toBe(200);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Shop home");
      // Sign-out on the user's path ends on the user's page after sign-out.
      await b.page.goto(`${own.site}/auth/signout`);
      const confirm = b.page.locator('form button[type="submit"], form input[type="submit"]');
      if (await confirm.count()) await Promise.all([b.page.waitForNavigation(), confirm.first().click()]);
      await expect.poll(() => b.page.url()).toBe(`${own.site}/open/bye.html`);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Signed out, bye");
    });
  });

  it("the demo admin keeps their group, which the user's rules do not name: 403 on the members' pages", async () => {
    await inFreshBrowser(async (b) => {
      await signIn(b.page, "/members/", admin);
      expect(b.page.url()).toBe(`${own.site}/members/`);
      await expect(b.page.locator("h1").textContent()).resolves.toBe("Access denied");
      expect(own.stack.users.find((u) => u.email === admin.email)?.groups).toEqual(["admins"]);
    });
  });
});
