/**
 * A site for the integration suites: a Cognito stand-in on loopback and the real bundles built against it.
 */
import { expect } from "vitest";
import { CognitoStandIn, CookieJar } from "./cognito-stand-in";
import { buildWith } from "./build";
import type { Built } from "./build";
import { header, setCookies, viewerRequest } from "./events";
import type { RequestSpec } from "./events";
import { TEST_NONCE_SECRET, makeIssuer } from "./tokens";

export const HOST = "www.example.com";
export const issuer = makeIssuer({ clientId: "integrationclient123456", userPoolId: "us-east-1_Integ1" });
export const CLIENT_SECRET = "s3cr3tValueForTheConfidentialClient0123456789";

export type Handler = (event: unknown) => Promise<Record<string, unknown>>;
export interface Site {
  built: Built;
  cognito: CognitoStandIn;
  fn: Record<"check" | "parse" | "refresh" | "signOut" | "headers", Handler>;
}

export async function makeSite(
  opts: { clientSecret?: string; extra?: Record<string, unknown>; files?: Record<string, string> } = {},
): Promise<Site> {
  const cognito = await new CognitoStandIn({
    issuer: { ...issuer },
    ...(opts.clientSecret ? { clientSecret: opts.clientSecret } : {}),
    callbackUrls: [`https://${HOST}/parseauth`],
  }).start();
  // The issuer must be the stand-in's URL so the build can fetch the JWKS from it (no "jwks" in the config).
  cognito.opts.issuer.issuer = `${cognito.url}/${issuer.userPoolId}`;
  const built = await buildWith({
    region: "us-east-1",
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    ...(opts.clientSecret ? { clientSecret: opts.clientSecret } : {}),
    domain: cognito.url,
    issuer: cognito.opts.issuer.issuer,
    publicPaths: ["/public/*", "/favicon.ico"],
    rules: [{ path: "/admin/*", groups: ["admins"] }],
    timeouts: { token: 400, revoke: 300, jwks: 300 },
    logLevel: "debug",
    // Known, so a test can write the binding cookie next to tokens it signs (test/helpers/session.ts).
    nonceSigningSecret: TEST_NONCE_SECRET,
    ...opts.extra,
  }, opts.files);
  expect(built.status, built.stderr + built.stdout).toBe(0);
  const load = (n: string) => built.load(n).handler as Handler;
  return {
    built,
    cognito,
    fn: {
      check: load("check-auth"),
      parse: load("parse-auth"),
      refresh: load("refresh-auth"),
      signOut: load("sign-out"),
      headers: load("http-headers"),
    },
  };
}

export function req(jar: CookieJar, spec: RequestSpec = {}) {
  const cookie = jar.header();
  return viewerRequest({ host: HOST, ...spec, ...(cookie ? { cookies: [cookie] } : {}) });
}

/** Follows the Hosted UI redirect the way a browser would: GET it, return the callback URL it redirects to. */
export async function hostedUi(location: string): Promise<URL> {
  const res = await fetch(location, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

/** Signs in from a protected URL; returns the jar and the final redirect. */
export async function signIn(site: Site, jar: CookieJar, spec: RequestSpec) {
  const first = await site.fn.check(req(jar, spec));
  expect(first.status).toBe("302");
  jar.apply(setCookies(first));
  const callback = await hostedUi(header(first, "location")!);
  expect(`${callback.origin}${callback.pathname}`).toBe(`https://${HOST}/parseauth`);
  const done = await site.fn.parse(req(jar, { uri: callback.pathname, querystring: callback.search.slice(1) }));
  jar.apply(setCookies(done));
  return done;
}


