/**
 * Every way a request can fail, as stable codes. `responses.errorResponse` is the one place that turns them into
 * HTTP responses. Messages are fixed strings: they never carry a token, a code, a cookie value or a secret.
 */
export const ERRORS = {
  "bad-request": { status: 400, title: "Bad request", reason: "The request could not be understood." },
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
