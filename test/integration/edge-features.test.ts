/**
 * What users of other tools keep asking for, through the BUILT bundles: 401 for API calls, identity headers to
 * the origin, big tokens in chunked cookies, SPA mode, direct IdP sign-in, custom error pages, decision logs
 * with EMF metrics.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { captureLogLines } from "../helpers/log-capture";
import { CookieJar } from "../helpers/cognito-stand-in";
import { header, setCookies, viewerRequest } from "../helpers/events";
import { HOST, hostedUi, issuer, makeSite, req, signIn } from "../helpers/site";
import type { Site } from "../helpers/site";
import { escapeHtml } from "../../shared/viewer/html";

const TEMPLATE_403 = `<!doctype html><html><body class="custom"><h1>{{status}} {{title}}</h1><p>{{reason}}</p><a href="{{retry}}">again</a></body></html>`;
const TEMPLATE_400 = `<!doctype html><html><body class="custom400"><p>{{reason}}</p></body></html>`;

describe("features (spa mode, identity headers, API paths, IdP, error pages)", () => {
  let site: Site;
  const lines: string[] = [];
  beforeAll(async () => {
    site = await makeSite({
      extra: {
        mode: "spa",
        forwardIdentity: true,
        apiPaths: ["/api/*"],
        identityProvider: "Google",
        idpIdentifier: "example.com",
        errorPages: { "403": "403.html", "400": "400.html" },
        logLevel: "info",
      },
      files: { "403.html": TEMPLATE_403, "400.html": TEMPLATE_400 },
    });
  }, 120_000);
  afterAll(() => site?.cognito.stop());
  afterEach(() => {
    vi.restoreAllMocks();
    site.cognito.user = { email: "user@example.com" };
  });
  /** Signs in, from `uri`, a user in `count` groups with long names: tokens too big for one cookie, or for any. */
  async function signInWithGroups(count: number, username: string, uri: string) {
    const groups = Array.from({ length: count }, (_, i) => `group-with-a-rather-long-name-${i}`);
    site.cognito.user = { username, email: "many@example.com", groups };
    const jar = new CookieJar();
    return { jar, done: await signIn(site, jar, { uri }) };
  }

  it.each([
    ["fetch() with Accept: application/json", { accept: "application/json" }],
    ["a background request (Sec-Fetch-Mode: cors)", { accept: "*/*", "sec-fetch-mode": "cors" }],
    ["an image request such as the favicon (Sec-Fetch-Mode: no-cors)", { accept: "image/avif,image/webp,*/*", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" }],
  ])("answers %s without a session with 401 JSON, not a redirect", async (_, headers) => {
    const res = await site.fn.check(viewerRequest({ host: HOST, uri: "/data.json", headers }));
    expect(res.status).toBe("401");
    expect(header(res, "www-authenticate")).toMatch(/^Bearer/);
    expect(header(res, "content-type")).toBe("application/json");
    expect(JSON.parse(String(res.body))).toMatchObject({ error: "unauthenticated" });
    expect(header(res, "location")).toBeUndefined();
    expect(setCookies(res).some((c) => c.startsWith("__Host-edgeauth-signin."))).toBe(false);
  });

  it("answers a navigation to a configured apiPath with 401 too", async () => {
    const res = await site.fn.check(viewerRequest({ host: HOST, uri: "/api/items" }));
    expect(res.status).toBe("401");
  });

  it("never redirects a CORS preflight", async () => {
    const res = await site.fn.check(
      viewerRequest({ host: HOST, uri: "/api/items", method: "OPTIONS", headers: { "access-control-request-method": "POST", origin: "https://app.example.com" } }),
    );
    expect(res.status).toBeUndefined();
  });

  it("sends users straight to the configured identity provider", async () => {
    const res = await site.fn.check(viewerRequest({ host: HOST, uri: "/" }));
    const loc = new URL(header(res, "location")!);
    expect(loc.searchParams.get("identity_provider")).toBe("Google");
    expect(loc.searchParams.get("idp_identifier")).toBe("example.com");
  });

  it("forwards the verified identity to the origin and drops what the client sent", async () => {
    site.cognito.user = { username: "jane.doe+test@example.com", email: "jane@example.com", groups: ["editors", "staff"] };
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    const res = await site.fn.check(req(jar, { uri: "/page", headers: { "x-auth-groups": "admins", "X-Auth-Anything": "spoof" } }));
    expect(res.status).toBeUndefined();
    const h = res.headers as Record<string, { value: string }[]>;
    expect(h["x-auth-user"]?.[0]?.value).toBe("jane.doe+test@example.com");
    expect(h["x-auth-email"]?.[0]?.value).toBe("jane@example.com");
    expect(h["x-auth-groups"]?.[0]?.value).toBe("editors,staff");
    const idCookie = [...jar.cookies].find(([n]) => n.endsWith(".idToken"))![1].value;
    expect(h["x-auth-id-token"]?.[0]?.value).toBe(idCookie);
    expect(h["x-auth-anything"]).toBeUndefined();
  });

  it("in spa mode, lets scripts read LastAuthUser and the id/access tokens but never the refresh token; no clockDrift", async () => {
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    const byKind = (re: RegExp) => [...jar.cookies].filter(([n]) => re.test(n)).map(([, c]) => c.attrs);
    for (const attrs of [...byKind(/\.LastAuthUser$/), ...byKind(/\.idToken$/), ...byKind(/\.accessToken$/)]) expect(attrs).not.toMatch(/HttpOnly/i);
    expect(byKind(/\.refreshToken$/)[0]).toMatch(/HttpOnly/i);
    expect([...jar.cookies.keys()].some((n) => n.endsWith(".clockDrift"))).toBe(false);
  });

  it("keeps a user with a token too big for one cookie signed in, through chunked cookies", async () => {
    const { jar, done } = await signInWithGroups(120, "many-groups", "/big");
    expect(done.status).toBe("302");
    const names = [...jar.cookies.keys()];
    expect(names.some((n) => /\.idToken\.1$/.test(n))).toBe(true);
    for (const sc of setCookies(done)) expect(sc.split(";")[0]!.length).toBeLessThanOrEqual(4096);
    const res = await site.fn.check(req(jar, { uri: "/big" }));
    expect(res.status).toBeUndefined();
    expect((res.headers as Record<string, { value: string }[]>)["x-auth-groups"]?.[0]?.value.split(",")).toHaveLength(120);
  });

  it("ends a session too big for CloudFront's header limits on a clear page, not a loop or a 502", async () => {
    const { done } = await signInWithGroups(400, "too-many-groups", "/");
    expect(done.status).toBe("400");
    expect(String(done.body)).toMatch(/does not fit/i);
    expect(header(done, "location")).toBeUndefined();
  });

  it("uses the site's own error page template, with the reason escaped", async () => {
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    const res = await site.fn.check(req(jar, { uri: "/admin/" }));
    expect(res.status).toBe("403");
    expect(String(res.body)).toContain('class="custom"');
    expect(String(res.body)).toContain("403 Access denied");
    const first = await site.fn.check(viewerRequest({ host: HOST, uri: "/" }));
    const state = new URL(header(first, "location")!).searchParams.get("state")!;
    const cookie = setCookies(first)[0]!.split(";")[0]!;
    const bad = await site.fn.parse(
      viewerRequest({
        host: HOST,
        uri: "/parseauth",
        querystring: `state=${state}&error=access_denied&error_description=${encodeURIComponent('<script>alert("x")</script>')}`,
        cookies: [cookie],
      }),
    );
    expect(bad.status).toBe("400");
    expect(String(bad.body)).toContain('class="custom400"');
    expect(String(bad.body)).not.toContain("<script>");
    // The provider's description is never shown (issue 17): the template gets the fixed sentence of access_denied.
    expect(String(bad.body)).not.toContain("script");
    expect(String(bad.body)).toContain(escapeHtml("The sign-in was cancelled, or the sign-in service refused access."));
  });

  it("logs one JSON line per decision with a reason code and an EMF counter; a signed-in request only counts (info)", async () => {
    captureLogLines(lines);
    const jar = new CookieJar();
    await signIn(site, jar, { uri: "/" });
    await site.fn.check(req(jar, { uri: "/" }));
    await site.fn.check(viewerRequest({ host: HOST, uri: "/", cookies: ["CognitoIdentityServiceProvider.x.y.idToken=forged"] }));
    const cb = await hostedUi(header(await site.fn.check(viewerRequest({ host: HOST, uri: "/" })), "location")!);
    await site.fn.parse(viewerRequest({ host: HOST, uri: cb.pathname, querystring: cb.search.slice(1) }));
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.msg === "decision");
    const reasons = records.map((r) => r.reason);
    expect(reasons).toEqual(expect.arrayContaining(["no-session", "signed-in:callback", "cookies-blocked"]));
    // At info a signed-in request writes no line of its own (its count goes into an aggregated record later).
    expect(reasons).not.toContain("signed-in");
    for (const r of records) {
      expect(r).toMatchObject({ Decisions: 1, Reason: r.reason, Function: expect.any(String) });
      expect((r._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics[0]).toMatchObject({
        Namespace: "EdgeAuth",
        Dimensions: [["Function", "Reason"]],
      });
    }
    expect(JSON.stringify(records)).not.toContain(issuer.clientId + ".many");
  });
});
