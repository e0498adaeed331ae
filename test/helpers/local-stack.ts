/**
 * The local stack as the tests start it: every port chosen by the system, the suite's own state folder, the
 * tests' CloudFront Function budget, log lines shown only with E2E_VERBOSE; a user's own config and site written
 * to a folder as `npm start` reads them; and free ports for a stack started as a child process.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { join } from "node:path";
import type { LocalStackOptions } from "../../local/stack";
import { ownFromEnv } from "../../local/start";
import { E2E_FUNCTION_BUDGET_MS } from "./function-budget";

type SharedOptions = "port" | "cognitoPort" | "authFrontPort" | "lambdaPort" | "stateDir" | "cloudFrontFunctionBudgetMs" | "log";

/** The options every test's Cognito stack shares; `label` marks its log lines (shown with E2E_VERBOSE=1). */
export function testStackOptions(stateDir: string, label: string): Pick<LocalStackOptions, SharedOptions> {
  return {
    port: 0,
    cognitoPort: 0,
    authFrontPort: 0,
    lambdaPort: 0,
    stateDir,
    cloudFrontFunctionBudgetMs: E2E_FUNCTION_BUDGET_MS,
    log: (l) => (process.env.E2E_VERBOSE ? console.log(`[${label}] ${l}`) : undefined),
  };
}

/**
 * Writes `config` as `dir/auth.config.json` and each page (path → title) under `dir/site`, and returns what
 * `npm start` takes from AUTH_CONFIG and SITE_DIR pointing there (with local-users.json next to the config, if any).
 */
export function ownConfigAndSite(dir: string, config: Record<string, unknown>, pages: Record<string, string>): ReturnType<typeof ownFromEnv> {
  writeFileSync(join(dir, "auth.config.json"), JSON.stringify(config, null, 2));
  for (const [file, title] of Object.entries(pages)) {
    mkdirSync(join(dir, "site", file, ".."), { recursive: true });
    writeFileSync(join(dir, "site", file), `<!doctype html><title>${title}</title><h1>${title}</h1>`);
  }
  return ownFromEnv({ AUTH_CONFIG: join(dir, "auth.config.json"), SITE_DIR: join(dir, "site") });
}

/** `n` ports that were free a moment ago (all held at once, so they differ). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  for (let i = 0; i < n; i++) {
    const s = createServer();
    await new Promise<void>((ok) => s.listen(0, "localhost", ok));
    servers.push(s);
  }
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}
