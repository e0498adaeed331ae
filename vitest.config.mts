import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import type { TestProjectInlineConfiguration } from "vitest/config";

/** What every tier shares. */
const common = {
  testTimeout: 30_000,
  hookTimeout: 120_000,
  // The edge functions' log lines, written straight to stdout, become console output vitest can hold back.
  setupFiles: ["test/helpers/quiet-stdout.ts"],
} satisfies TestProjectInlineConfiguration["test"];

/**
 * Three tiers, each its own vitest project (`npm run test:unit`, `test:integration`, `test:e2e`); `npm test` runs
 * all three after the type-check. The run's own temp folder (test/helpers/run-temp-dir.ts) is set up once for all of them.
 */
export default defineConfig({
  test: {
    ...common,
    // The report, not the logs: a test's console output (decision lines, provider notices) is printed only when it
    // fails. Tests that assert on output capture it themselves.
    silent: "passed-only",
    // A file per core, not vitest's default of one less: most files spend their time waiting on processes they
    // started (builds, osls, cdk synth, cognito-local, Chromium) or on token lifetimes, so on 2 cores one worker
    // leaves a core idle. Each file keeps its own ports and state folders, so files can run side by side.
    maxWorkers: Math.max(2, availableParallelism()),
    globalSetup: ["test/helpers/run-temp-dir.ts"],
    projects: [
      {
        test: {
          ...common,
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/property/**/*.test.ts"],
          // In-process tests with no module mocks and no global state they leave behind: the files of a worker share
          // one module graph instead of importing it afresh each (half the tier's CPU time).
          isolate: false,
        },
      },
      { test: { ...common, name: "integration", include: ["test/integration/**/*.test.ts"] } },
      { test: { ...common, name: "e2e", include: ["test/e2e/**/*.test.ts"], globalSetup: ["test/e2e/ensure-chromium.ts"] } },
    ],
  },
});
