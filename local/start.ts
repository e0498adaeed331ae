/**
 * `npm start`: the whole product locally (see local/stack.ts), with readable request logs, until Ctrl-C, SIGTERM or
 * SIGHUP, or until the process that started it is gone; then every server and child process stops.
 *
 *   PORT             the site (default 3000)
 *   COGNITO_PORT     cognito-local (default 9229)
 *   AUTH_FRONT_PORT  the Hosted UI front (default 9230)
 *   LAMBDA_PORT      the Lambda invoke endpoint for Cognito triggers (default 9231)
 *   OIDC_PORT        the OpenID Connect provider, with EDGE_AUTH_PROVIDER=oidc (default 9232)
 *   TOKEN_VALIDITY   id/access token validity in seconds (default 300; keep it above 15, refresh-auth's loop guard)
 *   EDGE_AUTH_MODE   `static` (default) or `spa`: the edge config's mode; `spa` also serves the Amplify demo at /spa/
 *   EDGE_AUTH_HOT_PATH  `lambda-edge` (default) or `cloudfront-function`: the edge config's hotPath (where the
 *                    default behaviour's viewer check runs)
 *   EDGE_AUTH_SITES  `1` (default) or `2`: two sites, http://site-a.localhost:PORT and http://site-b.localhost:PORT,
 *                    each with its own app client (the config's `sites`)
 *   EDGE_AUTH_PROVIDER  `cognito` (default: cognito-local) or `oidc` (panva's oidc-provider on loopback)
 *   LOCAL_STATE_DIR  where the stack keeps cognito-local's data, the generated config and the build (default .local/)
 *   AUTH_CONFIG      your own config: its edge settings, with cognito-local in place of its provider (each replaced
 *                    setting is named at start); its mode, hot path and sites replace the three variables above
 *   SITE_DIR         your own site folder, served in place of site/
 *   AUTH_USERS       a local users file (default: local-users.json next to AUTH_CONFIG, when there is one): a JSON
 *                    array of { "email", "password", "groups" }, signed in next to the demo users
 */
import type { HotPath } from "../shared/config/types";
import { ruleGroups } from "../shared/viewer/rules";
import type { RequestLogEntry } from "./cloudfront";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { localSiteRules } from "./local-config";
import type { SiteCount } from "./local-config";
import { readLocalUsers, usersFilePath } from "./local-users";
import { DEMO_USERS } from "./seed";
import { PortInUseError } from "./ports";
import { startLocalStack } from "./stack";
import type { AnyLocalStack, LocalSite, LocalStackOptions } from "./stack";

const tty = process.stdout.isTTY;
const color = (code: number) => (s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const dim = color(2);
const bold = color(1);
const byStatus = (status: number) => (status >= 500 ? color(31) : status >= 400 ? color(33) : status >= 300 ? color(36) : color(32));

/** `GET /admin/ → 403 check-auth (forbidden) 4 ms`; with `withHost`, the host name before the path
 *  (`GET site-b.localhost /admin/ → …`), for a stack of several sites. */
export function formatEntry(e: RequestLogEntry, withHost = false): string {
  let path = e.path;
  try {
    path = decodeURI(e.path);
  } catch {
    // keep it encoded
  }
  const who = e.answeredBy === "origin" ? `origin ${dim(`(${e.reason ?? ""})`)}` : `${bold(e.answeredBy)}${e.reason ? ` (${e.reason})` : ""}`;
  const host = withHost && e.host ? `${dim(e.host.replace(/:\d+$/, ""))} ` : "";
  return `${e.method.padEnd(4)} ${host}${path} → ${byStatus(e.status)(String(e.status))} ${who} ${dim(`${e.ms} ms`)}`;
}

/** `EDGE_AUTH_MODE`: unset or empty means static. */
export function modeFromEnv(value: string | undefined): "static" | "spa" {
  if (value === undefined || value === "" || value === "static") return "static";
  if (value === "spa") return "spa";
  throw new Error(`EDGE_AUTH_MODE=${value} is not a mode (static or spa)`);
}

/** `EDGE_AUTH_HOT_PATH`: unset or empty means lambda-edge. */
export function hotPathFromEnv(value: string | undefined): HotPath {
  if (value === undefined || value === "" || value === "lambda-edge") return "lambda-edge";
  if (value === "cloudfront-function") return "cloudfront-function";
  throw new Error(`EDGE_AUTH_HOT_PATH=${value} is not a hot path (lambda-edge or cloudfront-function)`);
}

/** `EDGE_AUTH_SITES`: unset or empty means one site. */
export function sitesFromEnv(value: string | undefined): SiteCount {
  if (value === undefined || value === "" || value === "1") return 1;
  if (value === "2") return 2;
  throw new Error(`EDGE_AUTH_SITES=${value} is not a number of sites (1 or 2)`);
}

/** `EDGE_AUTH_PROVIDER`: unset or empty means cognito (cognito-local). */
export function providerFromEnv(value: string | undefined): "cognito" | "oidc" {
  if (value === undefined || value === "" || value === "cognito") return "cognito";
  if (value === "oidc") return "oidc";
  throw new Error(`EDGE_AUTH_PROVIDER=${value} is not a provider (cognito or oidc)`);
}

/** The stack's options from `npm start`'s environment, each variable checked, and the combinations too. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): Required<Pick<LocalStackOptions, "mode" | "hotPath" | "sites" | "provider">> {
  const mode = modeFromEnv(env.EDGE_AUTH_MODE);
  const hotPath = hotPathFromEnv(env.EDGE_AUTH_HOT_PATH);
  const sites = sitesFromEnv(env.EDGE_AUTH_SITES);
  const provider = providerFromEnv(env.EDGE_AUTH_PROVIDER);
  if (mode === "spa" && sites !== 1) throw new Error("EDGE_AUTH_MODE=spa works with one site: its Amplify JS demo page is built for one app client (unset EDGE_AUTH_SITES)");
  if (mode === "spa" && provider !== "cognito") throw new Error("EDGE_AUTH_MODE=spa works with cognito-local only: its Amplify JS demo page reads a Cognito session (unset EDGE_AUTH_PROVIDER)");
  return { mode, hotPath, sites, provider };
}

/** What `AUTH_CONFIG`, `SITE_DIR` and `AUTH_USERS` ask for: the user's own config and users, their own site. */
export function ownFromEnv(env: NodeJS.ProcessEnv): Pick<LocalStackOptions, "ownConfig" | "siteDir"> {
  const config = env.AUTH_CONFIG || undefined;
  const out: Pick<LocalStackOptions, "ownConfig" | "siteDir"> = {};
  if (env.SITE_DIR) {
    const dir = resolve(env.SITE_DIR);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`SITE_DIR=${env.SITE_DIR} is not a folder`);
    out.siteDir = dir;
  }
  if (!config) {
    if (env.AUTH_USERS) throw new Error("AUTH_USERS adds users for your own config's rules: set AUTH_CONFIG too");
    return out;
  }
  for (const name of ["EDGE_AUTH_MODE", "EDGE_AUTH_HOT_PATH", "EDGE_AUTH_SITES"]) {
    if (env[name]) throw new Error(`${name} does not apply with AUTH_CONFIG: your config's ${name === "EDGE_AUTH_MODE" ? "mode" : name === "EDGE_AUTH_HOT_PATH" ? "hotPath" : "sites"} is used (unset ${name})`);
  }
  if (env.EDGE_AUTH_PROVIDER && env.EDGE_AUTH_PROVIDER !== "cognito")
    throw new Error(`EDGE_AUTH_PROVIDER=${env.EDGE_AUTH_PROVIDER} does not apply with AUTH_CONFIG: your config runs on cognito-local, in place of its provider (unset EDGE_AUTH_PROVIDER)`);
  const usersFile = usersFilePath(env.AUTH_USERS, config);
  const users = usersFile ? readLocalUsers(usersFile, DEMO_USERS.map((u) => u.email)) : [];
  out.ownConfig = { path: resolve(config), users };
  return out;
}

/** `/members/*` → `/members/`: a page a rule's path covers, to try. */
const tryPath = (glob: string) => glob.replace(/\*.*$/, "").replace(/\?.*$/, "") || "/";

/** The lines `npm start` prints once the stack runs: where the sites and the sign-in are, and who can sign in. */
export function banner(stack: AnyLocalStack): string[] {
  const many = stack.sites.length > 1;
  const own = stack.own;
  const rulesOf = (s: LocalSite, i: number) => (s.rules ?? localSiteRules(i)).map((r) => `${r.path}: ${ruleGroups([r]).join(", ") || "a policy (npm run policy explains it)"}`).join("; ") || "no rules";
  const siteLines =
    many || own
      ? stack.sites.map((s, i) => {
          const name = (many ? `Site ${i < 26 ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] : i + 1}:` : "Site:").padEnd(11);
          const also = (s.hosts ?? []).slice(1).map((h) => ` also ${h}`).join("");
          return `${bold(`  ${name} ${s.url}`)}   ${dim(`(app client ${s.clientId}${also}; ${rulesOf(s, i)})`)}`;
        })
      : [bold(`  Site:       ${stack.url}`)];
  const ownLines = own
    ? [
        "",
        bold(`  Your config: ${own.configPath}   Your site: ${own.siteDir}`),
        "  Replaced for the local run (everything else is your config's):",
        ...own.replaced.map((r) => `    ${r}`),
      ]
    : [];
  const signIn =
    stack.provider === "cognito"
      ? `  Hosted UI:  ${stack.authUrl}   (cognito-local: ${stack.cognitoUrl}, pool ${stack.userPoolId})`
      : `  Provider:   ${stack.issuer}   (oidc-provider, OpenID Connect; ${stack.sites.map((s) => `${s.clientId}: ${s.clientSecret ? "confidential" : "public"}`).join(", ")})`;
  const tryUrl = stack.sites[stack.sites.length - 1]!.url;
  return [
    ...ownLines,
    "",
    ...siteLines,
    signIn,
    "",
    "  Sign in as:",
    // The demo users' passwords are the repository's; a users file's stay in that file, out of terminals and CI logs.
    ...stack.users.map((u) => `    ${u.email.padEnd(20)} ${(DEMO_USERS.some((d) => d.email === u.email) ? u.password : "(users file)").padEnd(16)} groups: ${u.groups.join(", ")}`),
    "",
    own
      ? `  Try: ${[...new Set(["/", ...stack.sites.flatMap((s) => (s.rules ?? []).map((r) => tryPath(r.path))), stack.config.paths.signOut])].map((p) => `${stack.url}${p}`).join("  ·  ")}`
      : `  Try: ${stack.url}/  ·  ${stack.url}/admin/  ·  ${stack.url}/public/  ·  ${stack.url}/signout`,
    ...(many && !own ? [`       ${tryUrl}/admin/ (its own sign-in: a session of site A is not one of site B)  ·  http://other.localhost:${new URL(stack.url).port}/ (no site: 421)`] : []),
    ...(stack.hotPath === "cloudfront-function"
      ? [bold(`  Hot path: cloudfront-function (check-auth-function in the CloudFront Functions emulator; sign-in at ${stack.config.paths.signIn})`)]
      : []),
    ...(stack.mode === "spa" && !own ? [bold(`  SPA mode: ${stack.url}/spa/ (Amplify JS reads the session from the cookies; also ${stack.url}/public/spa/)`)] : []),
    dim(`  Config: ${stack.configPath}   Build: ${stack.outdir}   Ctrl-C stops everything.`),
    "",
  ];
}

/**
 * Calls `onGone` once when this process's parent is no longer the one it started under. `npm start` runs us
 * through `sh -c`; on SIGTERM npm signals only that shell, and dash (Debian's sh) dies without passing the signal
 * on, so the only trace we see is being re-parented.
 */
export function watchParent(onGone: () => void, everyMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function main() {
  const validity = process.env.TOKEN_VALIDITY ? Number(process.env.TOKEN_VALIDITY) : undefined;
  const options = optionsFromEnv(process.env);
  const own = ownFromEnv(process.env);

  // Installed before anything starts: a signal during start-up must not leave cognito-local behind either.
  let stack: AnyLocalStack | undefined;
  let stopping = false;
  // Exit code 0 after a deliberate stop, as before: npm reports any other code as a failed script.
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(dim(`\n${why}: stopping…`));
    // Still starting: exit now; cognito-local's exit hook and its stdin watch (local/cognito.ts) end it with us.
    if (!stack) process.exit(0);
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    stack
      .stop()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => shutdown(signal));
  watchParent(() => shutdown("the process that started npm start is gone"));

  console.log(dim(options.provider === "cognito" ? "starting cognito-local, seeding the pool, building the edge functions…" : "starting the OpenID Connect provider, building the edge functions…"));
  stack = await startLocalStack({
    ...(validity ? { tokenValiditySeconds: validity } : {}),
    ...(process.env.LOCAL_STATE_DIR ? { stateDir: process.env.LOCAL_STATE_DIR } : {}),
    ...(own.ownConfig ? { provider: "cognito" as const } : options),
    ...own,
    // The host too when there are several sites (an own config says how many once the stack runs).
    onRequest: (e) => console.log(formatEntry(e, (stack?.sites.length ?? options.sites) > 1)),
    log: (l) => console.log(dim(l)),
  });
  console.log(banner(stack).join("\n"));
}

/** The one line `npm start` prints when it cannot start. */
export function startFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // A port taken between the check and the listen still deserves a hint.
  const inUse = !(err instanceof PortInUseError) && (err as NodeJS.ErrnoException)?.code === "EADDRINUSE";
  const hint = inUse ? " (is another npm start running? Set PORT, COGNITO_PORT, AUTH_FRONT_PORT, LAMBDA_PORT or OIDC_PORT to other ports)" : "";
  return `npm start failed: ${message}${hint}`;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(startFailure(err));
    process.exit(1);
  });
}
