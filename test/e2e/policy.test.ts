/**
 * End to end: an access policy on the local stack, in a real headless Chromium, once per hot path. The demo users
 * have verified e-mails at example.com and a custom attribute, `custom:tenant` (acme for the demo user, globex for
 * the admin); a rule lets only acme's people from example.com into /acme/. The claim reaches the edge in the id
 * token (Lambda@Edge) or in the session cookie parse-auth seals (the CloudFront Function).
 */
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../local/seed";
import { closeBrowser, inFreshBrowser } from "./browser";
import { ownStack } from "./own-stack";

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
  const own = ownStack("policy", hotPath, CONFIG, PAGES);
  const signIn = own.signIn;

  it.each<[string, { email: string; password: string }, number, string]>([
    ["the demo user (tenant acme, example.com) is let in", demo!, 200, "Acme only"],
    ["the admin (tenant globex) is kept out, whatever their group", admin!, 403, "Access denied"],
  ])("%s", async (_, user, status, heading) => {
    await inFreshBrowser(async (b) => {
      await signIn(b.page, "/acme/", user);
      expect(b.page.url()).toBe(`${own.site}/acme/`);
      await expect(b.page.locator("h1").textContent()).resolves.toBe(heading);
      // Once more, signed in: the status the edge gives, and who gave it.
      const res = await b.page.goto(`${own.site}/acme/`);
      expect(res?.status()).toBe(status);
      expect(own.requests.filter((e) => e.path === "/acme/").at(-1)).toMatchObject(status === 200 ? { answeredBy: "origin", reason: `${check}:signed-in` } : { answeredBy: check });
      // Everything else stays open to both.
      expect((await b.page.goto(`${own.site}/`))?.status()).toBe(200);
    });
  });
});
