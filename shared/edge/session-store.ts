/**
 * The session store: every cookie the edge reads or writes, in one place — names, value formats, chunking,
 * limits, and which cookies are ours. Decisions open a store on a request's `Cookie` header and ask it
 * questions ("who is signed in?", "did a sign-in just finish?") or for `Set-Cookie` values; they never build a
 * cookie name themselves.
 *
 * The cookies:
 * - Amplify JS's names, so a page using Amplify sees the session:
 *   `CognitoIdentityServiceProvider.<clientId>.LastAuthUser` = username, and
 *   `CognitoIdentityServiceProvider.<clientId>.<username>.{idToken,accessToken,refreshToken}` = the token.
 *   A token bigger than one cookie can hold is split into `<name>.0`, `<name>.1`, ... (shared/edge/chunked-cookies.ts).
 * - One sign-in cookie per started sign-in, `__Host-edgeauth-signin.<state>` = the sealed sign-in state
 *   (shared/edge/sign-in-state.ts), for 15 minutes.
 * - Two loop markers, `__Host-edgeauth-signedin` and `__Host-edgeauth-refreshed` = the new id token's `exp`, for
 *   15 seconds after a sign-in or refresh.
 * - With the CloudFront Function hot path, `__Host-edgeauth-session` = the sealed session
 *   (shared/viewer/session-cookie.ts), which the CloudFront Function checks on every request; written and expired
 *   by shared/edge/session-cookie-writer.ts.
 * - `__Host-edgeauth-binding` = the HMAC that binds the token cookies to this browser's sign-in
 *   (shared/edge/session-binding.ts), as long as the refresh token.
 * Our own cookies carry the `__Host-` prefix unless `cookie.domain` is set, so a sibling subdomain cannot plant
 * them (login CSRF by cookie tossing): https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-the-__host-prefix
 * With `cookie.domain` they are named per app client (`edgeauth-<site>-<base>`, shared/viewer/cookie-names.ts).
 *
 * Cookie tossing (issue 17): names are read exactly as sent (only Amplify's are percent-decoded), and a cookie of
 * ours that arrives more than once (a host-only one and a planted parent-domain one: browsers send the longer
 * `Path` first, so "first wins" would let the planted one win) is judged as absent and expired (`withRepeatedCleared`).
 */
import type { ResolvedConfig } from "../config/types";
import { AMPLIFY_PREFIX, bindingCookieName, lastAuthUserName, markerActive, markerName, sessionCookieName, signInCookieName, tokenCookieName } from "../viewer/cookie-names";
import type { MarkerKind, TokenKind } from "../viewer/cookie-names";
import { encodeCookieName, parseCookieHeader, serializeCookie } from "./cookie-codec";
import { cookieWriter, readChunked } from "./chunked-cookies";
import { bindingValue, isBound, subjectOf } from "./session-binding";
import type { BindingSubject } from "./session-binding";
import type { TokenSet } from "./oauth";
import { SIGNIN_TTL_SECONDS, STATE_RE, peekExpiry, sealSignIn, signInSite, unsealSignIn } from "./sign-in-state";
import type { SignInState, UnsealResult } from "./sign-in-state";
import type { Claims } from "./tokens/verifier";
import { claimAt } from "../viewer/rules";

export { AMPLIFY_PREFIX, bindingCookieName, lastAuthUserName, markerActive, markerName, sessionCookieName, signInCookieName, tokenCookieName } from "../viewer/cookie-names";
export type { MarkerKind, TokenKind } from "../viewer/cookie-names";

/** A cookie header beyond this no longer fits CloudFront's limits on viewer request headers (about 20 KB). */
export const MAX_SESSION_COOKIE_BYTES = 14_000;
/** At most this many cookies are expired in one response: each costs header bytes, and Lambda@Edge caps a
 *  generated response at 40 KB. Anything beyond expires by its own Max-Age. */
export const MAX_EXPIRED_PER_RESPONSE = 40;
/** Markers live only for the redirect that follows the sign-in or refresh. */
export const MARKER_TTL_SECONDS = 15;
/** More pending sign-ins than this and the oldest are dropped, so cookies cannot pile up. */
export const MAX_PENDING_SIGNINS = 4;
/** Longest username we look up; Cognito usernames are at most 128 characters. */
const MAX_USERNAME = 256;

type StoreConfig = Pick<ResolvedConfig, "clientId" | "cookie" | "mode">;

// ---------------------------------------------------------------------------------------------------- names

const AMPLIFY_TOKEN_NAME = /^.{1,256}\.(idToken|accessToken|refreshToken|clockDrift|userData)(\.\d{1,2})?$/s;

/** True for the names we write: this client's Amplify cookies, our sign-in cookies, loop markers, session and binding. */
export function isOwnCookieName(name: string, c: Pick<StoreConfig, "clientId" | "cookie">): boolean {
  const signIn = signInCookieName("", c.cookie, c.clientId);
  for (const own of [markerName("signedin", c.cookie, c.clientId), markerName("refreshed", c.cookie, c.clientId), sessionCookieName(c.cookie, c.clientId), bindingCookieName(c.cookie, c.clientId)])
    if (name === own) return true;
  if (name.startsWith(signIn)) return STATE_RE.test(name.slice(signIn.length));
  const amplify = `${AMPLIFY_PREFIX}.${c.clientId}.`;
  if (!name.startsWith(amplify)) return false;
  const rest = name.slice(amplify.length);
  return rest === "LastAuthUser" || AMPLIFY_TOKEN_NAME.test(rest);
}

/** Names of the cookies of ours in the request (at most MAX_EXPIRED_PER_RESPONSE). */
export function ownCookieNames(cookies: ReadonlyMap<string, string>, c: Pick<StoreConfig, "clientId" | "cookie">): string[] {
  const out: string[] = [];
  for (const n of cookies.keys()) {
    if (out.length >= MAX_EXPIRED_PER_RESPONSE) break;
    if (isOwnCookieName(n, c)) out.push(n);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------- reading

export interface StoredSession {
  username?: string;
  idToken?: string;
  accessToken?: string;
  refreshToken?: string;
}

/**
 * The current user's token cookies: the user named by `LastAuthUser`, or, when that cookie is missing, the one
 * user whose id or refresh token cookie is present.
 */
export function readSession(cookies: ReadonlyMap<string, string>, clientId: string): StoredSession {
  let username = cookies.get(lastAuthUserName(clientId));
  if (!username || username.length > MAX_USERNAME) username = findUser(cookies, clientId);
  if (!username) return {};
  const out: StoredSession = { username };
  for (const kind of ["idToken", "accessToken", "refreshToken"] as const) {
    const v = readChunked(cookies, tokenCookieName(clientId, username, kind));
    if (v) out[kind] = v;
  }
  return out;
}

function findUser(cookies: ReadonlyMap<string, string>, clientId: string): string | undefined {
  const prefix = `${AMPLIFY_PREFIX}.${clientId}.`;
  for (const name of cookies.keys()) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(.+)\.(idToken|refreshToken)(?:\.0)?$/.exec(name.slice(prefix.length));
    if (m && m[1]!.length <= MAX_USERNAME) return m[1];
  }
  return undefined;
}

/**
 * The username the session is keyed by (cookie names, `x-auth-user`): the configured claim (Cognito:
 * `cognito:username`, the same as the access token's `username`); for another provider `sub` when the claim is absent.
 */
export function usernameOf(idClaims: Claims, accessClaims?: Claims, config: Pick<ResolvedConfig, "usernameClaim" | "provider"> = COGNITO_NAMES): string | undefined {
  let u = claimAt(idClaims, config.usernameClaim);
  if (u === undefined) u = config.provider.type === "cognito" ? accessClaims?.username : idClaims.sub;
  return typeof u === "string" && u.length > 0 && u.length <= MAX_USERNAME ? u : undefined;
}
const COGNITO_NAMES = { usernameClaim: "cognito:username", provider: { type: "cognito" } } as Pick<ResolvedConfig, "usernameClaim" | "provider">;

/** Pending sign-ins to drop so that, with a new one, at most MAX_PENDING_SIGNINS remain: the oldest first. */
export function signInsToDrop(pending: ReadonlyMap<string, string>): string[] {
  const byExpiry = [...pending.entries()]
    .filter(([state]) => STATE_RE.test(state))
    .map(([state, value]) => ({ state, expires: peekExpiry(value) }))
    .sort((a, b) => a.expires - b.expires);
  const drop = byExpiry.slice(0, Math.max(0, byExpiry.length - (MAX_PENDING_SIGNINS - 1))).map((p) => p.state);
  return drop.slice(0, MAX_EXPIRED_PER_RESPONSE);
}

// ---------------------------------------------------------------------------------------------------- writing

export interface NewSession {
  username: string;
  /** Whose session (verified id token): written into the binding cookie with `bindingKey`. */
  subject: BindingSubject;
  /** `nonceSigningSecret` (shared/edge/session-binding.ts). */
  bindingKey: string;
  tokens: TokenSet;
  idExp: number;
  accessExp: number;
  nowSeconds: number;
}

// ---------------------------------------------------------------------------------------------------- the store

/**
 * One request's cookies, read once. The operations below take it and answer questions or give the
 * `Set-Cookie` values the decisions need (plain functions, so each bundle carries only the ones it uses).
 */
export interface SessionStore {
  /** The request's cookies, names as read (see cookie-codec `readName`); cookies of ours sent more than once are
   *  left out (judged as absent) and listed in `repeated`. */
  readonly cookies: ReadonlyMap<string, string>;
  /** Names of ours that came more than once: expired by `withRepeatedCleared`. */
  readonly repeated: readonly string[];
  /** The current user's tokens. */
  readonly session: StoredSession;
  readonly config: StoreConfig;
}

export function openSessionStore(cookieHeader: string, config: StoreConfig): SessionStore {
  const { cookies, repeated } = parseCookieHeader(cookieHeader);
  const ours: string[] = [];
  for (const n of repeated) {
    if (!isOwnCookieName(n, config)) continue;
    cookies.delete(n);
    if (ours.length < MAX_EXPIRED_PER_RESPONSE / 2) ours.push(n);
  }
  return { cookies, repeated: ours, session: readSession(cookies, config.clientId), config };
}

/**
 * `setCookies` with, in front, the expiry of every cookie of ours that came more than once, so the visitor
 * recovers: host-only, and with `cookie.domain` also with that Domain. A name the response writes again keeps that
 * write (only its other copy is expired). Every response a decision sends with cookies goes through this, once, with
 * all its cookies: an expiry after a write would delete what was just written (browsers apply them in order).
 */
export function withRepeatedCleared(store: SessionStore, setCookies: readonly string[]): string[] {
  if (store.repeated.length === 0) return [...setCookies];
  const { domain, sameSite } = store.config.cookie;
  const expire = (n: string, d?: string) => serializeCookie(n, "", { maxAge: 0, httpOnly: true, sameSite, ...(d ? { domain: d } : {}) });
  const out: string[] = [];
  for (const n of store.repeated) {
    const written = setCookies.some((c) => c.startsWith(`${encodeCookieName(n)}=`));
    // A write goes with the Domain when one is set (else host-only): it replaces that copy itself.
    if (domain) out.push(expire(n));
    if (!written) out.push(domain ? expire(n, domain) : expire(n));
  }
  return [...out, ...setCookies];
}

/** True when the binding cookie matches the user of these verified id token claims (shared/edge/session-binding.ts). */
export function isBoundSession(store: SessionStore, id: Record<string, unknown>, key: string): boolean {
  const subject = subjectOf(id, store.config.clientId);
  return subject !== undefined && isBound(store.cookies.get(bindingCookieName(store.config.cookie, store.config.clientId)), subject, key);
}

const writer = (store: SessionStore) => cookieWriter(store.config.cookie);
/** `Set-Cookie` values expiring those of `names` the request carries. */
export const expireIfPresent = (store: SessionStore, names: string[]): string[] => names.filter((n) => store.cookies.has(n)).map((n) => writer(store).expire(n));

/** A sign-in (`signedin`) or refresh (`refreshed`) finished moments ago and handed out a session still valid now. */
export function justFinished(store: SessionStore, kind: MarkerKind, nowSeconds: number): boolean {
  return markerActive(store.cookies.get(markerName(kind, store.config.cookie, store.config.clientId)), nowSeconds);
}

/** The pending sign-ins: state → sealed value. */
function pendingSignIns(store: SessionStore): Map<string, string> {
  const prefix = signInCookieName("", store.config.cookie, store.config.clientId);
  const out = new Map<string, string>();
  for (const [name, value] of store.cookies) if (name.startsWith(prefix)) out.set(name.slice(prefix.length), value);
  return out;
}

/** Whether any sign-in cookie is present. */
export const hasPendingSignIns = (store: SessionStore): boolean => pendingSignIns(store).size > 0;

/** Opens the sign-in cookie of `state` started on this `origin` for this app client: undefined when this browser
 *  has none. */
export function openSignIn(store: SessionStore, state: string, secret: string, nowSeconds: number, origin: string): UnsealResult | undefined {
  if (!STATE_RE.test(state)) return undefined;
  const sealed = store.cookies.get(signInCookieName(state, store.config.cookie, store.config.clientId));
  return sealed === undefined ? undefined : unsealSignIn(state, sealed, secret, nowSeconds, signInSite(store.config.clientId, origin));
}

/** Expires the sign-in cookie of `state` when this browser has one. */
export function endSignIn(store: SessionStore, state: string): string[] {
  return STATE_RE.test(state) ? expireIfPresent(store, [signInCookieName(state, store.config.cookie, store.config.clientId)]) : [];
}

/** A new sign-in cookie (HttpOnly, Lax, 15 minutes) for this `origin` and app client, dropping the oldest pending
 *  ones. */
export function signInCookies(store: SessionStore, s: SignInState, secret: string, origin: string): string[] {
  const w = writer(store);
  const name = (state: string) => signInCookieName(state, store.config.cookie, store.config.clientId);
  const drop = signInsToDrop(pendingSignIns(store)).map((state) => w.expire(name(state)));
  return [...drop, w.own(name(s.state), sealSignIn(s, secret, signInSite(store.config.clientId, origin)), SIGNIN_TTL_SECONDS)];
}

/**
 * Cookies for a fresh session (other users' token cookies and stale chunks expired); undefined when it would
 * not fit in the request headers CloudFront accepts. Token cookies live as long as their token; the refresh
 * token and LastAuthUser as long as `cookie.refreshTokenMaxAge`. In `spa` mode the id/access tokens and
 * LastAuthUser are readable by scripts (Amplify); the refresh token is always HttpOnly.
 */
export function writeSession(store: SessionStore, s: NewSession): string[] | undefined {
  const { config, cookies } = store;
  const w = writer(store);
  const httpOnly = config.mode !== "spa";
  const name = (kind: TokenKind) => tokenCookieName(config.clientId, s.username, kind);
  const out: string[] = [];
  const keep = new Set<string>();
  const add = (n: string, value: string, maxAge: number, only: boolean) => {
    out.push(...w.set(n, value, { maxAge, httpOnly: only, existing: cookies }));
    keep.add(n);
  };
  add(lastAuthUserName(config.clientId), s.username, config.cookie.refreshTokenMaxAge, httpOnly);
  add(name("idToken"), s.tokens.idToken, s.idExp - s.nowSeconds, httpOnly);
  add(name("accessToken"), s.tokens.accessToken, s.accessExp - s.nowSeconds, httpOnly);
  if (s.tokens.refreshToken) add(name("refreshToken"), s.tokens.refreshToken, config.cookie.refreshTokenMaxAge, true);
  else keep.add(name("refreshToken"));
  add(bindingCookieName(config.cookie, config.clientId), bindingValue(s.subject, s.bindingKey), config.cookie.refreshTokenMaxAge, true);
  // Bytes the browser sends back: each `name=value` as written (percent-encoded), and "; " between them.
  const size = out.reduce((n, c) => n + Buffer.byteLength(c.split(";", 1)[0]!) + 2, 0);
  if (size > MAX_SESSION_COOKIE_BYTES) return undefined;
  // Another user's token cookies (a different account signed in before) go.
  const userPrefix = `${AMPLIFY_PREFIX}.${config.clientId}.${s.username}.`;
  for (const n of ownCookieNames(cookies, config)) {
    if (n.startsWith(`${AMPLIFY_PREFIX}.`) && !keep.has(n) && !n.startsWith(userPrefix)) out.push(w.expire(n));
  }
  return out;
}

/** The loop marker after a sign-in (`signedin`) or refresh (`refreshed`), holding the new id token's `exp`;
 *  the other marker is expired. */
export function mark(store: SessionStore, kind: MarkerKind, idExp: number): string[] {
  const other = markerName(kind === "signedin" ? "refreshed" : "signedin", store.config.cookie, store.config.clientId);
  return [writer(store).own(markerName(kind, store.config.cookie, store.config.clientId), String(idExp), MARKER_TTL_SECONDS), ...expireIfPresent(store, [other])];
}

/** Expires the current user's token cookies of these kinds (with their chunks); nothing without a user. */
export function expireTokens(store: SessionStore, kinds: readonly TokenKind[]): string[] {
  const { username } = store.session;
  if (!username) return [];
  const w = writer(store);
  const out: string[] = [];
  for (const k of kinds) {
    const n = tokenCookieName(store.config.clientId, username, k);
    out.push(w.expire(n));
    for (let i = 0; store.cookies.has(`${n}.${i}`); i++) out.push(w.expire(`${n}.${i}`));
  }
  return out;
}

/** Expires the loop markers present. */
export const expireMarkers = (store: SessionStore): string[] =>
  expireIfPresent(store, [markerName("signedin", store.config.cookie, store.config.clientId), markerName("refreshed", store.config.cookie, store.config.clientId)]);

/** Expires every cookie of ours present, plus the current user's known names (sign-out). */
export function expireAll(store: SessionStore): string[] {
  const { config, session } = store;
  const names = new Set(ownCookieNames(store.cookies, config));
  names.add(lastAuthUserName(config.clientId));
  if (session.username) for (const k of ["idToken", "accessToken", "refreshToken"] as const) names.add(tokenCookieName(config.clientId, session.username, k));
  const w = writer(store);
  return [...names].map((n) => w.expire(n));
}
