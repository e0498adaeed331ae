/**
 * The differential harness for the two viewer checks: one request spec, run through the BUILT check-auth
 * (Lambda@Edge event shapes), the BUILT CloudFront Function (in the runtime emulator and under njs), each answer
 * normalised into one comparable `Decision`.
 *
 * The differences that are by design, and how the normaliser maps them (the one place they are named):
 * - The session: check-auth verifies the provider's token cookies; the function checks the signed session cookie
 *   parse-auth writes beside them. A browser on the cloudfront-function hot path holds both, so every request
 *   carries both, generated for the same user and claims (`cookiesFor`): valid, expired or forged alike.
 * - Signed out: check-auth starts the sign-in itself (a 302 to the Hosted UI, the state sealed into a sign-in
 *   cookie); the function, which has no secure randomness, sends the browser to `paths.signIn?return=…`. The
 *   normaliser follows that redirect through the BUILT sign-in function, so both come out as the Hosted UI
 *   redirect, read back the same way: `{ to: "sign-in", client, origin, return }` (return from the sealed state).
 * - Refresh: both redirect to `paths.refresh?return=…`; check-auth makes the return path safe itself, the function
 *   leaves that to refresh-auth, so `return` is read through `safeReturnPath`, as refresh-auth reads it.
 * - Cookies the answer clears (check-auth expires refused token cookies, the function its session cookie) and the
 *   bodies' wording (the function's error pages are baked at build time) are not compared; the error code is.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CloudFrontHeaders, CloudFrontRequest } from "aws-lambda";
import { buildViewerRequestEvent } from "../../scripts/cloudfront-function-runtime/event";
import { isDisallowedHeader } from "../../scripts/cloudfront-function-runtime/headers";
import { runUnderNjs } from "../../scripts/cloudfront-function-runtime/njs";
import { loadCloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CloudFrontFunction, KvsData } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CffViewerRequestEvent } from "../../scripts/cloudfront-function-runtime/types";
import { resolveAuthConfig } from "../../shared/config/resolve";
import type { ResolvedSite } from "../../shared/config/resolve";
import type { ResolvedConfig } from "../../shared/config/types";
import { ERRORS } from "../../shared/outcomes/errors";
import { escapeHtml } from "../../shared/viewer/html";
import { markerName, openSessionStore, openSignIn } from "../../shared/edge/session-store";
import { sessionCookie } from "../../shared/edge/session-cookie-writer";
import type { MarkerKind } from "../../shared/edge/session-store";
import { isIdentityHeaderName } from "../../shared/viewer/identity-headers";
import { safeReturnPath } from "../../shared/viewer/redirect";
import { SESSION_KEY } from "../../shared/viewer/session-cookie";
import { siteFor } from "../../shared/viewer/sites";
import { buildWith } from "./build";
import { E2E_FUNCTION_BUDGET_MS } from "./function-budget";
import type { Built } from "./build";
import { viewerRequest } from "./events";
import { sessionCookieHeader } from "./session";
import { accessClaims, idClaims, makeKey, sign } from "./tokens";
import type { Issuer, TestKey } from "./tokens";
import type { Claims } from "../../shared/edge/tokens/verifier";

/** One decision, the same shape whichever path made it. */
export type Decision =
  | { kind: "forward"; uri: string; headers: Record<string, string> }
  | { kind: "redirect"; to: "sign-in"; status: number; client: string; origin: string; return: string }
  | { kind: "redirect"; to: "refresh"; status: number; origin: string; return: string; headers: Record<string, string> }
  | { kind: "redirect"; to: "elsewhere"; status: number; location: string }
  | { kind: "error"; status: number; code: string; headers: Record<string, string> }
  | { kind: "json"; status: number; code: string; headers: Record<string, string> };

/** What the viewer sends: a row of the table. */
export interface RequestSpec {
  host?: string;
  method?: string;
  path: string;
  /** Raw query string without `?`; absent: no `?` at all. */
  query?: string;
  /** Extra or replacing headers (`Accept` replaces the browser's default). */
  headers?: Record<string, string>;
  /**
   * The session the browser holds, as both cookies of the cloudfront-function hot path (token cookies and the
   * signed session cookie) for the same user: valid, expired, forged (another key), or another app client's (under
   * that client's cookie names, as Amplify names them).
   */
  session?: "valid" | "expired" | "forged" | "other-client";
  /** Whose session (index into the config's sites); default the first site. */
  sessionSite?: number;
  groups?: string[];
  username?: string;
  email?: string;
  /** A refresh token cookie (with `session` or alone). */
  refreshToken?: boolean;
  /** Loop markers just set (active), or set long ago (`"stale"`). */
  markers?: Partial<Record<MarkerKind, "active" | "stale">>;
  /** More cookies, as sent. */
  cookies?: [string, string][];
}

/** One differential config: a raw auth.config.json, built once. */
export interface DiffEnv {
  built: Built;
  sites: ResolvedSite[];
  fn: CloudFrontFunction;
  code: string;
  kvs: KvsData;
  now: number;
  issuer: Issuer;
  /** The issuer's key id on another key: forged tokens, refused without a key fetch. */
  forgedKey: TestKey;
  checkAuth(event: unknown): Promise<Record<string, unknown>>;
  signIn(event: unknown): Promise<Record<string, unknown>>;
}

export const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
export const USER_AGENT = "Mozilla/5.0";
export const DEFAULT_HOST = "www.example.com";
/** A nonce secret the test knows, so the sign-in state check-auth seals can be read back. */
const NONCE_SECRET = "differential-nonce-secret-0123456789abcdef";

/** Builds `raw` (hotPath cloudfront-function: both check-auth and the function) and loads both. */
export async function buildDiffEnv(raw: Record<string, unknown>, issuer: Issuer, now: number): Promise<DiffEnv> {
  const full = { nonceSigningSecret: NONCE_SECRET, hotPath: "cloudfront-function", ...raw };
  const built = await buildWith(full);
  if (built.status !== 0) throw new Error(`build failed:\n${built.stderr}${built.stdout}`);
  const code = readFileSync(join(built.outdir, "check-auth-function", "index.js"), "utf8");
  const kvs = JSON.parse(readFileSync(join(built.outdir, "check-auth-function", "kvs.json"), "utf8")) as KvsData;
  const key = kvs.data.find((d) => d.key === SESSION_KEY)!.value;
  // The same configs the build baked, with the session key it put in the function's store.
  const resolved = resolveAuthConfig(full, { sessionSigningSecret: key });
  if (!resolved.ok) throw new Error(resolved.errors.join("; "));
  const handler = (name: string) => built.load(name).handler as (e: unknown) => Promise<Record<string, unknown>>;
  return {
    built,
    sites: resolved.config.sites,
    // The routing tests' budget: a garbage collection in a busy worker is no runaway code (see function-budget.ts).
    fn: loadCloudFrontFunction(code, { kvs, now: () => now * 1000, budgetMs: E2E_FUNCTION_BUDGET_MS }),
    code,
    kvs,
    now,
    issuer,
    forgedKey: makeKey(issuer.key.kid),
    checkAuth: handler("check-auth"),
    signIn: handler("sign-in"),
  };
}

// ------------------------------------------------------------------------------------------------ requests

/** The `Cookie` header of a browser in the state the spec says, and the id token in it (if any). */
export function cookiesFor(env: DiffEnv, spec: RequestSpec): { cookie: string; idToken?: string } {
  const site = env.sites[spec.sessionSite ?? 0]!.config;
  const parts: string[] = [];
  const username = spec.username ?? "jane";
  let token: string | undefined;
  if (spec.session) {
    const iat = spec.session === "expired" ? env.now - 7200 : env.now - 60;
    const forged = spec.session === "forged";
    const key = forged ? env.forgedKey : env.issuer.key;
    const iss = { ...env.issuer, key, clientId: spec.session === "other-client" ? "anotherclient0000000000" : site.clientId };
    const user = { username, sub: `sub-${username}`, iat, ttl: 3600, ...(spec.groups ? { groups: spec.groups } : {}), ...(spec.email ? { email: spec.email } : {}) };
    const id = idClaims(iss, user);
    const idToken = sign(id, key);
    token = idToken;
    const accessToken = sign(accessClaims(iss, user), key);
    // Under the names of the client the tokens are for (Amplify's names carry it): another client's session is
    // that client's cookies, refresh token included.
    parts.push(sessionCookieHeader(iss.clientId, { username, idToken, accessToken, bindingKey: site.nonceSigningSecret, cookie: site.cookie, ...(spec.refreshToken ? { refreshToken: "refresh-token-value" } : {}) }));
    // The session cookie parse-auth would have written at sign-in, from the same claims (forged: another key).
    const cfg: ResolvedConfig = forged ? { ...site, session: { ...site.session, signingSecret: "f".repeat(43) } } : { ...site, clientId: iss.clientId };
    const set = sessionCookie(openSessionStore("", cfg), cfg, { username, id: id as Claims, idToken, nowSeconds: iat });
    if (set === undefined) throw new Error("no session cookie for this user");
    parts.push(set.split(";", 1)[0]!);
  } else if (spec.refreshToken) {
    parts.push(sessionCookieHeader(site.clientId, { username, refreshToken: "refresh-token-value", bindingKey: site.nonceSigningSecret, cookie: site.cookie }));
  }
  for (const [kind, state] of Object.entries(spec.markers ?? {})) {
    parts.push(`${markerName(kind as MarkerKind, site.cookie, site.clientId)}=${state === "active" ? env.now + 300 : env.now - 300}`);
  }
  for (const [n, v] of spec.cookies ?? []) parts.push(`${n}=${v}`);
  return { cookie: parts.join("; "), ...(token ? { idToken: token } : {}) };
}

/** The request's headers as sent (lower-case name → [name as sent, value]), the cookie aside. */
function headersOf(spec: RequestSpec): Map<string, [string, string]> {
  const h = new Map<string, [string, string]>([
    ["host", ["Host", spec.host ?? DEFAULT_HOST]],
    ["user-agent", ["User-Agent", USER_AGENT]],
    ["accept", ["Accept", BROWSER_ACCEPT]],
  ]);
  for (const [k, v] of Object.entries(spec.headers ?? {})) h.set(k.toLowerCase(), [k, v]);
  return h;
}

/** The Lambda@Edge viewer-request event for a spec (AWS's documented shape). */
export function edgeEvent(spec: RequestSpec, cookie: string) {
  const headers: Record<string, string> = {};
  for (const [, [name, value]] of headersOf(spec)) if (name.toLowerCase() !== "host") headers[name] = value;
  return viewerRequest({
    host: spec.host ?? DEFAULT_HOST,
    uri: spec.path,
    querystring: spec.query ?? "",
    method: spec.method ?? "GET",
    headers,
    ...(cookie ? { cookies: [cookie] } : {}),
  });
}

/** The CloudFront Functions viewer-request event for a spec. */
export function functionEvent(spec: RequestSpec, cookie: string): CffViewerRequestEvent {
  const headers = [...headersOf(spec).values()];
  if (cookie) headers.push(["Cookie", cookie]);
  return buildViewerRequestEvent({
    method: spec.method ?? "GET",
    path: spec.path,
    ...(spec.query === undefined ? {} : { query: spec.query }),
    headers,
    ip: "203.0.113.178",
  });
}

// ------------------------------------------------------------------------------------------------ normalising

/** The error code a page stands for: the one whose status, title and sentence it shows (longest sentence wins). */
export function codeOfPage(status: number, body: string): string {
  let best: string | undefined;
  for (const [code, e] of Object.entries(ERRORS)) {
    if (e.status !== status || !body.includes(escapeHtml(e.title)) || !body.includes(escapeHtml(e.sentence))) continue;
    if (best === undefined || e.sentence.length > ERRORS[best as keyof typeof ERRORS].sentence.length) best = code;
  }
  return best ?? `unknown page (${status})`;
}

/** The headers the origin sees, but the cookie and what CloudFront never shows a function. */
function originHeaders(pairs: [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) {
    const n = name.toLowerCase();
    if (n !== "cookie" && !isDisallowedHeader(n)) out[n] = out[n] === undefined ? value : `${out[n]}, ${value}`;
  }
  return out;
}

/** A generated response's headers, but where it sends the browser and the cookies it sets. */
function responseHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, v] of Object.entries(headers)) if (n !== "location" && n !== "set-cookie") out[n] = v;
  return out;
}

function fromResponse(env: DiffEnv, host: string | undefined, status: number, headers: Record<string, string>, setCookies: string[], body: string): Decision {
  const location = headers.location;
  const site = siteFor(env.sites, host)?.config ?? env.sites[0]!.config;
  if (location !== undefined) {
    const url = new URL(location);
    const state = url.searchParams.get("state");
    if (state !== null && url.searchParams.has("code_challenge")) {
      const client = url.searchParams.get("client_id") ?? "";
      const siteOf = env.sites.find((s) => s.config.clientId === client)?.config ?? site;
      const store = openSessionStore(setCookies.map((c) => c.split(";", 1)[0]).join("; "), siteOf);
      const origin = new URL(url.searchParams.get("redirect_uri") ?? "").origin;
      const opened = openSignIn(store, state, siteOf.nonceSigningSecret, env.now, origin);
      return { kind: "redirect", to: "sign-in", status, client, origin, return: opened?.ok ? opened.signIn.returnPath : `unreadable sign-in state (${opened?.why ?? "no cookie"})` };
    }
    if (url.pathname === site.paths.refresh) {
      const returns = url.searchParams.getAll("return");
      return { kind: "redirect", to: "refresh", status, origin: url.origin, return: safeReturnPath(returns.length === 1 ? returns[0] : undefined, site.paths), headers: responseHeaders(headers) };
    }
    return { kind: "redirect", to: "elsewhere", status, location };
  }
  if ((headers["content-type"] ?? "").startsWith("application/json")) return { kind: "json", status, code: String((JSON.parse(body) as { error?: unknown }).error), headers: responseHeaders(headers) };
  return { kind: "error", status, code: codeOfPage(status, body), headers: responseHeaders(headers) };
}

/** check-auth's answer (a Lambda@Edge request or response) as a Decision. */
export function fromEdge(env: DiffEnv, host: string | undefined, result: Record<string, unknown>): Decision {
  const headers = (result.headers ?? {}) as CloudFrontHeaders;
  const pairs: [string, string][] = Object.entries(headers).flatMap(([n, vs]) => vs.map((v): [string, string] => [n, v.value]));
  if (result.status === undefined) return { kind: "forward", uri: (result as unknown as CloudFrontRequest).uri, headers: originHeaders(pairs) };
  const flat: Record<string, string> = {};
  for (const [n, v] of pairs) if (n !== "set-cookie") flat[n] = v;
  const setCookies = pairs.filter(([n]) => n === "set-cookie").map(([, v]) => v);
  return fromResponse(env, host, Number(result.status), flat, setCookies, String(result.body ?? ""));
}

type CffValues = Record<string, { value: string; multiValue?: { value: string }[] }>;

/**
 * The function's answer (a request or a response, as the emulator or njs gives it) as a Decision. A redirect to
 * `paths.signIn` is followed through the BUILT sign-in function, with the same cookies, as the browser would.
 */
export async function fromFunction(env: DiffEnv, spec: RequestSpec, cookie: string, result: Record<string, unknown>): Promise<Decision> {
  const headers = (result.headers ?? {}) as CffValues;
  const pairs: [string, string][] = Object.entries(headers).flatMap(([n, f]) => (f.multiValue ?? [f]).map((v): [string, string] => [n, v.value]));
  if (result.statusCode === undefined) return { kind: "forward", uri: String(result.uri), headers: originHeaders(pairs) };
  const flat: Record<string, string> = {};
  for (const [n, v] of pairs) flat[n] = v;
  const status = Number(result.statusCode);
  const site = siteFor(env.sites, spec.host ?? DEFAULT_HOST)?.config;
  if (flat.location !== undefined && site) {
    const url = new URL(flat.location);
    if (url.pathname === site.paths.signIn) {
      // As CloudFront would send it: over http, it says so in CloudFront-Forwarded-Proto.
      const proto = url.protocol === "http:" ? { headers: { "CloudFront-Forwarded-Proto": "http" } } : {};
      const next = await env.signIn(viewerRequest({ host: url.host, uri: url.pathname, querystring: url.search.slice(1), ...proto, ...(cookie ? { cookies: [cookie] } : {}) }));
      const d = fromEdge(env, url.host, next);
      // The function's own status is the one the browser saw first.
      return d.kind === "redirect" ? { ...d, status } : d;
    }
  }
  const body = result.body as { data?: string } | string | undefined;
  return fromResponse(env, spec.host ?? DEFAULT_HOST, status, flat, [], typeof body === "string" ? body : (body?.data ?? ""));
}

/** The three answers for one spec: check-auth, the function in the emulator, the function under njs (or undefined). */
export async function decide(env: DiffEnv, spec: RequestSpec, opts: { njs: boolean }): Promise<{ edge: Decision; fn: Decision; njs?: Decision; idToken?: string }> {
  const { cookie, idToken } = cookiesFor(env, spec);
  const token = idToken ? { idToken } : {};
  const edge = fromEdge(env, spec.host ?? DEFAULT_HOST, await env.checkAuth(edgeEvent(spec, cookie)));
  const ran = await env.fn.run(functionEvent(spec, cookie));
  const fn = await fromFunction(env, spec, cookie, (ran.kind === "request" ? ran.request : ran.response) as unknown as Record<string, unknown>);
  if (!opts.njs) return { edge, fn, ...token };
  const inNjs = await runUnderNjs(env.code, functionEvent(spec, cookie), { kvs: env.kvs, now: new Date(env.now * 1000) });
  if (!inNjs.ok) throw new Error(`njs: ${inNjs.error}`);
  return { edge, fn, njs: await fromFunction(env, spec, cookie, inNjs.result as Record<string, unknown>), ...token };
}

/**
 * The headers the origin should see for a forwarded spec: what the viewer sent (cookie aside), without any
 * identity-header look-alike, plus the identity headers the row expects.
 */
export function expectedOriginHeaders(spec: RequestSpec, identity: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, [, v]] of headersOf(spec)) if (!isIdentityHeaderName(n) && !isDisallowedHeader(n)) out[n] = v;
  return { ...out, ...identity };
}

/**
 * The headers a generated response should carry: no caching, the site's security headers, the content type, and
 * for a 401 the `WWW-Authenticate` challenge naming the site's app client, for a 503 `Retry-After`.
 */
export function expectedResponseHeaders(env: DiffEnv, spec: RequestSpec, status: number, contentType?: string): Record<string, string> {
  const site = siteFor(env.sites, spec.host ?? DEFAULT_HOST)?.config ?? env.sites[0]!.config;
  return {
    ...site.headers,
    "cache-control": "no-cache, no-store",
    pragma: "no-cache",
    ...(contentType ? { "content-type": contentType } : {}),
    ...(status === 401 ? { "www-authenticate": `Bearer realm="${site.clientId}"` } : {}),
    ...(status === 503 ? { "retry-after": "5" } : {}),
  };
}
