/**
 * parse-auth (viewer request on `paths.callback`): finish a sign-in. The `state` must match a signed sign-in
 * cookie of this browser; the code is exchanged with that sign-in's PKCE verifier; the id token must carry its
 * nonce. Then the token cookies are set and the browser goes back to the exact path it first asked for, on
 * this origin only.
 */
import type { EdgeContext } from "./deps";
import { AuthError, providerErrorSentence } from "../outcomes/errors";
import type { ErrorCode, Reason } from "../outcomes/errors";
import { exchangeCode } from "./oauth";
import { safeReturnPath, siteOrigin } from "../viewer/redirect";
import type { EdgeRequest, Outcome } from "./request";
import { errorResponse, navigatePage, redirect } from "./responses";
import { endSignIn, hasPendingSignIns, openSessionStore, openSignIn, usernameOf, withRepeatedCleared } from "./session-store";
import { issueSession } from "./issue-session";
import { STATE_RE } from "./sign-in-state";
import type { SignInState } from "./sign-in-state";
import { verifyIssuedTokens } from "./tokens/token-pair";

const CODE_RE = /^[A-Za-z0-9._~-]{1,1024}$/;

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
  const store = openSessionStore(req.cookieHeader, config);
  const nowSeconds = Math.floor(ctx.now() / 1000);

  const state = single(params, "state");
  const validState = state !== undefined && STATE_RE.test(state) ? state : undefined;
  const unsealed = validState !== undefined ? openSignIn(store, validState, config.nonceSigningSecret, nowSeconds, origin) : undefined;
  const signIn: SignInState | undefined = unsealed?.ok ? unsealed.signIn : undefined;
  const clearState = validState !== undefined ? endSignIn(store, validState) : [];
  // A sign-in that cannot go on (no usable code, state or sign-in cookie) offers to start a new one (`again`:
  // paths.signIn, back to the page first asked for); other failures to try the page again.
  const back = safeReturnPath(signIn?.returnPath, config.paths);
  const fail = (code: ErrorCode, reason: Reason, why?: string, again = false): Outcome => ({
    ...errorResponse(config, code, {
      cookies: withRepeatedCleared(store, clearState),
      ...(again ? { retry: `${config.paths.signIn}?${new URLSearchParams({ return: back })}`, retryText: "Sign in again" } : { retry: back }),
      ...(why !== undefined ? { sentence: why } : {}),
    }),
    reason,
  });
  const startAgain = (code: ErrorCode, reason: Reason): Outcome => fail(code, reason, undefined, true);

  const idpError = single(params, "error");
  if (idpError !== undefined || params.has("error")) {
    // A fixed sentence per error code: the description is free text anyone can put on a link to our callback.
    const description = single(params, "error_description");
    const logged = idpError !== undefined && /^[a-z_]{1,40}$/.test(idpError) ? idpError : "unknown";
    ctx.log.log("debug", "sign-in service error", { error: logged, ...(description ? { description: description.slice(0, 300) } : {}) });
    return fail("idp-error", "idp-error", providerErrorSentence(idpError));
  }
  const code = single(params, "code");
  if (code === undefined || state === undefined) return startAgain("missing-code", "missing-code");
  // RFC 9207: a provider that says who it is must be ours (a mix-up attack sends another provider's code here); one
  // whose discovery says it always says so must have said so (§2.4: a response without `iss` is refused).
  if ((params.has("iss") || config.provider.issParameter) && single(params, "iss") !== config.provider.issuer)
    return fail("idp-error", "idp-error", params.has("iss") ? "The sign-in response came from another sign-in service." : "The sign-in response did not say which sign-in service sent it.");
  if (!CODE_RE.test(code) || validState === undefined) return startAgain("bad-callback", "bad-request");

  if (unsealed === undefined) {
    // Stale callback URL (back button, bookmark) of a browser that is signed in: nothing to finish.
    if (store.session.idToken !== undefined) return { ...redirect(config, `${origin}/`), reason: "state-mismatch:stale" };
    // No sign-in cookie at all: a stale or replayed link, another browser, or one that blocks cookies. The edge
    // cannot tell these apart, so the page names them all; "Cookies are needed" is for what it can tell (a completed
    // sign-in whose cookies did not come back: check-auth's loop markers). The log reason stays as it was.
    return hasPendingSignIns(store) ? startAgain("state-mismatch", "state-mismatch") : startAgain("sign-in-expired", "cookies-blocked");
  }
  if (!signIn) return startAgain("state-mismatch", `state-mismatch:${unsealed.ok ? "malformed" : unsealed.why}`);

  try {
    const tokens = await exchangeCode(config, ctx.http, {
      code,
      verifier: signIn.verifier,
      redirectUri: `${origin}${config.paths.callback}`,
    });
    const { id, access } = await verifyIssuedTokens(ctx, tokens);
    if (id.nonce !== signIn.nonce) throw new AuthError("nonce-mismatch");
    const username = usernameOf(id, access, config);
    if (!username) throw new AuthError("token-invalid", "no username claim");
    const setCookies = withRepeatedCleared(store, [...issueSession(store, config, { username, id, access, tokens, nowSeconds }, "signedin"), ...clearState]);
    const location = `${origin}${safeReturnPath(signIn.returnPath, config.paths)}`;
    const done = config.cookie.sameSite === "Strict" ? navigatePage(config, location, setCookies) : redirect(config, location, setCookies);
    return { ...done, reason: "signed-in:callback" };
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    ctx.log.log("warn", "sign-in failed", { code: err.code, detail: err.detail });
    return fail(err.code, err.code);
  }
}
