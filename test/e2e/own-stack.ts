/**
 * A local stack on a user's own config and site (what `AUTH_CONFIG=… SITE_DIR=… npm start` runs), started before a
 * suite's tests and removed after them, and a sign-in on it through the Hosted UI.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import type { Page } from "playwright-core";
import type { RequestLogEntry } from "../../local/cloudfront";
import { startLocalStack } from "../../local/stack";
import type { LocalStack } from "../../local/stack";
import type { HotPath } from "../../shared/config/types";
import { repoRoot } from "../helpers/build";
import { ownConfigAndSite, testStackOptions } from "../helpers/local-stack";
import { submitSignIn } from "./browser";

/** The running stack, its first site's URL and every request its CloudFront answered (filled once started). */
export interface OwnStack {
  stack: LocalStack;
  site: string;
  requests: RequestLogEntry[];
  /** Opens `path` on the site, checks it leads to the Hosted UI with the config's callback, and signs `user` in. */
  signIn(page: Page, path: string, user: { email: string; password: string }): Promise<void>;
}

/**
 * Registers the suite's `beforeAll` (write `config` with `hotPath` and `pages`, then `prepare` for more files next to
 * the config, such as local-users.json; start the stack) and `afterAll` (stop it, remove its folders).
 */
export function ownStack(label: string, hotPath: HotPath, config: Record<string, unknown>, pages: Record<string, string>, prepare?: (dir: string) => void): OwnStack {
  const dir = mkdtempSync(join(tmpdir(), `edge-auth-${label}-`));
  const stateDir = join(repoRoot, ".local", `e2e-${process.pid}-${label}-${hotPath}`);
  const own: OwnStack = {
    stack: undefined as unknown as LocalStack,
    site: "",
    requests: [],
    async signIn(page, path, user) {
      // The CloudFront Function sends a signed-out visitor to the sign-in path first; it goes on to the Hosted UI.
      await page.goto(`${own.site}${path}`);
      expect(page.url().startsWith(`${own.stack.authUrl}/oauth2/authorize?`)).toBe(true);
      expect(new URL(page.url()).searchParams.get("redirect_uri")).toBe(`${own.site}${own.stack.config.paths.callback}`);
      await submitSignIn(page, user.email, user.password);
    },
  };
  beforeAll(async () => {
    prepare?.(dir);
    const files = ownConfigAndSite(dir, { ...config, hotPath }, pages);
    own.stack = await startLocalStack({ ...files, ...testStackOptions(stateDir, label), onRequest: (e) => own.requests.push(e) });
    own.site = own.stack.sites[0]!.url;
    expect(own.stack.hotPath).toBe(hotPath);
  });
  afterAll(async () => {
    await own.stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });
  return own;
}
