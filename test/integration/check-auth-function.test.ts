/**
 * The BUILT CloudFront Function (dist/check-auth-function/index.js) run in the runtime emulator, with its
 * KeyValueStore loaded from the built kvs.json, and under njs: signed-in, signed-out, expired and forbidden
 * requests, and every way a session cookie can be wrong.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildViewerRequestEvent } from "../../scripts/cloudfront-function-runtime/event";
import { runUnderNjs } from "../../scripts/cloudfront-function-runtime/njs";
import { loadCloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CloudFrontFunction } from "../../scripts/cloudfront-function-runtime/runtime";
import type { CffRequest, CffResponse } from "../../scripts/cloudfront-function-runtime/types";
import { rulesFingerprint } from "../../shared/viewer/rules";
import { sealSession } from "../../shared/viewer/session-cookie";
import type { SessionClaims } from "../../shared/viewer/session-cookie";
import { buildWith, builtFunction } from "../helpers/build";
import type { Built, KvsData } from "../helpers/build";
import { makeIssuer, poolConfig } from "../helpers/tokens";

const iss = makeIssuer({ region: "us-east-1", userPoolId: "us-east-1_Fn1", clientId: "functionclient1234567890" });
const HOST = "www.example.com";
const NOW = Math.floor(Date.now() / 1000);
const SESSION = "__Host-edgeauth-session";

let built: Built;
let fn: CloudFrontFunction;
let key: string;
let code: string;
let kvs: KvsData;

beforeAll(async () => {
  built = await buildWith({
    ...poolConfig(iss),
    hotPath: "cloudfront-function",
    publicPaths: ["/public/*", "/favicon.ico"],
    apiPaths: ["/api/*"],
    rules: RULES,
    forwardIdentity: true,
  });
  expect(built.status, built.stderr + built.stdout).toBe(0);
  ({ code, kvs, sessionKey: key } = builtFunction(built));
  fn = loadCloudFrontFunction(code, { kvs, now: () => NOW * 1000 });
}, 120_000);
afterAll(() => undefined);

const RULES = [{ path: "/admin/*", groups: ["admins"] }];
/** What parse-auth seals under this build's rules: their fingerprint (`r`) included. */
const claims = (o: Partial<SessionClaims> = {}): SessionClaims => ({ c: iss.clientId, s: "sub-1", u: "jane+x@example.com", g: ["users"], r: rulesFingerprint(RULES), x: NOW + 600, h: "h".repeat(22), ...o });

function event(o: { path?: string; query?: string; cookies?: Record<string, string>; headers?: [string, string][]; method?: string; host?: string } = {}) {
  const cookie = Object.entries(o.cookies ?? {}).map(([k, v]) => `${k}=${v}`).join("; ");
  return buildViewerRequestEvent({
    method: o.method ?? "GET",
    path: o.path ?? "/docs/page.html",
    query: o.query ?? "",
    headers: [["Host", o.host ?? HOST], ["Accept", "text/html"], ...(cookie ? ([["Cookie", cookie]] as [string, string][]) : []), ...(o.headers ?? [])],
    ip: "203.0.113.1",
  });
}

async function run(o: Parameters<typeof event>[0] = {}) {
  const r = await fn.run(event(o));
  return r;
}
/** The response, with its optional parts made present for the assertions. */
const asResponse = (r: Awaited<ReturnType<typeof run>>) => {
  expect(r.kind).toBe("response");
  const res = (r as { response: CffResponse }).response;
  return { ...res, headers: res.headers ?? {}, cookies: res.cookies ?? {} };
};
const asRequest = (r: Awaited<ReturnType<typeof run>>) => {
  expect(r.kind).toBe("request");
  return (r as { request: CffRequest }).request;
};

describe("the built function", () => {
  it("fits CloudFront Functions' 10 KB, imports only cloudfront, requires only crypto, has a top-level handler", () => {
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(10_240);
    expect(code).toMatch(/^import cf from 'cloudfront';/);
    expect([...code.matchAll(/require\(['"]([^'"]+)['"]\)/g)].map((m) => m[1])).toEqual(["crypto"]);
    expect(code).toMatch(/\nasync function handler\(event\) \{/);
    expect(code).not.toMatch(/\bexport\b/);
  });

  it("holds no secret: the key is only in kvs.json", () => {
    expect(key.length).toBeGreaterThanOrEqual(43);
    expect(code).not.toContain(key);
    for (const name of ["parse-auth", "refresh-auth"]) expect(readFileSync(join(built.outdir, name, "index.js"), "utf8")).toContain(key);
    for (const name of ["check-auth", "sign-in", "sign-out", "http-headers"]) expect(readFileSync(join(built.outdir, name, "index.js"), "utf8")).not.toContain(key);
  });
});

describe("a config too large for the function", () => {
  const tooLarge = (hotPath: string) => ({
    ...poolConfig(iss),
    hotPath,
    publicPaths: Array.from({ length: 400 }, (_, i) => `/public-${i}/*`),
  });

  it("fails the build with hotPath cloudfront-function, naming the limit", async () => {
    const r = await buildWith(tooLarge("cloudfront-function"));
    expect(r.status).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/check-auth-function: \d+ bytes of code, over CloudFront Functions' 10 KB limit/);
  }, 120_000);

  it("does not fail a lambda-edge build, which does not deploy it: the rest is built, with a note", async () => {
    const r = await buildWith(tooLarge("lambda-edge"));
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/note: check-auth-function not built \(.*10 KB limit.*\); hotPath is lambda-edge, so it is not deployed/);
    expect(existsSync(join(r.outdir, "check-auth-function"))).toBe(false);
    expect(existsSync(join(r.outdir, "check-auth", "index.js"))).toBe(true);
  }, 120_000);
});

describe("signed-in, signed-out, expired, forbidden", () => {
  it("a valid session goes on to the origin, index rewritten, identity headers set, spoofed ones stripped", async () => {
    const req = asRequest(await run({ path: "/docs/", cookies: { [SESSION]: sealSession(claims({ e: "jane@example.com" }), key) }, headers: [["X-Auth-User", "admin"], ["X_Auth_Groups", "admins"]] }));
    expect(req.uri).toBe("/docs/index.html");
    expect(req.headers["x-auth-user"]?.value).toBe("jane+x@example.com");
    expect(req.headers["x-auth-email"]?.value).toBe("jane@example.com");
    expect(req.headers["x-auth-groups"]?.value).toBe("users");
    expect(req.headers["x_auth_groups"]).toBeUndefined();
  });

  it("no session → 302 to paths.signIn with the return path", async () => {
    const res = asResponse(await run({ path: "/docs/päth", query: "q=ü&x=1" }));
    expect(res.statusCode).toBe(302);
    const loc = new URL(res.headers.location!.value);
    expect(`${loc.origin}${loc.pathname}`).toBe(`https://${HOST}/signin`);
    expect(loc.searchParams.get("return")).toBe("/docs/päth?q=ü&x=1");
  });

  it.each([
    ["repeated names keep their order", "a=1&b=2&a=3"],
    ["an empty value keeps its =", "x=&y"],
    ["encoded and odd characters stay as sent", "q=%E5%AE%B6&plus=a+b&e=%3D&&z"],
  ])("the way back is exactly the URL asked for: %s", async (_label, query) => {
    const res = asResponse(await run({ path: "/p", query }));
    expect(new URL(res.headers.location!.value).searchParams.get("return")).toBe(`/p?${query}`);
  });

  it("no session on an API path → 401 JSON", async () => {
    const res = asResponse(await run({ path: "/api/me" }));
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]!.value).toBe("application/json");
    expect(JSON.parse(String((res.body as { data: string }).data))).toMatchObject({ error: "unauthenticated" });
  });

  it("no session but a refresh token → 302 to paths.refresh", async () => {
    const res = asResponse(await run({ cookies: { [`CognitoIdentityServiceProvider.${iss.clientId}.jane.refreshToken`]: "r" } }));
    expect(res.statusCode).toBe(302);
    expect(res.headers.location!.value).toMatch(new RegExp(`^https://${HOST}/refreshauth\\?return=`));
  });

  it("a rule's group missing → 403 with links home and to sign out; with it → on", async () => {
    const res = asResponse(await run({ path: "/admin/x", cookies: { [SESSION]: sealSession(claims(), key) } }));
    expect(res.statusCode).toBe(403);
    expect(String((res.body as { data: string }).data)).toContain("Sign out or switch account");
    const ok = asRequest(await run({ path: "/admin/x", cookies: { [SESSION]: sealSession(claims({ g: ["admins"] }), key) } }));
    expect(ok.uri).toBe("/admin/x/index.html");
  });

  it("public paths and preflights pass without a session", async () => {
    expect(asRequest(await run({ path: "/public/a.css" })).uri).toBe("/public/a.css");
    expect(asRequest(await run({ method: "OPTIONS", path: "/api/x", headers: [["Access-Control-Request-Method", "POST"]] })).uri).toBe("/api/x/index.html");
  });

  it("a sign-in that did not stick stops on a page, not another round trip", async () => {
    const res = asResponse(await run({ cookies: { "__Host-edgeauth-signedin": String(NOW + 60) } }));
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });
});

describe("every way a session cookie can be wrong is refused (and the cookie cleared)", () => {
  const valid = () => sealSession(claims(), key);
  it.each<[string, () => string]>([
    ["forged (another key)", () => sealSession(claims(), "z".repeat(43))],
    ["tampered payload (group added)", () => {
      const [, mac] = valid().split(".");
      return `${Buffer.from(JSON.stringify(claims({ g: ["admins"] }))).toString("base64url")}.${mac}`;
    }],
    ["tampered MAC", () => `${valid().slice(0, -2)}${valid().endsWith("A") ? "BB" : "AA"}`],
    ["truncated", () => valid().slice(0, 40)],
    ["no MAC", () => valid().split(".")[0]!],
    ["expired", () => sealSession(claims({ x: NOW - 1 }), key)],
    ["another app client", () => sealSession(claims({ c: "otherclient" }), key)],
    ["not JSON inside", () => {
      const p = Buffer.from("not json").toString("base64url");
      return `${p}.${sealSession(claims(), key).split(".")[1]}`;
    }],
    ["garbage", () => "%%%;;;"],
    ["huge", () => "a".repeat(5000)],
  ])("%s", async (_, make) => {
    const res = asResponse(await run({ path: "/admin/x", cookies: { [SESSION]: make() } }));
    expect(res.statusCode).toBe(302);
    expect(res.headers.location!.value).toContain("/signin?return=");
    expect(res.cookies[SESSION]?.attributes).toMatch(/Max-Age=0/);
  });

  it("a session sealed under other rules (the key kept between deploys) is run out: refresh, and through njs too", async () => {
    // Sealed before `exclude: [{ groups: ["interns"] }]` was added: the cookie never recorded the interns group.
    const before = sealSession(claims({ g: ["admins"], r: rulesFingerprint([{ path: "/admin/*", groups: ["admins"] }, { path: "/x/*", groups: ["x"] }]) }), key);
    const refresh = "CognitoIdentityServiceProvider." + iss.clientId + ".jane.refreshToken";
    const res = asResponse(await run({ path: "/admin/x", cookies: { [SESSION]: before, [refresh]: "r" } }));
    expect(res.statusCode).toBe(302);
    expect(res.headers.location!.value).toBe(`https://${HOST}/refreshauth?return=${encodeURIComponent("/admin/x")}`);
    expect(res.cookies[SESSION]?.attributes).toMatch(/Max-Age=0/);
    // Sealed under these rules: through.
    asRequest(await run({ path: "/admin/x", cookies: { [SESSION]: sealSession(claims({ g: ["admins"] }), key), [refresh]: "r" } }));
    for (const [cookie, through] of [[before, false], [sealSession(claims({ g: ["admins"] }), key), true]] as const) {
      const out = await runUnderNjs(code, event({ path: "/admin/x", cookies: { [SESSION]: cookie, [refresh]: "r" } }), { kvs, now: new Date(NOW * 1000) });
      expect(out.ok, out.ok ? "" : out.error).toBe(true);
      const r = (out as { result: { statusCode?: number } }).result;
      expect(r.statusCode === undefined).toBe(through);
    }
  });

  it("a session cookie without the __Host- prefix is not ours", async () => {
    const res = asResponse(await run({ cookies: { "edgeauth-session": valid() } }));
    expect(res.statusCode).toBe(302);
  });
});

describe("path tricks against rules and public paths", () => {
  it.each(["/admin/x", "/public/../admin/x", "/%61dmin/x", "//admin/x", "/public/%2e%2e/admin/x", "/public/..;/admin/x", "/admin"])(
    "%s: the rule holds (403 without the group), and it is never public",
    async (path) => {
      const forbidden = asResponse(await run({ path, cookies: { [SESSION]: sealSession(claims(), key) } }));
      expect(forbidden.statusCode).toBe(403);
      const anonymous = asResponse(await run({ path }));
      expect(anonymous.statusCode).toBe(302);
    },
  );

  it.each(["/public/a.css", "/public/deep/b.png", "/favicon.ico"])("%s is public", async (path) => {
    expect(asRequest(await run({ path })).uri).toBe(path);
  });

  it.each(["/public%2F..%2Fadmin/x", "/public/%ZZ", "/publicity/x"])("%s is not public (undecodable or a look-alike)", async (path) => {
    expect(asResponse(await run({ path })).statusCode).toBe(302);
  });
});

describe("hostile input never throws and never leaves the site", () => {
  it.each([
    ["a bad Host", { host: "evil.com/x" }, 400],
    ["a URI without a leading slash", { path: "docs" }, 400],
    ["a very long query", { query: `q=${"a".repeat(9000)}` }, 414],
  ])("%s", async (_, o, status) => {
    expect(asResponse(await run(o as never)).statusCode).toBe(status);
  });

  it("property: any path, query and cookies: a request on, or a response that stays on this site", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }).map((s) => `/${s.replace(/[?#\s]/g, "")}`),
        fc.string({ maxLength: 40 }).map((s) => s.replace(/[#\s]/g, "")),
        fc.string({ maxLength: 80 }).map((s) => s.replace(/[;\s]/g, "")),
        async (path, query, junk) => {
          const r = await fn.run(event({ path, query, cookies: { [SESSION]: junk } }));
          if (r.kind === "response") {
            const loc = r.response.headers?.location?.value;
            if (loc !== undefined) expect(new URL(loc).host).toBe(HOST);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("under njs (the runtime's syntax subset)", () => {
  it("the built function gives the same answers as in the emulator", async () => {
    for (const o of [{}, { path: "/p", query: "a=1&b=2&a=3&x=" }, { path: "/public/a.css" }, { path: "/docs/", cookies: { [SESSION]: sealSession(claims(), key) } }, { path: "/admin/x", cookies: { [SESSION]: sealSession(claims(), key) } }]) {
      const ev = event(o);
      const inNjs = await runUnderNjs(code, ev, { kvs, now: new Date(NOW * 1000) });
      expect(inNjs.ok, inNjs.ok ? "" : inNjs.error).toBe(true);
      const inSandbox = await fn.run(event(o));
      const mine = inSandbox.kind === "request" ? inSandbox.request : inSandbox.response;
      expect(inNjs.ok && inNjs.result).toEqual(JSON.parse(JSON.stringify(mine)));
    }
  });
});
