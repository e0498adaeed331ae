/**
 * `npm run build:lib` (also run by `npm pack` / `npm publish`): the npm library's CDK entry,
 * `cloudfront-cognito-edge-auth/cdk`, as `lib/cdk.js` (CommonJS, every package left external) and its type
 * declarations in `lib/types/`. The constructs build the functions at synth from the package's own sources
 * (handlers/, shared/, scripts/build*.ts), which the package ships as they are.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(__dirname, "..");

async function main(): Promise<void> {
  rmSync(join(root, "lib"), { recursive: true, force: true });
  await build({
    entryPoints: [join(root, "cdk", "index.ts")],
    outfile: join(root, "lib", "cdk.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    logLevel: "error",
  });
  // typescript's package exports no bin path; its bin script sits next to its package.json.
  const tscBin = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
  const tsc = spawnSync(process.execPath, [tscBin, "-p", join(root, "tsconfig.lib.json")], { cwd: root, stdio: "inherit" });
  if (tsc.status !== 0) throw new Error(`tsc (declarations) failed with exit code ${tsc.status}`);
  console.log("built lib/cdk.js and lib/types/");
}

main().catch((err: unknown) => {
  console.error(`build:lib failed: ${(err as Error).message}`);
  process.exit(1);
});
