import { defineConfig } from "vitest/config";
import type { TestProjectInlineConfiguration } from "vitest/config";

/** What every tier shares. */
const common = {
  testTimeout: 30_000,
  hookTimeout: 120_000,
} satisfies TestProjectInlineConfiguration["test"];

/**
 * Three tiers, each its own vitest project (`npm run test:unit`, `test:integration`, `test:e2e`); `npm test` runs
 * all three after the type-check. The run's own temp folder (test/setup/temp-dir.ts) is set up once for all of them.
 */
export default defineConfig({
  test: {
    ...common,
    // The report, not the logs: a test's console output (decision lines, provider notices) is printed only when it
    // fails. Tests that assert on output capture it themselves.
    silent: "passed-only",
    globalSetup: ["test/setup/temp-dir.ts"],
    projects: [
      { test: { ...common, name: "unit", include: ["test/unit/**/*.test.ts", "test/property/**/*.test.ts"] } },
      { test: { ...common, name: "integration", include: ["test/integration/**/*.test.ts"] } },
      { test: { ...common, name: "e2e", include: ["test/e2e/**/*.test.ts"], globalSetup: ["test/e2e/ensure-chromium.ts"] } },
    ],
  },
});
