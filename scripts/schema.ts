/**
 * `npm run schema`: writes `auth.config.schema.json` from the config schema (shared/config/schema.ts), and
 * docs/configuration.md (docs/configuration.template.md + the reference generated from the same schema).
 * `npm run schema -- --check` exits non-zero when a committed file is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { configJsonSchemaText } from "../shared/config/json-schema";
import { OUTPUT_FILE, configurationDocText } from "./config-reference";

const root = resolve(__dirname, "..");
const outputs: Array<[string, string]> = [
  [join(root, "auth.config.schema.json"), configJsonSchemaText()],
  [OUTPUT_FILE, configurationDocText()],
];
if (process.argv.includes("--check")) {
  let stale = false;
  for (const [file, text] of outputs) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {
      // missing: out of date
    }
    if (current !== text) {
      console.error(`${relative(root, file)} is out of date: run npm run schema`);
      stale = true;
    } else console.log(`${relative(root, file)} is up to date`);
  }
  if (stale) process.exit(1);
} else {
  for (const [file, text] of outputs) {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}
