/**
 * The CloudFront Function hot path's session cookie (`__Host-edgeauth-session`), as Lambda@Edge writes it after
 * verifying tokens (parse-auth, refresh-auth) and expires it: what goes into it (shared/viewer/session-cookie.ts
 * seals it, the function opens it) and the one-cookie size limit. The token cookies are the session store's.
 */
import type { ResolvedConfig } from "../config/types";
import { sessionCookieName } from "../viewer/cookie-names";
import { policyFacts, policyNeeds, ruleGroups, rulesFingerprint } from "../viewer/rules";
import { forwardedUsername } from "../viewer/identity-headers";
import { idTokenHash, sealSession, sealedLength } from "../viewer/session-cookie";
import type { SessionClaims } from "../viewer/session-cookie";
import { encodeCookieName } from "./cookie-codec";
import { CHUNK_SIZE, cookieWriter } from "./chunked-cookies";
import { expireIfPresent } from "./session-store";
import type { SessionStore } from "./session-store";
import type { Claims } from "./tokens/verifier";

/**
 * The CloudFront Function hot path's session cookie, for a user whose tokens were just verified: it lives until
 * the id token's `exp`, or `session.maxAge` from now if sooner. It carries every group when identity headers are
 * forwarded (cut, and marked, when they would not fit), else only the groups the rules name. Always one cookie:
 * its name and sealed value as sent stay within CHUNK_SIZE bytes (the CloudFront Function reads one cookie, never
 * chunks). Undefined when even the groups the rules need do not fit: the caller answers `session-too-large`.
 */
export function sessionCookie(
  store: SessionStore,
  config: Pick<ResolvedConfig, "forwardIdentity" | "rules" | "session" | "groupsClaim" | "usernameClaim">,
  s: { username: string; id: Claims; idToken: string; nowSeconds: number },
): string | undefined {
  const idExp = s.id.exp as number;
  const x = config.session.maxAge !== undefined ? Math.min(idExp, s.nowSeconds + config.session.maxAge) : idExp;
  // What the rules read, and nothing more (shared/viewer/rules.ts): the groups they name, the claim values they
  // compare with, and an unverified e-mail only when an exclusion reads e-mails. The verified e-mail is the
  // `email_verified` true or "true" that identity-headers.ts `isVerifiedIdentity` reads too.
  const needs = policyNeeds(config.rules);
  const facts = policyFacts(s.id, config.groupsClaim, needs);
  const all = facts.g;
  const named = ruleGroups(config.rules).filter((g) => all.includes(g));
  const claims: SessionClaims = { c: store.config.clientId, s: String(s.id.sub), u: forwardedUsername(s.id, s.username, config.usernameClaim) ?? "", g: config.forwardIdentity ? [] : named, x, h: idTokenHash(s.idToken) };
  if (facts.e !== undefined) claims.e = facts.e;
  else if (facts.n !== undefined && needs.anyEmail) claims.n = facts.n;
  if (facts.k) claims.k = facts.k;
  // What the rules read when sealed: the function refuses this session once they read something else.
  const r = rulesFingerprint(config.rules);
  if (r !== undefined) claims.r = r;
  const name = sessionCookieName(store.config.cookie, store.config.clientId);
  // Bytes as sent: the name as the codec writes it, "=", the sealed value (ASCII).
  const room = CHUNK_SIZE - encodeCookieName(name).length - 1;
  if (config.forwardIdentity) {
    // The groups the rules need first, then the others while they fit.
    for (const g of [...named, ...all.filter((x) => !named.includes(x))]) {
      claims.g.push(g);
      if (sealedLength(claims) > room) {
        claims.g.pop();
        claims.gt = 1;
        break;
      }
    }
  }
  // The groups the rules name cannot be cut (a rule would then refuse its own member): too big is a clear page.
  if (sealedLength(claims) > room || claims.g.length < named.length) return undefined;
  return cookieWriter(store.config.cookie).set(name, sealSession(claims, config.session.signingSecret), { maxAge: x - s.nowSeconds, httpOnly: true })[0]!;
}

/** Expires the session cookie when present (a refused refresh ends the CloudFront Function's session too). */
export const expireSession = (store: SessionStore): string[] => expireIfPresent(store, [sessionCookieName(store.config.cookie, store.config.clientId)]);
