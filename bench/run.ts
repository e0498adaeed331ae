/**
 * `npm run bench`: every measurement of bench/measure.ts with the real counts (`BENCH_COUNTS`), on a fresh setup
 * (bench/setup.ts). Prints the tables, writes them as JSON to .build/bench/latest.json (untracked) and writes
 * docs/performance.md (tracked: the guide's figures are this run's).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BENCH_COUNTS, runBench } from "./measure";
import { renderPerformance, renderTables } from "./report";
import { setUpBench } from "./setup";

const root = resolve(__dirname, "..");

async function main() {
  const setup = await setUpBench();
  try {
    const result = await runBench(setup, BENCH_COUNTS);
    const outDir = join(root, ".build", "bench");
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(root, "docs", "performance.md"), renderPerformance(result));
    console.log(`\n${renderTables(result)}\n`);
    console.log("Results written to docs/performance.md and .build/bench/latest.json");
  } finally {
    setup.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
