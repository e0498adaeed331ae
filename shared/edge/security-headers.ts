/**
 * http-headers (origin response): the configured security headers on every response from the origin. Ours win
 * over the origin's, so a misconfigured object cannot weaken them, except Content-Security-Policy: an origin's
 * own policy (script-src, ...) is kept and only the directives ours adds that it lacks (frame-ancestors by
 * default) are appended, since replacing it would drop the site's own protections.
 */
import type { ResolvedConfig } from "../config/types";

/** Directive names of a CSP, lower-case. */
function directives(policy: string): Set<string> {
  return new Set(
    policy
      .split(";")
      .map((d) => d.trim().split(/\s+/, 1)[0]!.toLowerCase())
      .filter(Boolean),
  );
}

/** Merges our CSP directives into the origin's policy: the origin's win, ours fill in what it lacks. */
export function mergeCsp(origin: string, ours: string): string {
  const have = directives(origin);
  const extra = ours
    .split(";")
    .map((d) => d.trim())
    .filter((d) => d && !have.has(d.split(/\s+/, 1)[0]!.toLowerCase()));
  if (extra.length === 0) return origin;
  const base = origin.trim().replace(/;\s*$/, "");
  return base ? `${base}; ${extra.join("; ")}` : extra.join("; ");
}

/**
 * The headers to set on an origin response (lower-case names), given the values the origin sent
 * (`originValue(name)`, several joined with ", " where that is how they combine).
 */
export function securityHeaders(config: Pick<ResolvedConfig, "headers">, originValue: (name: string) => string | undefined = () => undefined): Record<string, string> {
  const out: Record<string, string> = { ...config.headers };
  const ours = out["content-security-policy"];
  const theirs = originValue("content-security-policy");
  if (ours !== undefined && theirs) out["content-security-policy"] = mergeCsp(theirs, ours);
  return out;
}
