/**
 * vitest global setup: the end-to-end tests drive Debian's Chromium. On a fresh machine where it is missing, it
 * is installed with apt-get (as root, or with sudo), so README's test command works as it stands. Runs once per
 * `vitest run`, before any test file; skipped when the run is limited to other folders.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM } from "./browser";

export default function ensureChromium(): void {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith("-") && a !== "run");
  if (filters.length > 0 && !filters.some((f) => f.includes("e2e"))) return;
  if (existsSync(CHROMIUM)) return;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ["sudo"];
  const run = (args: string[]) =>
    execFileSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  console.log(`${CHROMIUM} not found: installing Debian's chromium for the end-to-end tests (apt-get)…`);
  try {
    run(["apt-get", "update"]);
    run(["apt-get", "install", "-y", "chromium"]);
  } catch {
    throw new Error(`The end-to-end tests need Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH).`);
  }
}
