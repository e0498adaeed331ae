/**
 * The session as it lives in cookies: finding the current user's token cookies, writing a fresh set after
 * sign-in or refresh, and expiring all of them.
 */
import type { ResolvedConfig } from "../config/edge";
import {
  AMPLIFY_PREFIX,
  MAX_SESSION_COOKIE_BYTES,
  cookieWriter,
  lastAuthUserName,
  ownCookieNames,
  readChunked,
  tokenCookieName,
} from "./cookies";
import type { CookieWriter } from "./cookies";
import type { TokenSet } from "./oauth";
import type { Claims } from "./tokens/verifier";

export interface SessionCookies {
  username?: string;
  idToken?: string;
  accessToken?: string;
  refreshToken?: string;
}

/** Longest username we look up; Cognito usernames are at most 128 characters. */
const MAX_USERNAME = 256;

/**
 * The current user's token cookies: the user named by `LastAuthUser`, or, when that cookie is missing, the one
 * user whose id or refresh token cookie is present.
 */
export function readSession(cookies: Map<string, string>, clientId: string): SessionCookies {
  let username = cookies.get(lastAuthUserName(clientId));
  if (!username || username.length > MAX_USERNAME) username = findUser(cookies, clientId);
  if (!username) return {};
  const read = (kind: "idToken" | "accessToken" | "refreshToken") => readChunked(cookies, tokenCookieName(clientId, username, kind));
  const out: SessionCookies = { username };
  const id = read("idToken");
  const access = read("accessToken");
  const refresh = read("refreshToken");
  if (id) out.idToken = id;
  if (access) out.accessToken = access;
  if (refresh) out.refreshToken = refresh;
  return out;
}

function findUser(cookies: Map<string, string>, clientId: string): string | undefined {
  const prefix = `${AMPLIFY_PREFIX}.${clientId}.`;
  for (const name of cookies.keys()) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(.+)\.(idToken|refreshToken)(?:\.0)?$/.exec(name.slice(prefix.length));
    if (m && m[1]!.length <= MAX_USERNAME) return m[1];
  }
  return undefined;
}

/** The username Amplify keys the session by: `cognito:username` (same as the access token's `username`). */
export function usernameOf(idClaims: Claims, accessClaims?: Claims): string | undefined {
  const u = idClaims["cognito:username"] ?? accessClaims?.username;
  return typeof u === "string" && u.length > 0 && u.length <= MAX_USERNAME ? u : undefined;
}

export interface WriteSession {
  username: string;
  tokens: TokenSet;
  idExp: number;
  accessExp: number;
  nowSeconds: number;
  /** The request's cookies: other users' token cookies and stale chunks are expired. */
  existing: Map<string, string>;
}

/**
 * `Set-Cookie` values for a fresh session. Token cookies live as long as their token; the refresh token and
 * `LastAuthUser` as long as `cookie.refreshTokenMaxAge`. In `spa` mode the id/access tokens and LastAuthUser are
 * readable by scripts (Amplify); the refresh token is always HttpOnly.
 * Returns undefined when the session would not fit in the request headers CloudFront accepts.
 */
export function sessionCookies(config: ResolvedConfig, s: WriteSession): string[] | undefined {
  const w = cookieWriter(config.cookie);
  const scriptReadable = config.mode === "spa";
  const name = (kind: "idToken" | "accessToken" | "refreshToken") => tokenCookieName(config.clientId, s.username, kind);
  const out: string[] = [];
  const keep = new Set<string>();
  const add = (n: string, value: string, maxAge: number, httpOnly: boolean) => {
    const set = w.set(n, value, { maxAge, httpOnly, existing: s.existing });
    out.push(...set);
    keep.add(n);
  };
  add(lastAuthUserName(config.clientId), s.username, config.cookie.refreshTokenMaxAge, !scriptReadable);
  add(name("idToken"), s.tokens.idToken, s.idExp - s.nowSeconds, !scriptReadable);
  add(name("accessToken"), s.tokens.accessToken, s.accessExp - s.nowSeconds, !scriptReadable);
  if (s.tokens.refreshToken) add(name("refreshToken"), s.tokens.refreshToken, config.cookie.refreshTokenMaxAge, true);
  else keep.add(name("refreshToken"));

  const size = out.reduce((n, c) => n + c.split(";", 1)[0]!.length + 2, 0);
  if (size > MAX_SESSION_COOKIE_BYTES) return undefined;

  // Another user's token cookies (a different account signed in before) go. ownCookieNames holds only names of
  // our shapes: LastAuthUser (kept), token cookies, sign-in cookies and markers (not Amplify's, skipped).
  const userPrefix = `${AMPLIFY_PREFIX}.${config.clientId}.${s.username}.`;
  for (const n of ownCookieNames(s.existing, config.clientId)) {
    if (n.startsWith(`${AMPLIFY_PREFIX}.`) && !keep.has(n) && !n.startsWith(userPrefix)) out.push(w.expire(n));
  }
  return out;
}

/** Expires every cookie of ours present in the request, plus the current user's known names. */
export function expireAll(config: ResolvedConfig, cookies: Map<string, string>, username: string | undefined, w: CookieWriter = cookieWriter(config.cookie)): string[] {
  const names = new Set(ownCookieNames(cookies, config.clientId));
  names.add(lastAuthUserName(config.clientId));
  if (username) for (const k of ["idToken", "accessToken", "refreshToken"] as const) names.add(tokenCookieName(config.clientId, username, k));
  return [...names].map((n) => w.expire(n));
}

/** Expires the id and access token cookies (kept: refresh token), e.g. when they were rejected. */
export function expireTokens(config: ResolvedConfig, cookies: Map<string, string>, username: string, kinds: readonly ("idToken" | "accessToken" | "refreshToken")[]): string[] {
  const w = cookieWriter(config.cookie);
  const out: string[] = [];
  for (const k of kinds) {
    const n = tokenCookieName(config.clientId, username, k);
    out.push(w.expire(n));
    for (let i = 0; cookies.has(`${n}.${i}`); i++) out.push(w.expire(`${n}.${i}`));
  }
  return out;
}
