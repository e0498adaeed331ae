/**
 * Issuing a session: what a verified token set becomes in the browser, the same after a sign-in (parse-auth) and a
 * refresh (refresh-auth): the token cookies and their binding (session-store.ts), the loop marker of the step that
 * issued them, and with the CloudFront Function hot path the sealed session cookie (session-cookie-writer.ts).
 */
import type { ResolvedConfig } from "../config/types";
import { AuthError } from "../outcomes/errors";
import type { MarkerKind } from "../viewer/cookie-names";
import type { TokenSet } from "./oauth";
import { subjectOf } from "./session-binding";
import { sessionCookie } from "./session-cookie-writer";
import { mark, writeSession } from "./session-store";
import type { SessionStore } from "./session-store";
import type { Claims } from "./tokens/verifier";

/**
 * The `Set-Cookie` values of a session for verified `id` (and `access`) claims of `tokens`. Throws AuthError
 * `token-invalid` without an issuer and subject to bind to, `session-too-large` when the cookies would not fit.
 * The caller expires repeated cookies once over everything it sets (`withRepeatedCleared`).
 */
export function issueSession(
  store: SessionStore,
  config: ResolvedConfig,
  s: { username: string; id: Claims; access: Claims | undefined; tokens: TokenSet; nowSeconds: number },
  marker: MarkerKind,
): string[] {
  const subject = subjectOf(s.id, config.clientId);
  if (!subject) throw new AuthError("token-invalid", "no sub or iss");
  const idExp = s.id.exp as number;
  const set = writeSession(store, {
    username: s.username,
    subject,
    bindingKey: config.nonceSigningSecret,
    tokens: s.tokens,
    idExp,
    accessExp: (s.access ?? s.id).exp as number,
    nowSeconds: s.nowSeconds,
  });
  if (!set) throw new AuthError("session-too-large");
  set.push(...mark(store, marker, idExp));
  // The CloudFront Function hot path checks a signed session cookie instead of the tokens.
  if (config.hotPath === "cloudfront-function") {
    const sealed = sessionCookie(store, config, { username: s.username, id: s.id, idToken: s.tokens.idToken, nowSeconds: s.nowSeconds });
    if (sealed === undefined) throw new AuthError("session-too-large", "session cookie");
    set.push(sealed);
  }
  return set;
}
