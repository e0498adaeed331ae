/**
 * Helpers for the end-to-end tests: a fresh headless Chromium per scenario (Debian's /usr/bin/chromium driven by
 * playwright-core) and the Hosted UI sign-in form of cognito-local.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser with a fresh profile (no cookies); `close()` also removes the profile. */
export interface FreshBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function freshBrowser(): Promise<FreshBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (test/e2e/ensure-chromium.ts installs it with apt-get)`);
  const dir = mkdtempSync(join(tmpdir(), "edge-auth-e2e-"));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1100, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills and submits cognito-local's sign-in form on `page` (which must be showing it); waits for the navigation. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.locator('input[name="username"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForNavigation(), page.locator('button[type="submit"]').click()]);
}
