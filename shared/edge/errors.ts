/**
 * The outcome vocabulary: every way a request can fail, as stable codes (`ERRORS`), and every reason a decision
 * is logged with (`Reason`), as one typed union built from those codes and the token failure codes.
 * `responses.errorResponse` is the one place that turns an error code into an HTTP response. Messages are fixed
 * strings: they never carry a token, a code, a cookie value or a secret.
 */
import type { UnsealResult } from "./sign-in-state";
import type { PairFailure } from "./tokens/token-pair";

export const ERRORS = {
  "bad-request": { status: 400, title: "Bad request", reason: "The request could not be understood." },
  "uri-too-long": { status: 414, title: "Address too long", reason: "The address is too long." },
  "response-too-large": {
    status: 400,
    title: "Too many cookies",
    reason: "The request carries too many cookies. Clear this site's cookies and try again.",
  },
  "bad-host": { status: 400, title: "Bad request", reason: "The request has no valid Host header." },
  "idp-error": { status: 400, title: "Sign-in failed", reason: "The sign-in service reported an error." },
  "missing-code": { status: 400, title: "Sign-in failed", reason: "The sign-in response has no authorization code or state." },
  "state-mismatch": {
    status: 400,
    title: "Sign-in failed",
    reason: "This sign-in response does not belong to a sign-in started in this browser, or it has expired.",
  },
  "cookies-blocked": {
    status: 400,
    title: "Cookies are needed",
    reason: "Your browser did not keep the sign-in cookies of this site. Allow cookies for this site and try again.",
  },
  "code-refused": {
    status: 400,
    title: "Sign-in failed",
    reason: "The sign-in code was refused: it was already used or has expired.",
  },
  "token-invalid": { status: 401, title: "Sign-in failed", reason: "The tokens returned by the sign-in service could not be verified." },
  "nonce-mismatch": { status: 401, title: "Sign-in failed", reason: "The sign-in response does not match the sign-in request." },
  "session-rejected": {
    status: 401,
    title: "Session not accepted",
    reason: "Your session could not be verified. Sign out and sign in again.",
  },
  "session-too-large": {
    status: 400,
    title: "Session too large",
    reason: "Your session does not fit in this site's cookies (too many groups or claims). Ask the site owner for help.",
  },
  unauthenticated: { status: 401, title: "Sign-in required", reason: "Sign in to access this resource." },
  forbidden: { status: 403, title: "Access denied", reason: "You are signed in, but your account is not allowed to open this page." },
  internal: { status: 500, title: "Something went wrong", reason: "The request could not be handled. Please try again." },
  "cognito-unavailable": {
    status: 503,
    title: "Sign-in service unavailable",
    reason: "The sign-in service did not answer in time. Please try again in a moment.",
  },
} as const satisfies Record<string, { status: number; title: string; reason: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Why a request without a usable session is sent to sign in. */
export type SignInReason = "no-session" | "expired" | `rejected:${PairFailure}`;

/**
 * Every reason a decision is logged with (the `Reason` dimension of the `Decisions` metric). Stable: dashboards
 * and alarms filter on them.
 */
export type Reason =
  // check-auth
  | "public"
  | "preflight"
  | "signed-in"
  | "forbidden"
  | SignInReason
  | `loop-stopped:${SignInReason | "refresh"}`
  | "cognito-unavailable:jwks"
  // parse-auth
  | "signed-in:callback"
  | "state-mismatch"
  | `state-mismatch:${"stale" | Exclude<UnsealResult, { ok: true }>["why"]}`
  | ErrorCode
  // refresh-auth
  | "refreshed"
  | "no-refresh-token"
  | `refresh-refused:${ErrorCode}`
  // sign-out
  | "signed-out"
  | "signed-out:revoke-failed"
  // any viewer handler
  | `error:${"bad-event" | "bad-host" | "bad-uri" | "uri-too-long" | "internal" | "response-too-large"}`;

/** An expected failure with a stable code; `detail` is for logs only and must never contain secrets. */
export class AuthError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(`${code}${detail ? `: ${detail}` : ""}`);
    this.name = "AuthError";
  }
}
