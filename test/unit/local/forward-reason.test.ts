/**
 * Why the default behaviour's check let a request through, as the local CloudFront logs it (local/forward-reason.ts):
 * held to check-auth's own decision (the `reason` of its outcome) over one table, so the log line and the function
 * cannot disagree; and per site, by the Host header.
 */
import { describe, expect, it } from "vitest";
import { forwardReason } from "../../../local/forward-reason";
import type { ForwardSite } from "../../../local/forward-reason";
import { resolveAuthConfig } from "../../../shared/config/resolve";
import { checkAuth } from "../../../shared/edge/check-auth";
import { createContext } from "../../../shared/edge/deps";
import type { EdgeRequest } from "../../../shared/edge/request";
import type { TokenVerifier } from "../../../shared/edge/tokens/verifier";

const BASE = {
  region: "us-east-1",
  userPoolId: "us-east-1_Example1",
  clientId: "client1",
  domain: "auth.example.com",
  publicPaths: ["/public/*", "/favicon.ico", "/docs/"],
  rules: [{ path: "/admin/*", groups: ["admins"] }],
  jwks: { keys: [{ kty: "RSA", kid: "k", n: "AQAB", e: "AQAB" }] },
};
const resolve = (raw: Record<string, unknown>) => {
  const r = resolveAuthConfig(raw, { nonceSigningSecret: "s".repeat(32) });
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.config;
};

/** A verifier that accepts any token of an admin (the signature checks are tested elsewhere). */
const admin: TokenVerifier = {
  async verify() {
    return { ok: true, claims: { sub: "u1", "cognito:username": "u1", "cognito:groups": ["admins"], exp: 2e9 } };
  },
};

function request(method: string, uri: string, headers: Record<string, string>): EdgeRequest {
  const cookie = "CognitoIdentityServiceProvider.client1.LastAuthUser=u1; CognitoIdentityServiceProvider.client1.u1.idToken=x";
  const all: Record<string, string> = { host: "site.example.com", cookie, ...headers };
  return { method, uri, querystring: "", header: (n) => all[n], cookieHeader: cookie };
}

describe("forwardReason gives check-auth's own reason for every request it lets through", () => {
  const config = resolve(BASE).edge;
  const sites: ForwardSite[] = [{ hosts: ["*"], config }];
  it.each<[string, string, Record<string, string>, string]>([
    ["GET", "/public/page.html", {}, "public"],
    ["GET", "/favicon.ico", {}, "public"],
    ["GET", "/public/", {}, "public"],
    ["GET", "/docs/", {}, "signed-in"], // public, but the origin serves /docs/index.html, which is not
    ["GET", "/public/../admin/", {}, "signed-in"], // raw form public, normalised not
    ["GET", "/%70ublic/page.html", {}, "signed-in"],
    ["GET", "/admin/", {}, "signed-in"],
    ["GET", "/", {}, "signed-in"],
    ["OPTIONS", "/api/items", { "access-control-request-method": "POST" }, "preflight"],
    ["OPTIONS", "/public/x.json", { "access-control-request-method": "POST" }, "public"],
    ["OPTIONS", "/api/items", {}, "signed-in"],
  ])("%s %s", async (method, uri, headers, expected) => {
    const ctx = createContext(config, "check-auth", { verifier: admin, sink: () => {} });
    const outcome = await checkAuth(request(method, uri, headers), ctx);
    expect(outcome.kind).toBe("forward");
    expect(outcome.reason).toBe(expected);
    const req = request(method, uri, headers);
    expect(forwardReason(sites, { method, uri, header: req.header })).toBe(expected);
  });
});

describe("forwardReason, per site", () => {
  const { sites } = resolve({ ...BASE, publicPaths: ["/public/*"], sites: [{ hosts: ["a.localhost"] }, { hosts: ["b.localhost"], clientId: "client2", publicPaths: ["/open/*"] }] });
  it.each<[string, string, string]>([
    ["a.localhost:3000", "/public/x", "public"],
    ["a.localhost:3000", "/open/x", "signed-in"],
    ["b.localhost:3000", "/open/x", "public"],
    ["b.localhost:3000", "/public/x", "signed-in"],
  ])("%s%s", (host, uri, expected) => {
    expect(forwardReason(sites, { method: "GET", uri, header: (h) => (h === "host" ? host : undefined) })).toBe(expected);
  });
});
