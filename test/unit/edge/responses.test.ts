import { describe, expect, it } from "vitest";
import { ERRORS } from "../../../shared/outcomes/errors";
import type { ErrorCode } from "../../../shared/outcomes/errors";
import { MAX_BODY_BYTES, errorResponse, htmlPage, navigatePage, redirect } from "../../../shared/edge/responses";
import { escapeHtml } from "../../../shared/viewer/html";
import { PAGE_STYLE } from "../../../shared/viewer/page";
import { makeIssuer, testConfig } from "../../helpers/tokens";

const iss = makeIssuer();
const config = testConfig(iss);
const HOSTILE = `"><script>alert(1)</script><img src=x onerror='x'>\`=&`;
const codes = Object.keys(ERRORS) as ErrorCode[];

describe("every generated response", () => {
  it.each(codes)("%s: HTML page with its status, no-cache no-store, security headers", (code) => {
    const r = errorResponse(config, code);
    expect(r.status).toBe(ERRORS[code].status);
    expect(r.headers["cache-control"]).toBe("no-cache, no-store");
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.headers["strict-transport-security"]).toBeDefined();
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.body).toContain(`Error ${ERRORS[code].status}`);
    // The sign-in page's look: the one stylesheet both hot paths use.
    expect(r.body).toContain(`<style>${PAGE_STYLE}</style>`);
    expect(Buffer.byteLength(r.body!)).toBeLessThan(MAX_BODY_BYTES);
  });

  it.each(codes)("%s as API: JSON with the stable code, no-cache no-store", (code) => {
    const r = errorResponse(config, code, { api: true });
    expect(r.headers["cache-control"]).toBe("no-cache, no-store");
    expect(r.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(r.body!)).toEqual({ error: code, message: ERRORS[code].sentence });
  });

  it("401 carries WWW-Authenticate Bearer, 503 Retry-After", () => {
    expect(errorResponse(config, "unauthenticated").headers["www-authenticate"]).toBe(`Bearer realm="${iss.clientId}"`);
    expect(errorResponse(config, "cognito-unavailable").headers["retry-after"]).toBe("5");
  });

  it.each<[302 | 303 | 307]>([[302], [303], [307]])("redirect %i", (status) => {
    const r = redirect(config, "https://x.example/", ["a=b"], status);
    expect(r).toMatchObject({ status, cookies: ["a=b"], headers: { location: "https://x.example/", "cache-control": "no-cache, no-store" } });
  });

  it("navigatePage", () => {
    const r = navigatePage(config, `https://site.example/${HOSTILE}`, []);
    expect(r.headers["cache-control"]).toBe("no-cache, no-store");
    expect(r.body).not.toContain("<script>");
    expect(r.body).not.toContain("'x'");
  });

  it("a header configured off stays off in generated responses", () => {
    const cfg = testConfig(iss, { headers: { "x-frame-options": false } });
    expect(errorResponse(cfg, "forbidden").headers["x-frame-options"]).toBeUndefined();
  });
});

describe("escaping", () => {
  it("escapeHtml covers the attribute- and element-breaking characters", () => {
    expect(escapeHtml(`<>&"'\`=/`)).toBe("&#60;&#62;&#38;&#34;&#39;&#96;&#61;&#47;");
  });

  it("reflected reason and retry link are escaped", () => {
    const r = errorResponse(config, "idp-error", { sentence: HOSTILE, retry: `/x"onmouseover="alert(1)` });
    expect(r.body).not.toContain("<script>");
    expect(r.body).not.toContain("<img");
    expect(r.body).not.toMatch(/href="[^"]*"onmouseover/);
    expect(r.body).toContain("&#60;script&#62;");
  });

  it("the 403 says who is signed in, escaped; the JSON answer does not", () => {
    const r = errorResponse(config, "forbidden", { user: HOSTILE });
    expect(r.body).toContain("<p>Signed in as <b>&#34;&#62;&#60;script&#62;alert(1)&#60;&#47;script&#62;&#60;img src&#61;x onerror&#61;&#39;x&#39;&#62;&#96;&#61;&#38;</b>.</p>");
    expect(r.body).not.toContain("<script>");
    expect(errorResponse(config, "forbidden", { user: HOSTILE, api: true }).body).not.toContain("script");
  });

  it("site templates are filled with escaped values", () => {
    const cfg = testConfig(iss, { errorPages: { "400": "p.html" } });
    cfg.errorPages["400"] = "<main>{{title}}|{{ reason }}|{{status}}|<a href='{{retry}}'>retry</a>|{{other}}</main>";
    const r = htmlPage(cfg, 400, "T<", HOSTILE, { retry: "/a'b" });
    expect(r.body).toContain("<main>T&#60;|");
    expect(r.body).toContain("|400|");
    expect(r.body).toContain("href='&#47;a&#39;b'");
    expect(r.body).toContain("{{other}}");
    expect(r.body).not.toContain("<script>");
  });

  it("a template that would exceed the body limit falls back to the built-in page", () => {
    const cfg = testConfig(iss);
    cfg.errorPages["403"] = `${"x".repeat(MAX_BODY_BYTES)}{{reason}}`;
    const r = htmlPage(cfg, 403, "Denied", "why");
    expect(Buffer.byteLength(r.body!)).toBeLessThan(MAX_BODY_BYTES);
    expect(r.body).toContain("Denied");
  });
});
