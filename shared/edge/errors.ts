/**
 * The outcome vocabulary: every way a request can fail, as stable codes (`ERRORS`), and every reason a decision
 * is logged with (`Reason`), as one typed union built from those codes and the token failure codes.
 * `responses.errorResponse` is the one place that turns an error code into an HTTP response. Messages are fixed
 * strings: they never carry a token, a code, a cookie value or a secret.
 */
import TABLE from "./errors.json";
import type { UnsealResult } from "./sign-in-state";
import type { PairFailure } from "./tokens/token-pair";

/**
 * Every error code with its HTTP status, page title and the sentence shown to the user. The wording is data
 * (errors.json), so it can be read and changed in one place; the codes are the keys.
 */
export const ERRORS: Readonly<Record<keyof typeof TABLE, { status: number; title: string; reason: string }>> = TABLE;

export type ErrorCode = keyof typeof ERRORS;

/**
 * The sentence shown for a callback's `error` (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6): a fixed one per
 * code, the generic `idp-error` one for any other. Never the provider's `error_description`: on an unsolicited
 * callback that is text of the attacker's choosing shown on our origin.
 */
export function providerErrorSentence(code: string | undefined): string {
  const known: Record<string, string> = TABLE["idp-error"].byProviderCode;
  return code !== undefined && Object.prototype.hasOwnProperty.call(known, code) ? known[code]! : ERRORS["idp-error"].reason;
}

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
  // sign-in
  | "sign-in"
  // sign-out
  | "signed-out"
  | "signed-out:revoke-failed"
  | "sign-out:confirm"
  // any viewer handler
  | `error:${"bad-event" | "bad-host" | "unknown-host" | "bad-uri" | "uri-too-long" | "internal" | "response-too-large"}`;

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
