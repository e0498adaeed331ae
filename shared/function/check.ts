/**
 * The viewer check of the CloudFront Function hot path (cloudfront-js-2.0): the same decisions as check-auth, on
 * the signed session cookie instead of the provider's tokens, with no network and no Lambda.
 *
 * - public path (judged on the path asked for and on the object the origin will serve) or CORS preflight: on to
 *   the origin;
 * - a valid session cookie of this app client: on to the origin (403 when a rule that applies is not satisfied,
 *   shared/viewer/rules.ts), with the identity headers when `forwardIdentity` is on;
 * - no valid session but a refresh token: to `paths.refresh` (refresh-auth writes a new session cookie);
 * - otherwise: 401 JSON for API requests, else to `paths.signIn` (the sign-in function starts the sign-in).
 * Loop markers stop a sign-in or refresh that did not stick, as in check-auth. Viewer-sent `x-auth-*` headers and
 * their look-alikes never reach the origin.
 *
 * Written in the cloudfront-js-2.0 subset (no spread, destructuring, classes, optional chaining, Map or Set): the
 * build compiles it with those features off and the tests run it in the runtime emulator and under njs.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 */
import { AMPLIFY_PREFIX, markerActive } from "../viewer/cookie-names";
import { encodeIdentityValue, groupsHeader, isIdentityHeaderName } from "../viewer/identity-headers";
import { isApiRequest, isPreflight } from "../viewer/navigation";
import { inEitherForm } from "../viewer/path-match";
import { siteOrigin } from "../viewer/redirect";
import { isAllowed } from "../viewer/rules";
import { idTokenHash, openSession } from "../viewer/session-cookie";
import { siteFor } from "../viewer/sites";
import { errorPageHtml } from "../viewer/page";
import { isPublicRequest, judgedPaths } from "../viewer/viewer-check";
import type { FunctionConfig, FunctionErrorCode } from "./config";
import type { ViewerRequest } from "../viewer/navigation";

export interface CfValue {
  value: string;
  multiValue?: { value: string }[];
}
export interface CfRequest {
  method: string;
  uri: string;
  querystring: Record<string, CfValue>;
  headers: Record<string, CfValue>;
  cookies: Record<string, CfValue>;
  /** Runtime 2.0: the query string exactly as the viewer sent it, without `?` (`undefined` when there was none). */
  rawQueryString(): string | undefined;
}
export interface CfResponse {
  statusCode: number;
  statusDescription: string;
  headers: Record<string, { value: string }>;
  cookies: Record<string, { value: string; attributes: string }>;
  body?: { encoding: "text"; data: string };
}

/** Longest URI or query string we look at, as check-auth. */
const MAX_URI = 8192;

// Build-time switches (scripts/build-function.ts, from shared/function/config.ts `functionFeatures`): the minifier
// folds them and leaves out the code of what the config does not use. Undefined (a test importing this module
// directly): everything on. Written out at each use: esbuild does not fold a constant of a module that imports.
declare const __ANY_HOST__: boolean | undefined;
declare const __FORWARD_IDENTITY__: boolean | undefined;
declare const __HAS_RULES__: boolean | undefined;
declare const __HAS_API_PATHS__: boolean | undefined;

/** The value CloudFront gives under a name (a header or a cookie), or undefined. */
function valueOf(from: Record<string, CfValue>, name: string): string | undefined {
  const v = from[name];
  return v ? v.value : undefined;
}

/** The check of one viewer request; `ip` is the viewer's address (`event.viewer.ip`), for `ipRanges` selectors. */
export function checkRequest(req: CfRequest, all: FunctionConfig, key: string, now: number, ip?: string): CfRequest | CfResponse {
  const headers = req.headers;
  const cookies = req.cookies;
  const uri = req.uri;
  // The site is picked by the Host header; a host no site names gets 421 (and no session of any site). One site
  // for any host is that site whatever the Host says (siteFor would answer the same).
  const picked = typeof __ANY_HOST__ !== "undefined" && __ANY_HOST__ ? undefined : siteFor(all.sites, valueOf(headers, "host"));
  const c = typeof __ANY_HOST__ !== "undefined" && __ANY_HOST__ ? all.sites[0]! : picked || all.sites[0]!;
  // Whatever the viewer sent under our identity-header names (or a look-alike) never reaches the origin.
  for (const name in headers) if (isIdentityHeaderName(name)) delete headers[name];
  const edge: ViewerRequest = { method: req.method, header: (name) => valueOf(headers, name) };
  // As sent: order, repeats and `x=` kept, so the way back after sign-in is exactly the URL first asked for.
  const querystring = req.rawQueryString() || "";

  const respond = (status: number, extra: Record<string, string>, set?: CfResponse["cookies"], body?: string): CfResponse => {
    // The same caching headers as check-auth's answers (shared/edge/responses.ts).
    const h: CfResponse["headers"] = { "cache-control": { value: "no-cache, no-store" }, pragma: { value: "no-cache" } };
    const sec = c.securityHeaders;
    for (let i = 0; i < sec.length; i++) h[sec[i]![0]] = { value: sec[i]![1] };
    for (const n in extra) h[n] = { value: extra[n]! };
    const r: CfResponse = { statusCode: status, statusDescription: "", headers: h, cookies: set || {} };
    if (body !== undefined) r.body = { encoding: "text", data: body };
    return r;
  };
  // `user`: who is signed in, for the 403 (the session's username, escaped when the page is laid out).
  const error = (code: FunctionErrorCode, api?: boolean, set?: CfResponse["cookies"], user?: string): CfResponse => {
    // The build bakes every code this config can reach, its texts already escaped (shared/function/config.ts).
    const e = all.errors[code]!;
    const status = e[0];
    const extra: Record<string, string> = {};
    if (status === 401) extra["www-authenticate"] = `Bearer realm="${c.clientId}"`;
    if (status === 503) extra["retry-after"] = "5";
    extra["content-type"] = api ? "application/json" : "text/html; charset=utf-8";
    return respond(
      status,
      extra,
      set,
      api ? JSON.stringify({ error: code, message: e[4] || e[2] }) : errorPageHtml(status, e[1], e[2], e[3], "", user),
    );
  };

  const origin = siteOrigin(edge);
  if (!origin) return error("bad-host");
  if (!(typeof __ANY_HOST__ !== "undefined" && __ANY_HOST__) && picked === undefined) return error("unknown-host");
  if (uri.charAt(0) !== "/") return error("bad-request");
  if (uri.length > MAX_URI || querystring.length > MAX_URI) return error("uri-too-long");

  const paths = judgedPaths(uri, c);
  const forward = (): CfRequest => {
    if (paths[1]) req.uri = paths[1].raw;
    return req;
  };
  if (isPublicRequest(c.publicPaths, paths) || isPreflight(edge)) return forward();

  // Cookies are read under the names as sent (CloudFront does not decode them). One of ours sent more than once (a
  // planted parent-domain copy next to ours: browsers send the longer Path first) is judged as absent, and expired
  // the way we write it (host-only, or with cookie.domain) so the visitor recovers (issue 17).
  const clear: CfResponse["cookies"] = {};
  const gone = { value: "", attributes: `Path=/; Secure; HttpOnly; Max-Age=0${c.cookieDomain ? `; Domain=${c.cookieDomain}` : ""}` };
  const cookie = (name: string) => {
    const v = once(cookies[name]);
    if (cookies[name] && v === undefined) clear[name] = gone;
    return v;
  };
  // The build bakes apiPaths into every site when some site has them.
  const api = () => isApiRequest(edge, (typeof __HAS_API_PATHS__ === "undefined" || __HAS_API_PATHS__) && inEitherForm(c.apiPaths!, paths[0]!));
  // Where to come back to: the Lambda@Edge function behind paths.signIn / paths.refresh keeps it only when it is
  // a safe same-origin path (shared/viewer/redirect.ts), so the function passes it on as it is.
  const back = encodeURIComponent(querystring ? `${uri}?${querystring}` : uri);
  const redirect = (status: number, path: string, set: CfResponse["cookies"]) => respond(status, { location: `${origin}${path}?return=${back}` }, set);
  if (key.length < 32) return error("cognito-unavailable", api());

  const name = c.sessionCookie;
  // Sealed under other rules, a session may lack what these read (a group a new exclusion names): run out, as expired.
  const sent = cookie(name);
  const check = openSession(sent, key, c.clientId, now, c.rulesFingerprint);
  // This app client's Amplify cookies: `CognitoIdentityServiceProvider.<clientId>.`
  const amplify = `${AMPLIFY_PREFIX}.${c.clientId}.`;
  if (!check.ok) {
    // As check-auth judges tokens (shared/edge/check-auth.ts; test/integration/differential.test.ts): another app
    // client's session (another site's, under a shared cookie.domain) is no session of this one; one of ours that
    // ran out is refreshed; a forged or unreadable one is refused, refresh token and all.
    const mine = sent !== undefined && check.why !== "other-client";
    if (sent !== undefined) clear[name] = gone;
    let refresh = false;
    if (!mine || check.why === "expired")
      for (const n in cookies) if (n.indexOf(amplify) === 0 && /\.refreshToken(\.0)?$/.test(n)) refresh = true;
    if (refresh) {
      if (markerActive(cookie(c.refreshedMarker), now)) return error("cookies-blocked", api(), clear);
      return redirect(req.method === "GET" || req.method === "HEAD" ? 302 : 307, all.paths.refresh, clear);
    }
    if (api()) return error("unauthenticated", true, clear);
    if (markerActive(cookie(c.signedInMarker), now)) return error(mine ? "session-rejected" : "cookies-blocked", false, clear);
    return redirect(302, all.paths.signIn, clear);
  }

  const s = check.session;
  // The build bakes rules into every site when some site has them. The session carries what they read.
  if ((typeof __HAS_RULES__ === "undefined" || __HAS_RULES__) && !isAllowed(c.rules!, paths, req.method, s, ip))
    return error("forbidden", api(), undefined, s.u);
  if ((typeof __FORWARD_IDENTITY__ === "undefined" || __FORWARD_IDENTITY__) && c.forwardIdentity) {
    const set = (header: string, value: string) => (headers[header] = { value });
    // "" when the username is an unverified e-mail address or phone number (sealed so by parse-auth / refresh-auth).
    if (s.u) set("x-auth-user", encodeIdentityValue(s.u));
    if (s.e !== undefined) set("x-auth-email", encodeIdentityValue(s.e));
    const g = groupsHeader(s.g);
    set("x-auth-groups", g.value);
    if (g.truncated || s.gt) set("x-auth-groups-truncated", "true");
    const idToken = verifiedIdToken(cookies, amplify, s.h);
    if (idToken !== undefined) set("x-auth-id-token", idToken);
  }
  return forward();
}

/** A cookie's value when it was sent once; undefined when absent or sent more than once (issue 17). */
function once(v: CfValue | undefined): string | undefined {
  return v && !(v.multiValue && v.multiValue.length > 1) ? v.value : undefined;
}

/**
 * The id token among this app client's cookies (names starting with `amplify`) whose hash the session holds, whole
 * or reassembled from its chunks, so it can be forwarded as verified; undefined when none matches.
 */
function verifiedIdToken(cookies: Record<string, CfValue>, amplify: string, hash: string): string | undefined {
  const parts: Record<string, string[]> = {};
  for (const n in cookies) {
    const m = /^(.*\.idToken)(?:\.(\d{1,2}))?$/.exec(n);
    const v = once(cookies[n]);
    if (n.indexOf(amplify) === 0 && m && v !== undefined) (parts[m[1]!] = parts[m[1]!] || [])[+(m[2] || 0)] = v;
  }
  for (const base in parts) {
    const token = parts[base]!.join("");
    if (token && idTokenHash(token) === hash) return token;
  }
  return undefined;
}
