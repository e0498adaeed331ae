/**
 * The local users file: users `npm start` adds to the local pool next to the demo users, each with the groups the
 * user's rules name. The contract (docs/local.md, "Run your own config and site"):
 *
 *   AUTH_USERS=path/to/users.json, else `local-users.json` next to the config of AUTH_CONFIG (optional);
 *   a JSON array of { "email": "...", "password": "...", "groups": ["..."] } (`groups` optional, default none).
 *
 * Local test users only: the passwords are printed in the start banner like the demo users'.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { GROUP_NAME } from "../shared/triggers/claim-names";
import type { DemoUser } from "./seed";

/** The users file's name when it sits next to the config. */
export const LOCAL_USERS_FILE = "local-users.json";

const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** Cognito's limit on groups per user (https://docs.aws.amazon.com/cognito/latest/developerguide/limits.html). */
const MAX_GROUPS = 100;

/** The users file to read: `AUTH_USERS`, else `local-users.json` next to the config when there is one, else none. */
export function usersFilePath(authUsers: string | undefined, configPath: string | undefined): string | undefined {
  if (authUsers) return resolve(authUsers);
  if (!configPath) return undefined;
  const next = join(dirname(resolve(configPath)), LOCAL_USERS_FILE);
  return existsSync(next) ? next : undefined;
}

/**
 * The users a file's JSON holds, or every problem with it (one line each, naming the entry and field). `taken`:
 * e-mail addresses already in use (the demo users), which a file cannot redefine.
 */
export function parseLocalUsers(json: unknown, taken: readonly string[] = []): { ok: true; users: DemoUser[] } | { ok: false; problems: string[] } {
  if (!Array.isArray(json)) return { ok: false, problems: ['must be a JSON array of { "email": "...", "password": "...", "groups": ["..."] }'] };
  const problems: string[] = [];
  const users: DemoUser[] = [];
  const seen = new Set(taken.map((e) => e.toLowerCase()));
  json.forEach((entry: unknown, i) => {
    const at = `[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return void problems.push(`${at}: must be an object { "email": "...", "password": "...", "groups": ["..."] }`);
    const u = entry as Record<string, unknown>;
    for (const key of Object.keys(u)) if (!["email", "password", "groups"].includes(key)) problems.push(`${at}.${key}: unknown key (email, password, groups)`);
    const email = typeof u.email === "string" ? u.email.trim() : undefined;
    if (!email || !EMAIL.test(email)) problems.push(`${at}.email: must be an e-mail address (the user signs in with it)`);
    else if (seen.has(email.toLowerCase())) problems.push(`${at}.email: ${email} is ${taken.some((t) => t.toLowerCase() === email.toLowerCase()) ? "a demo user" : "listed twice"}`);
    if (typeof u.password !== "string" || u.password.length < 8 || u.password.length > 256) problems.push(`${at}.password: must be a string of 8 to 256 characters`);
    const groups = u.groups ?? [];
    const okGroups = Array.isArray(groups) && groups.length <= MAX_GROUPS && groups.every((g) => typeof g === "string" && GROUP_NAME.test(g));
    if (!okGroups) problems.push(`${at}.groups: must be an array of at most ${MAX_GROUPS} group names (1 to 128 characters, no spaces)`);
    if (email && EMAIL.test(email)) seen.add(email.toLowerCase());
    if (email && typeof u.password === "string" && okGroups) users.push({ email, password: u.password, groups: [...new Set(groups as string[])] });
  });
  return problems.length ? { ok: false, problems } : { ok: true, users };
}

/** Reads and checks a users file; throws one message naming the file and every problem. */
export function readLocalUsers(file: string, taken: readonly string[]): DemoUser[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`users file ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : `is not valid JSON (${(err as Error).message})`}`);
  }
  const r = parseLocalUsers(json, taken);
  if (!r.ok) throw new Error(`users file ${file}:\n  ${r.problems.join("\n  ")}`);
  return r.users;
}
