/**
 * One deployment, two sites, through the BUILT bundles: each host is its own site with its own app client; a
 * session of one is never a session of the other, in either hot path; a host no site names gets 421.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildViewerRequestEvent } from "../../scripts/cloudfront-function-runtime/event";
import { loadCloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import { rulesFingerprint } from "../../shared/viewer/rules";
import { sealSession } from "../../shared/viewer/session-cookie";
import { buildWith, builtFunction } from "../helpers/build";
import type { Built } from "../helpers/build";
import { header, viewerRequest } from "../helpers/events";
import { sessionCookieHeader } from "../helpers/session";
import { TEST_NONCE_SECRET, makeIssuer, tokensFor } from "../helpers/tokens";

const A = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Sites1", clientId: "clientforsitea" });
const B = { ...A, clientId: "clientforsiteb" };
const NOW = Math.floor(Date.now() / 1000);

let built: Built;
beforeAll(async () => {
  built = await buildWith({
    region: A.region,
    userPoolId: A.userPoolId,
    domain: "auth.example.com",
    jwks: { keys: [A.key.jwk] },
    hotPath: "cloudfront-function",
    // Known, so the sessions below can carry the binding cookie parse-auth writes (test/helpers/session.ts).
    nonceSigningSecret: TEST_NONCE_SECRET,
    sites: [
      { hosts: ["site-a.example.com"], clientId: A.clientId, rules: [{ path: "/admin/*", groups: ["admins"] }] },
      { hosts: ["site-b.example.com", "*.b.example.com"], clientId: B.clientId },
    ],
  });
  expect(built.status, built.stderr + built.stdout).toBe(0);
}, 120_000);

type Handler = (e: unknown) => Promise<Record<string, unknown>>;
const check = () => built.load("check-auth").handler as Handler;
const user = { username: "jane", iat: NOW - 60, groups: ["admins"] };

describe("check-auth (Lambda@Edge) picks the site by Host", () => {
  it.each<[string, string, "on" | "sign-in"]>([
    ["site A's session on site A", "site-a.example.com", "on"],
    ["site A's session on site B", "site-b.example.com", "sign-in"],
    ["site A's session on a host under B's wildcard", "x.b.example.com", "sign-in"],
  ])("%s", async (_, host, expected) => {
    const cookie = sessionCookieHeader(A.clientId, { username: "jane", ...tokensFor(A, user) });
    const res = await check()(viewerRequest({ host, uri: "/docs/", cookies: [cookie] }));
    if (expected === "on") expect(res.status).toBeUndefined();
    else {
      expect(res.status).toBe("302");
      // The sign-in is the other site's own: its client, back to its own host.
      const loc = new URL(header(res, "location")!);
      expect(loc.searchParams.get("client_id")).toBe(B.clientId);
      expect(loc.searchParams.get("redirect_uri")).toBe(`https://${host}/parseauth`);
    }
  });

  it("B's own session on B: on", async () => {
    const cookie = sessionCookieHeader(B.clientId, { username: "jane", ...tokensFor(B, user) });
    expect((await check()(viewerRequest({ host: "site-b.example.com", uri: "/docs/", cookies: [cookie] }))).status).toBeUndefined();
  });

  it.each(["evil.example.com", "example.com", "site-a.example.com.evil.net"])("a host no site names (%s) → 421, no session, no redirect", async (host) => {
    const res = await check()(viewerRequest({ host, uri: "/", cookies: [sessionCookieHeader(A.clientId, { username: "jane", ...tokensFor(A, user) })] }));
    expect(res.status).toBe("421");
    expect(header(res, "location")).toBeUndefined();
  });

  it("every Lambda@Edge function answers 421 to a host no site names", async () => {
    for (const name of ["parse-auth", "refresh-auth", "sign-out", "sign-in"]) {
      const res = await (built.load(name).handler as Handler)(viewerRequest({ host: "evil.example.com", uri: "/x" }));
      expect(res.status, name).toBe("421");
    }
  });
});

describe("the CloudFront Function picks the site by Host", () => {
  const fnFor = () => {
    const { code, kvs } = builtFunction(built);
    return { fn: loadCloudFrontFunction(code, { kvs }), key: kvs.data[0]!.value };
  };
  const event = (host: string, cookie: string) =>
    buildViewerRequestEvent({ method: "GET", path: "/docs/", headers: [["Host", host], ["Cookie", cookie]], ip: "203.0.113.1" });

  it.each<[string, string, string, "request" | 302 | 421]>([
    ["A's session on A", A.clientId, "site-a.example.com", "request"],
    ["A's session on B", A.clientId, "site-b.example.com", 302],
    ["B's session on B's wildcard", B.clientId, "x.b.example.com", "request"],
    ["A's session on no site's host", A.clientId, "evil.example.com", 421],
  ])("%s", async (_, client, host, expected) => {
    const { fn, key } = fnFor();
    const cookie = `__Host-edgeauth-session=${sealSession({ c: client, s: "s", u: "jane", g: [], ...(client === A.clientId ? { r: rulesFingerprint([{ path: "/admin/*", groups: ["admins"] }]) } : {}), x: NOW + 600, h: "" }, key)}`;
    const r = await fn.run(event(host, cookie));
    if (expected === "request") expect(r.kind).toBe("request");
    else expect(r.kind === "response" && r.response.statusCode).toBe(expected);
  });
});
