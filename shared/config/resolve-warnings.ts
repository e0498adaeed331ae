/**
 * The config pipeline's warnings across parts: what a valid config still gets wrong about trust (claims users can
 * write, cookies shared with sibling hosts). Said at build, never refused.
 */
import type { TriggersConfig } from "./types";
import { isObject } from "./resolve-common";
import type { Raw, ResolvedSite } from "./resolve-common";

/**
 * Standard claims users commonly edit themselves (OpenID Connect Core §5.1; Cognito lets users write every
 * attribute the app client's write attributes do not exclude, and custom attributes are user-writable the same way).
 * `email` and `phone_number` are absent: they are forwarded only when verified (shared/viewer/identity-headers.ts).
 */
const USER_EDITABLE_CLAIMS = ["preferred_username", "name", "given_name", "family_name", "middle_name", "nickname", "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "address"];

/**
 * A warning per site whose `usernameClaim` a user can write: `x-auth-user` would be whatever they typed. Known
 * when the claim is in `triggers.preTokenGeneration.writableAttributes`, or (Cognito, or a claim set explicitly for
 * another provider) a user-editable standard claim or a custom attribute.
 */
export function usernameClaimWarnings(sites: ResolvedSite[], triggers: TriggersConfig, raw: Raw): string[] {
  const out: string[] = [];
  sites.forEach((site, i) => {
    const c = site.config;
    const claim = c.usernameClaim;
    const given = raw.usernameClaim !== undefined || (Array.isArray(raw.sites) && isObject(raw.sites[i]) && (raw.sites[i] as Raw).usernameClaim !== undefined);
    const writable = triggers.preTokenGeneration.writableAttributes.includes(claim);
    const editable = (c.provider.type === "cognito" || given) && (USER_EDITABLE_CLAIMS.includes(claim) || /^(dev:)?custom:/.test(claim));
    if (!writable && !editable) return;
    const field = raw.sites !== undefined ? `sites[${i}].usernameClaim` : "usernameClaim";
    out.push(
      `${field}: users can set "${claim}" themselves${writable ? " (it is in writableAttributes)" : ""}, so x-auth-user would be whatever they ` +
        `write there and two users could share a name; use a claim they cannot change (${c.provider.type === "cognito" ? '"cognito:username" or "sub"' : '"sub"'})`,
    );
  });
  return out;
}

/**
 * Claim selectors that read what users can write themselves: a Cognito attribute in the app client's write
 * attributes, by its own name or through the claim pre-token-generation copies it into; and, as for
 * `usernameClaim`, any Cognito custom attribute (`custom:*`), which app clients can write unless their write
 * attributes leave it out (Cognito's default). Warnings, as the triggers'.
 */
export function writableClaimWarnings(sites: readonly ResolvedSite[], t: TriggersConfig): string[] {
  const p = t.preTokenGeneration;
  const out: string[] = [];
  sites.forEach((site, si) =>
    site.config.rules.forEach((r, ri) =>
      (["include", "require", "exclude"] as const).forEach((k) =>
        (r[k] ?? []).forEach((s, i) => {
          if (!("claim" in s)) return;
          const attr = p.writableAttributes.find((a) => a === s.claim || p.attributeClaims[a] === s.claim);
          const field = `${sites.length > 1 ? `sites[${si}].` : ""}rules[${ri}].${k}[${i}].claim`;
          if (attr === undefined) {
            // The custom attribute the selector reads, by its own name or through the claim it is copied into.
            const custom = /^custom:/.test(s.claim) ? s.claim : Object.keys(p.attributeClaims).find((a) => /^custom:/.test(a) && p.attributeClaims[a] === s.claim);
            if (site.config.provider.type === "cognito" && custom !== undefined)
              out.push(
                `${field}: "${custom}" is a Cognito custom attribute${custom === s.claim ? "" : ` (copied into claim "${s.claim}")`}, which app clients can write by default, so users may be able to set it ` +
                  `themselves and choose what rules[${ri}] lets them do; leave it out of the app client's write attributes ` +
                  "(and list the ones it can write in triggers.preTokenGeneration.writableAttributes), or base access on a claim users cannot change",
              );
            return;
          }
          out.push(`${field}: users can write "${attr}" themselves (it is in triggers.preTokenGeneration.writableAttributes), so they can choose the value of claim "${s.claim}"; never base access on it (remove it from the app client's write attributes)`);
        }),
      ),
    ),
  );
  return out;
}

/**
 * `cookie.domain` shares our cookies with every subdomain on purpose, so none of them can carry the `__Host-`
 * prefix: a sibling subdomain can plant the session, sign-in state and binding cookies (issue 17). Said at build.
 */
export function cookieDomainWarnings(sites: readonly ResolvedSite[]): string[] {
  const out: string[] = [];
  sites.forEach((s, i) => {
    const domain = s.config.cookie.domain;
    if (!domain) return;
    const field = sites.length > 1 ? `sites[${i}].cookie.domain` : "cookie.domain";
    out.push(
      `${field}: is ${domain}, so the edge's cookies are shared with every host under ${domain.replace(/^\./, "")} and lose the __Host- prefix: ` +
        "any of those hosts (user content, a forgotten CNAME, an http-only sibling) can plant session or sign-in cookies and sign a visitor in as someone else. " +
        "Leave cookie.domain out unless every host under it is yours and trusted",
    );
  });
  return out;
}
