/**
 * check-auth applies `rules` to the URI the origin is asked for after the index rewrite, not only to the URI as
 * requested: `/admin` becomes `/admin/index.html`, which a rule on `/admin/*` protects.
 */
import { describe, expect, it } from "vitest";
import { checkAuth } from "../../../shared/edge/check-auth";
import { resolveConfig } from "../../../shared/config/resolve";
import { createContext } from "../../../shared/edge/deps";
import type { EdgeRequest } from "../../../shared/edge/request";
import type { TokenVerifier } from "../../../shared/edge/tokens/verifier";
import { bindingValue } from "../../../shared/edge/session-binding";

const resolved = resolveConfig(
  {
    region: "us-east-1",
    userPoolId: "us-east-1_Example1",
    clientId: "client1",
    domain: "auth.example.com",
    rules: [{ path: "/admin/*", groups: ["admins"] }],
    jwks: { keys: [{ kty: "RSA", kid: "k", n: "AQAB", e: "AQAB" }] },
  },
  { nonceSigningSecret: "s".repeat(32) },
);
if (!resolved.ok) throw new Error(resolved.errors.join("; "));
const config = resolved.config;

const ISS = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example1";

/** A verifier that accepts the tokens of a user in `groups` (the signature checks are tested elsewhere). */
const verifierFor = (groups: string[]): TokenVerifier => ({
  async verify() {
    return { ok: true, claims: { iss: ISS, sub: "u1", "cognito:username": "u1", "cognito:groups": groups, exp: 2e9 } };
  },
});

function request(uri: string): EdgeRequest {
  const binding = bindingValue({ iss: ISS, sub: "u1", clientId: "client1" }, config.nonceSigningSecret);
  const cookie = `CognitoIdentityServiceProvider.client1.LastAuthUser=u1; CognitoIdentityServiceProvider.client1.u1.idToken=x; __Host-edgeauth-binding=${binding}`;
  const headers: Record<string, string> = { host: "site.example.com", cookie };
  return { method: "GET", uri, querystring: "", header: (n) => headers[n], cookieHeader: cookie };
}

describe("check-auth rules and the index rewrite", () => {
  it.each(["/admin", "/admin/", "/admin/index.html", "/%61dmin", "/public/../admin"])("%s is forbidden for a user outside the group", async (uri) => {
    const ctx = createContext(config, "check-auth", { verifier: verifierFor(["users"]), sink: () => {} });
    const out = await checkAuth(request(uri), ctx);
    expect(out.kind === "respond" ? out.status : "forward").toBe(403);
  });

  it.each(["/admin", "/admin/"])("%s is served to a member, as /admin/index.html", async (uri) => {
    const ctx = createContext(config, "check-auth", { verifier: verifierFor(["admins"]), sink: () => {} });
    const out = await checkAuth(request(uri), ctx);
    expect(out).toMatchObject({ kind: "forward", uri: "/admin/index.html" });
  });
});
