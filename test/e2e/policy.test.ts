/**
 * End to end: an access policy on the local stack, in a real headless Chromium, once per hot path. The demo users
 * have verified e-mails at example.com and a custom attribute, `custom:tenant` (acme for the demo user, globex for
 * the admin); a rule lets only acme's people from example.com into /acme/. The claim reaches the edge in the id
 * token (Lambda@Edge) or in the session cookie parse-auth seals (the CloudFront Function).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { RequestLogEntry } from "../../local/cloudfront";
import { DEMO_USERS } from "../../local/seed";
import { startLocalStack } from "../../local/stack";
import type { LocalStack } from "../../local/stack";
import { ownConfigAndSite, testStackOptions } from "../helpers/local-stack";
import { closeBrowser, freshBrowser, submitSignIn } from "./browser";

const root = resolve(__dirname, "..", "..");
const [demo, admin] = DEMO_USERS;

const CONFIG = {
  region: "us-east-1",
  userPoolId: "us-east-1_Policy1",
  clientId: "policyclient0123456789",
  domain: "auth.example.com",
  publicPaths: ["/open/*"],
  rules: [{ path: "/acme/*", require: [{ emailDomains: ["example.com"] }, { claim: "custom:tenant", values: ["acme"] }] }],
};
const PAGES: Record<string, string> = { "index.html": "Home", "acme/index.html": "Acme only", "open/index.html": "Open" };

afterAll(closeBrowser);

describe.each(["lambda-edge", "cloudfront-function"] as const)("an access policy on a claim, hotPath %s", (hotPath) => {
  const check = hotPath === "cloudfront-function" ? "check-auth-function" : "check-auth";
  const dir = mkdtempSync(join(tmpdir(), "edge-auth-policy-"));
  const stateDir = join(root, ".local", `e2e-${process.pid}-policy-${hotPath}`);
  const requests: RequestLogEntry[] = [];
  let stack: LocalStack;
  let site: string;

  beforeAll(async () => {
    const own = ownConfigAndSite(dir, { ...CONFIG, hotPath }, PAGES);
    stack = await startLocalStack({ ...own, ...testStackOptions(stateDir, "policy"), onRequest: (e) => requests.push(e) });
    site = stack.sites[0]!.url;
    expect(stack.hotPath).toBe(hotPath);
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(page: Page, path: string, user: { email: string; password: string }) {
    await page.goto(`${site}${path}`);
    expect(page.url().startsWith(`${stack.authUrl}/oauth2/authorize?`)).toBe(true);
    await submitSignIn(page, user.email, user.password);
  }

  it.each<[string, { email: string; password: string }, number, string]>([
    ["the demo user (tenant acme, example.com) is let in", demo!, 200, "Acme only"],
    ["the admin (tenant globex) is kept out, whatever their group", admin!, 403, "Access denied"],
  ])("%s", async (_, user, status, heading) => {
    const b = await freshBrowser();
    try {
      await signIn(b.page, "/acme/", user);
      expect(b.page.url()).toBe(`${site}/acme/`);
      await expect(b.page.locator("h1").textContent()).resolves.toBe(heading);
      // Once more, signed in: the status the edge gives, and who gave it.
      const res = await b.page.goto(`${site}/acme/`);
      expect(res?.status()).toBe(status);
      expect(requests.filter((e) => e.path === "/acme/").at(-1)).toMatchObject(status === 200 ? { answeredBy: "origin", reason: `${check}:signed-in` } : { answeredBy: check });
      // Everything else stays open to both.
      expect((await b.page.goto(`${site}/`))?.status()).toBe(200);
    } finally {
      await b.close();
    }
  });
});
