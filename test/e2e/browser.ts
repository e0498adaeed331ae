/**
 * Helpers for the end-to-end tests: a fresh browser context per scenario (its own cookies and storage, like a new
 * profile) in one headless Chromium per test file (Debian's /usr/bin/chromium driven by playwright-core), and the
 * Hosted UI sign-in form of cognito-local. A context costs a fraction of a second; a Chromium launch costs seconds.
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page } from "playwright-core";

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

/** A browser context with no cookies or storage, and a page in it; `close()` discards both. */
export interface FreshBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

let shared: Promise<Browser> | undefined;

/** A fresh context in this test file's Chromium, launched on first use (`closeBrowser()` ends it). */
export async function freshBrowser(): Promise<FreshBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (test/e2e/ensure-chromium.ts installs it with apt-get)`);
  shared ??= chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await (await shared).newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  return { context, page, close: () => context.close() };
}

/** Ends the Chromium `freshBrowser` launched, if any: call it in each test file's `afterAll`. */
export async function closeBrowser(): Promise<void> {
  const browser = shared;
  shared = undefined;
  await (await browser?.catch(() => undefined))?.close();
}

/** Fills and submits cognito-local's sign-in form on `page` (which must be showing it); waits for the navigation. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.locator('input[name="username"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForNavigation(), page.locator('button[type="submit"]').click()]);
}

/** Runs `fn` in a `freshBrowser()`, closing it afterwards whatever happens. */
export async function inFreshBrowser<T>(fn: (b: FreshBrowser) => Promise<T>): Promise<T> {
  const b = await freshBrowser();
  try {
    return await fn(b);
  } finally {
    await b.close();
  }
}
