/**
 * parse-auth (viewer request on `paths.callback`): finish a sign-in. The `state` must match a signed sign-in
 * cookie of this browser; the code is exchanged with that sign-in's PKCE verifier; the id token must carry its
 * nonce. Then the token cookies are set and the browser goes back to the exact path it first asked for, on
 * this origin only.
 */
import type { EdgeContext } from "./deps";
import { MARKER_TTL_SECONDS, REFRESHED_MARKER, SIGNED_IN_MARKER, cookieWriter, parseCookies, signInCookie } from "./cookies";
import type { EdgeRequest, Outcome } from "./request";
import { AuthError } from "./errors";
import type { ErrorCode } from "./errors";
import { exchangeCode } from "./oauth";
import { safeReturnPath, siteOrigin } from "./redirect";
import { errorResponse, navigatePage, redirect } from "./responses";
import { readSession, sessionCookies, usernameOf } from "./session";
import { pendingSignIns, signInCookieName, unsealSignIn } from "./sign-in-state";
import type { SignInState } from "./sign-in-state";
import { verifyTokenSet } from "./tokens/token-pair";

const CODE_RE = /^[A-Za-z0-9._~-]{1,1024}$/;
const STATE_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** A single-valued query parameter; repeated or absent gives undefined. */
function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  return all.length === 1 ? all[0] : undefined;
}

export async function parseAuth(req: EdgeRequest, ctx: EdgeContext): Promise<Outcome> {
  const { config } = ctx;
  const origin = siteOrigin(req);
  if (!origin) return { ...errorResponse(config, "bad-host"), reason: "error:bad-host" };
  const params = new URLSearchParams(req.querystring.length > 8192 ? "" : req.querystring);
  const cookies = parseCookies(req.cookieHeader);
  const nowSeconds = Math.floor(ctx.now() / 1000);
  const w = cookieWriter(config.cookie);

  const state = single(params, "state");
  const validState = state !== undefined && STATE_RE.test(state) ? state : undefined;
  const sealed = validState !== undefined ? cookies.get(signInCookieName(validState)) : undefined;
  const unsealed = sealed !== undefined ? unsealSignIn(validState!, sealed, config.nonceSigningSecret, nowSeconds) : undefined;
  const signIn: SignInState | undefined = unsealed?.ok ? unsealed.signIn : undefined;
  const clearState = sealed !== undefined ? [w.expire(signInCookieName(validState!))] : [];
  const fail = (code: ErrorCode, reason: string, why?: string): Outcome => ({
    ...errorResponse(config, code, {
      cookies: clearState,
      retry: safeReturnPath(signIn?.returnPath),
      ...(why !== undefined ? { reason: why } : {}),
    }),
    reason,
  });

  const idpError = single(params, "error");
  if (idpError !== undefined || params.has("error")) {
    const description = single(params, "error_description");
    const text = `The sign-in service answered: ${(idpError ?? "error").slice(0, 100)}${description ? ` (${description.slice(0, 300)})` : ""}.`;
    return fail("idp-error", "idp-error", text);
  }
  const code = single(params, "code");
  if (code === undefined || state === undefined) return fail("missing-code", "missing-code");
  if (!CODE_RE.test(code) || validState === undefined) return fail("bad-request", "bad-request");

  if (sealed === undefined) {
    const hasSession = readSession(cookies, config.clientId).idToken !== undefined;
    // Stale callback URL (back button, bookmark) of a browser that is signed in: nothing to finish.
    if (hasSession) return { ...redirect(config, `${origin}/`), reason: "state-mismatch:stale" };
    return pendingSignIns(cookies).size > 0 ? fail("state-mismatch", "state-mismatch") : fail("cookies-blocked", "cookies-blocked");
  }
  if (!signIn) return fail("state-mismatch", `state-mismatch:${unsealed && !unsealed.ok ? unsealed.why : "unknown"}`);

  try {
    const tokens = await exchangeCode(config, ctx.http, {
      code,
      verifier: signIn.verifier,
      redirectUri: `${origin}${config.paths.callback}`,
    });
    const { id, access } = await verifyTokenSet(ctx, tokens);
    if (id.nonce !== signIn.nonce) throw new AuthError("nonce-mismatch");
    const username = usernameOf(id, access);
    if (!username) throw new AuthError("token-invalid", "no username claim");
    const session = sessionCookies(config, {
      username,
      tokens,
      idExp: id.exp as number,
      accessExp: access.exp as number,
      nowSeconds,
      existing: cookies,
    });
    if (!session) throw new AuthError("session-too-large");
    const setCookies = [
      ...session,
      ...clearState,
      signInCookie(config.cookie, SIGNED_IN_MARKER, String(id.exp), MARKER_TTL_SECONDS),
      ...(cookies.has(REFRESHED_MARKER) ? [w.expire(REFRESHED_MARKER)] : []),
    ];
    const location = `${origin}${safeReturnPath(signIn.returnPath)}`;
    const done = config.cookie.sameSite === "Strict" ? navigatePage(config, location, setCookies) : redirect(config, location, setCookies);
    return { ...done, reason: "signed-in:callback" };
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    ctx.log.log("warn", "sign-in failed", { code: err.code, detail: err.detail });
    return fail(err.code, err.code);
  }
}
