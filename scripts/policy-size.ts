/**
 * What access policies cost the CloudFront Function: its code size for a config plus four rules that together use
 * every selector kind (and `methods`), and how many such rules fit in CloudFront Functions' 10 KB. For the bench
 * (`npm run bench` reports both) and the tests; the build itself refuses a function over the limit.
 */
import { resolveAuthConfig } from "../shared/config/resolve";
import { MAX_FUNCTION_BYTES } from "../scripts/cloudfront-function-runtime/runtime";
import { functionCode } from "./build-function";

/** Four rules that together use every selector kind, methods, include, require and exclude. */
export const FOUR_POLICY_RULES = [
  {
    path: "/finance/*",
    methods: ["GET", "HEAD"],
    include: [{ groups: ["finance"] }, { emails: ["cfo@example.com"] }],
    require: [{ emailDomains: ["example.com"] }],
    exclude: [{ claim: "custom:status", values: ["suspended"] }],
  },
  { path: "/acme/*", require: [{ claim: "custom:tenant", values: ["acme"] }], exclude: [{ ipRanges: ["198.51.100.0/24", "2001:db8::/32"] }] },
  { path: "/partners/*", include: [{ emailDomains: ["*.partner.example"] }, { ipRanges: ["203.0.113.0/24"] }] },
  { path: "/wiki/*", methods: ["PUT", "PATCH", "POST", "DELETE"], groups: ["editors"], exclude: [{ emails: ["former@example.com"] }] },
];

/**
 * The four rules again and again, `n` rules in all; each copy with its own path and values (groups, e-mails,
 * domains, claim values, ranges), so no copy is cheaper for repeating another (the build shares repeated values).
 */
export function policyRules(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const copy = Math.floor(i / 4);
    const own = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(own);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "methods" || k === "claim" ? x : own(x)]));
      if (typeof v !== "string" || copy === 0) return v;
      if (v.includes("/") && !v.startsWith("/")) return v.replace(/^(\d+\.\d+\.)(\d+)/, (_m, a: string, b: string) => `${a}${(Number(b) + copy) % 256}`).replace(/^2001:db8:/, `2001:db8:${copy}:`);
      if (v.startsWith("/")) return v.replace("/*", `${copy}/*`);
      return v.includes("@") ? `${copy}.${v}` : v.includes(".") ? v.replace(/^(\*\.)?/, `$1c${copy}.`) : `${v}${copy}`;
    };
    return own(FOUR_POLICY_RULES[i % 4]) as Record<string, unknown>;
  });
}

/** The CloudFront Function's code size, bytes, for a raw config with the CloudFront Function hot path. */
export async function functionSize(raw: Record<string, unknown>): Promise<number> {
  const r = resolveAuthConfig({ ...raw, hotPath: "cloudfront-function" }, { nonceSigningSecret: "x".repeat(32), sessionSigningSecret: "x".repeat(43), jwks: { keys: [] } });
  if (!r.ok) throw new Error(`policy-size: the config does not resolve: ${r.errors.join("; ")}`);
  return Buffer.byteLength(await functionCode(r.config, "handlers/function/check-auth-function.ts"));
}

/** What the figures are: the size with the config's rules plus the four, and how many such rules fit in 10 KB. */
export interface PolicySizeFigures {
  /** Bytes of the function with the config, its rules plus FOUR_POLICY_RULES, forwardIdentity and apiPaths on. */
  bytesWithFourRules: number;
  /** CloudFront Functions' limit, bytes. */
  limit: number;
  /** The most policy rules (FOUR_POLICY_RULES over and over) that fit on top of the config's own rules. */
  rulesThatFit: number;
}

/**
 * The figures for a config (the bench's): `forwardIdentity` on and `apiPaths` given (["/api/*"] unless it has
 * some), its own rules kept, policy rules added.
 */
export async function policySizeFigures(raw: Record<string, unknown>): Promise<PolicySizeFigures> {
  const own = Array.isArray(raw.rules) ? (raw.rules as Record<string, unknown>[]) : [];
  const apiPaths = Array.isArray(raw.apiPaths) && raw.apiPaths.length ? raw.apiPaths : ["/api/*"];
  const withRules = (n: number) => functionSize({ ...raw, forwardIdentity: true, apiPaths, rules: [...own, ...policyRules(n)] });
  const bytesWithFourRules = await withRules(4);
  // Grows about linearly: a bisection between what fits and what does not.
  let lo = 0;
  let hi = 8;
  while ((await withRules(hi)) <= MAX_FUNCTION_BYTES) [lo, hi] = [hi, hi * 2];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await withRules(mid)) <= MAX_FUNCTION_BYTES) lo = mid;
    else hi = mid;
  }
  return { bytesWithFourRules, limit: MAX_FUNCTION_BYTES, rulesThatFit: lo };
}
