/**
 * `npm start`: the whole product locally (see local/stack.ts), with readable request logs, until Ctrl-C.
 *
 *   PORT             the site (default 3000)
 *   COGNITO_PORT     cognito-local (default 9229)
 *   AUTH_FRONT_PORT  the Hosted UI front (default 9230)
 *   LAMBDA_PORT      the Lambda invoke endpoint for Cognito triggers (default 9231)
 *   TOKEN_VALIDITY   id/access token validity in seconds (default 300; keep it above 15, refresh-auth's loop guard)
 *   EDGE_AUTH_MODE   `static` (default) or `spa`: the edge config's mode; `spa` also serves the Amplify demo at /spa/
 */
import type { RequestLogEntry } from "./cloudfront";
import { startLocalStack } from "./stack";

const tty = process.stdout.isTTY;
const color = (code: number) => (s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const dim = color(2);
const bold = color(1);
const byStatus = (status: number) => (status >= 500 ? color(31) : status >= 400 ? color(33) : status >= 300 ? color(36) : color(32));

/** `GET /admin/ → 403 check-auth (forbidden) 4 ms` */
export function formatEntry(e: RequestLogEntry): string {
  let path = e.path;
  try {
    path = decodeURI(e.path);
  } catch {
    // keep it encoded
  }
  const who = e.answeredBy === "origin" ? `origin ${dim(`(${e.reason ?? ""})`)}` : `${bold(e.answeredBy)}${e.reason ? ` (${e.reason})` : ""}`;
  return `${e.method.padEnd(4)} ${path} → ${byStatus(e.status)(String(e.status))} ${who} ${dim(`${e.ms} ms`)}`;
}

/** `EDGE_AUTH_MODE`: unset or empty means static. */
export function modeFromEnv(value: string | undefined): "static" | "spa" {
  if (value === undefined || value === "" || value === "static") return "static";
  if (value === "spa") return "spa";
  throw new Error(`EDGE_AUTH_MODE=${value} is not a mode (static or spa)`);
}

async function main() {
  const validity = process.env.TOKEN_VALIDITY ? Number(process.env.TOKEN_VALIDITY) : undefined;
  const mode = modeFromEnv(process.env.EDGE_AUTH_MODE);
  console.log(dim("starting cognito-local, seeding the pool, building the edge functions…"));
  const stack = await startLocalStack({
    ...(validity ? { tokenValiditySeconds: validity } : {}),
    mode,
    onRequest: (e) => console.log(formatEntry(e)),
    log: (l) => console.log(dim(l)),
  });
  const lines = [
    "",
    bold(`  Site:       ${stack.url}`),
    `  Hosted UI:  ${stack.authUrl}   (cognito-local: ${stack.cognitoUrl}, pool ${stack.userPoolId})`,
    "",
    "  Sign in as:",
    ...stack.users.map((u) => `    ${u.email.padEnd(20)} ${u.password.padEnd(16)} groups: ${u.groups.join(", ")}`),
    "",
    `  Try: ${stack.url}/  ·  ${stack.url}/admin/  ·  ${stack.url}/public/  ·  ${stack.url}/signout`,
    ...(stack.mode === "spa" ? [bold(`  SPA mode: ${stack.url}/spa/ (Amplify JS reads the session from the cookies; also ${stack.url}/public/spa/)`)] : []),
    dim(`  Config: ${stack.configPath}   Build: ${stack.outdir}   Ctrl-C stops everything.`),
    "",
  ];
  console.log(lines.join("\n"));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(dim(`\n${signal}: stopping…`));
    stack
      .stop()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const inUse = (err as NodeJS.ErrnoException)?.code === "EADDRINUSE";
    const hint = inUse ? " (is another npm start running? Set PORT, COGNITO_PORT, AUTH_FRONT_PORT or LAMBDA_PORT to other ports)" : "";
    console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}${hint}`);
    process.exit(1);
  });
}
