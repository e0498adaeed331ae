/**
 * The JSON Schema of `auth.config.json`, generated from the zod schema (shared/config/schema.ts) so editors
 * validate and complete the file as it is typed. The repository ships it as `auth.config.schema.json`
 * (`npm run schema` writes it; a test checks the committed file is up to date).
 */
import { z } from "zod";
import { configFileSchema } from "./schema";

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configFileSchema, { io: "input", unrepresentable: "any", target: "draft-7" }) as Record<string, unknown>;
  return { ...schema, $id: "https://github.com/edge-auth/edge-auth/auth.config.schema.json", title: "edge-auth configuration" };
}

/** The file's text: stable key order (as declared), two-space indent, a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
