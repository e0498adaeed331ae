/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * The identity headers check-auth sends to the origin (`forwardIdentity`), and the rule that nothing the viewer
 * sent under such a name ever reaches the origin.
 *
 * Origins decide who the user is from these headers, so each value is unambiguous and reversible: every
 * character outside printable ASCII, `%` itself and (in the group list) `,` are percent-encoded as UTF-8, so
 * `decodeURIComponent(value)` gives back exactly the claim, and `value.split(",").map(decodeURIComponent)` the
 * groups. A group list too long for one header is cut between names, never inside one, and
 * `x-auth-groups-truncated: true` says so.
 */
import type { Claims } from "../edge/tokens/verifier";
import { claimAt } from "./rules";

export const IDENTITY_HEADERS = ["x-auth-user", "x-auth-email", "x-auth-groups", "x-auth-groups-truncated", "x-auth-id-token"] as const;
export type IdentityHeader = (typeof IDENTITY_HEADERS)[number];

/**
 * Longest identity header value we send (the id token aside), in bytes on the wire: origins and proxies commonly
 * cap a header at 8 KB. Values are compared once encoded, when they are ASCII and so as long as their bytes.
 */
export const MAX_IDENTITY_VALUE = 4096;

/**
 * True for a request header name the viewer must not send through: ours, and every look-alike that WSGI, CGI,
 * PHP or Rack origins read as the same header after lower-casing and turning `_` into `-` (`X_Auth_User`,
 * `x-auth_groups`; the class of oauth2-proxy CVE-2025-64484). Every such name under `x-auth-` goes.
 */
export function isIdentityHeaderName(name: string): boolean {
  return /^x[-_]auth[-_]/i.test(name);
}

/** Percent-encodes `%`, `extra` and everything outside printable ASCII (a lone surrogate becomes U+FFFD). */
export function encodeIdentityValue(value: string, extra?: string): string {
  // A surrogate pair is one character (its 4 UTF-8 bytes); a lone surrogate has no encoding (encodeURIComponent throws).
  return value.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c.length === 1 && code > 0x20 && code < 0x7f && c !== "%" && (extra === undefined || extra.indexOf(c) === -1)) return c;
    try {
      return encodeURIComponent(c);
    } catch (e) {
      return "%EF%BF%BD";
    }
  });
}

/** The encoded group list, cut between names when it would exceed MAX_IDENTITY_VALUE. */
export function groupsHeader(groups: readonly string[]): { value: string; truncated: boolean } {
  let value = "";
  for (let i = 0; i < groups.length; i++) {
    const next = (value ? "," : "") + encodeIdentityValue(groups[i]!, ",");
    if (value.length + next.length > MAX_IDENTITY_VALUE) return { value, truncated: true };
    value += next;
  }
  return { value, truncated: false };
}

/**
 * True unless `claim` is one a user (or a federated provider) can set to anything without proving it, and the id
 * token does not say it was proven: `email` needs `email_verified`, `phone_number` needs `phone_number_verified`
 * (true, or the string "true" that V1 trigger overrides may leave). Users can change their own address in Cognito
 * unless the app client's write attributes forbid it, and a provider can claim any address.
 */
export function isVerifiedIdentity(claims: Claims, claim: string): boolean {
  const proof = claim === "email" ? claims.email_verified : claim === "phone_number" ? claims.phone_number_verified : true;
  return proof === true || proof === "true";
}

/**
 * The username to forward as `x-auth-user` (and seal into the CloudFront Function's session cookie), or undefined
 * when it is the value of an unverified `email` or `phone_number` (`usernameClaim`): never someone's unproven word.
 */
export function forwardedUsername(id: Claims, username: string | undefined, usernameClaim: string): string | undefined {
  return username !== undefined && claimAt(id, usernameClaim) === username && !isVerifiedIdentity(id, usernameClaim) ? undefined : username;
}

/**
 * The headers for a signed-in user. `x-auth-email` only when the id token says the address is verified, and no
 * `x-auth-user` when it would be an unverified address or number (`forwardedUsername`).
 */
export function identityHeaders(id: Claims, username: string | undefined, groups: readonly string[], idToken: string, usernameClaim: string): Record<string, string> {
  const out: Record<string, string> = { "x-auth-id-token": idToken };
  // A value too long to send whole is left out rather than cut (a cut value would name someone else).
  const put = (name: IdentityHeader, claim: unknown) => {
    const v = typeof claim === "string" ? encodeIdentityValue(claim) : "";
    if (v.length <= MAX_IDENTITY_VALUE) out[name] = v;
  };
  const user = forwardedUsername(id, username, usernameClaim);
  if (user !== undefined || username === undefined) put("x-auth-user", user);
  if (isVerifiedIdentity(id, "email")) put("x-auth-email", id.email);
  const g = groupsHeader(groups);
  out["x-auth-groups"] = g.value;
  if (g.truncated) out["x-auth-groups-truncated"] = "true";
  return out;
}
