/**
 * `npm run schema`: writes `auth.config.schema.json` from the config schema (shared/config/schema.ts).
 * `npm run schema -- --check` exits non-zero when the committed file is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { configJsonSchemaText } from "../shared/config/json-schema";

const file = join(resolve(__dirname, ".."), "auth.config.schema.json");
const text = configJsonSchemaText();
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing: out of date
  }
  if (current !== text) {
    console.error("auth.config.schema.json is out of date: run npm run schema");
    process.exit(1);
  }
  console.log("auth.config.schema.json is up to date");
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
