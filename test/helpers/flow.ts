/**
 * Drives the sign-in flow through the decision functions: check-auth starts a sign-in, the stand-in Hosted UI
 * issues a code bound to the PKCE challenge and nonce it was sent, parse-auth finishes it.
 */
import type { ResolvedConfig } from "../../shared/config/types";
import { checkAuth } from "../../shared/edge/check-auth";
import type { Outcome, Respond } from "../../shared/edge/request";
import { parseAuth } from "../../shared/edge/parse-auth";
import { CookieJar, edgeRequest, makeContext } from "./harness";
import type { StandIn } from "./harness";
import type { RequestSpec } from "./events";
import type { UserSpec } from "./tokens";

export function asRespond(o: Outcome): Respond & { reason: string } {
  if (o.kind !== "respond") throw new Error(`expected a response, got forward (${o.reason})`);
  return o;
}

export interface Started {
  state: string;
  nonce: string;
  challenge: string;
  redirectUri: string;
  location: URL;
}

/** check-auth without a session: returns what the Hosted UI would receive; the jar gets the sign-in cookie. */
export async function startSignIn(config: ResolvedConfig, stand: StandIn, jar: CookieJar, spec: RequestSpec = {}, logs?: string[]): Promise<Started> {
  const { ctx, logs: l } = makeContext(config, stand.http);
  const r = asRespond(await checkAuth(edgeRequest({ ...spec, cookies: jar.cookies.size ? [jar.header()] : [] }), ctx));
  logs?.push(...l);
  jar.apply(r.cookies);
  const location = new URL(r.headers.location!);
  const q = location.searchParams;
  return { state: q.get("state")!, nonce: q.get("nonce")!, challenge: q.get("code_challenge")!, redirectUri: q.get("redirect_uri")!, location };
}

/** The stand-in Hosted UI signs the user in and returns the callback query string. */
export function hostedUiCallback(stand: StandIn, s: Started, user: UserSpec = {}): string {
  const code = stand.issueCode({ challenge: s.challenge, nonce: s.nonce, redirectUri: s.redirectUri, user });
  return new URLSearchParams({ code, state: s.state }).toString();
}

/** parse-auth on the callback with the jar's cookies. */
export async function callback(config: ResolvedConfig, stand: StandIn, jar: CookieJar, querystring: string, o: { now?: () => number; logs?: string[] } = {}) {
  const { ctx, logs } = makeContext(config, stand.http, { fn: "parse-auth", ...(o.now ? { now: o.now } : {}) });
  const outcome = await parseAuth(edgeRequest({ uri: config.paths.callback, querystring, cookies: jar.cookies.size ? [jar.header()] : [] }), ctx);
  o.logs?.push(...logs);
  return { outcome, logs };
}
