import { describe, expect, it } from "vitest";
import {
  buildViewerRequestEvent,
  capitalizeHeaderName,
  effectiveValues,
  headerPairs,
  parseCookies,
  parseQuerystring,
  serializeQuerystring,
  toOriginRequest,
  toViewerResponse,
} from "../../../scripts/cloudfront-function-runtime/event";
import { loadCloudFrontFunction } from "../../../scripts/cloudfront-function-runtime/runtime";
import type { CffValue } from "../../../scripts/cloudfront-function-runtime/types";
import { ADD_HEADER } from "../../fixtures/cloudfront-functions";
import { cases } from "../../helpers/cases";

describe("buildViewerRequestEvent", () => {
  // The request of AWS's "Example event object", built from the HTTP request it stands for.
  const docsExample = buildViewerRequestEvent({
    method: "GET",
    path: "/media/index.mpd",
    query: "ID=42&Exp=1619740800&TTL=1440&NoValue=&querymv=val1&querymv=val2,val3",
    headers: headerPairs([
      "Host", "video.example.com",
      "User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:83.0) Gecko/20100101 Firefox/83.0",
      "Accept", "application/json",
      "Accept", "application/xml",
      "Accept", "text/html",
      "Accept-Language", "en-GB,en;q=0.5",
      "Cookie", "Cookie1=value1; Cookie2=value2",
      "Cookie", "cookie_consent=true; cookiemv=value3; cookiemv=value4",
      "CloudFront-Viewer-Country", "GB",
    ]),
    ip: "198.51.100.11",
    distributionDomainName: "d111111abcdef8.cloudfront.net",
    distributionId: "EDFDVBD6EXAMPLE",
    requestId: "EXAMPLEntjQpEXAMPLE_SG5Z-EXAMPLEPmPfEXAMPLEu3EqEXAMPLE==",
  });

  it("gives the documented example event for the documented example request", () => {
    expect(docsExample).toEqual({
      version: "1.0",
      context: {
        distributionDomainName: "d111111abcdef8.cloudfront.net",
        distributionId: "EDFDVBD6EXAMPLE",
        eventType: "viewer-request",
        requestId: "EXAMPLEntjQpEXAMPLE_SG5Z-EXAMPLEPmPfEXAMPLEu3EqEXAMPLE==",
      },
      viewer: { ip: "198.51.100.11" },
      request: {
        method: "GET",
        uri: "/media/index.mpd",
        querystring: {
          ID: { value: "42" },
          Exp: { value: "1619740800" },
          TTL: { value: "1440" },
          NoValue: { value: "" },
          querymv: { value: "val1", multiValue: [{ value: "val1" }, { value: "val2,val3" }] },
        },
        headers: {
          host: { value: "video.example.com" },
          "user-agent": { value: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:83.0) Gecko/20100101 Firefox/83.0" },
          accept: { value: "application/json", multiValue: [{ value: "application/json" }, { value: "application/xml" }, { value: "text/html" }] },
          "accept-language": { value: "en-GB,en;q=0.5" },
          "cloudfront-viewer-country": { value: "GB" },
        },
        cookies: {
          Cookie1: { value: "value1" },
          Cookie2: { value: "value2" },
          cookie_consent: { value: "true" },
          cookiemv: { value: "value3", multiValue: [{ value: "value3" }, { value: "value4" }] },
        },
      },
    });
  });

  it("keeps one header with several values as one value", () => {
    const e = buildViewerRequestEvent({ method: "GET", path: "/", headers: [["Accept", "application/json, application/xml, text/html"]], ip: "::1" });
    expect(e.request.headers.accept).toEqual({ value: "application/json, application/xml, text/html" });
  });

  it.each(["Connection", "Keep-Alive", "Upgrade", "X-Forwarded-Proto", "X-Real-IP", "X-Amz-Cf-Id", "X-Edge-Origin-Shield-Skipped", "X-Cache"])(
    "does not expose the disallowed header %s",
    (name) => {
      const e = buildViewerRequestEvent({ method: "GET", path: "/", headers: [[name, "x"], ["X-Kept", "y"]], ip: "::1" });
      expect(e.request.headers).toEqual({ "x-kept": { value: "y" } });
    },
  );

  it("passes the URI and the query string on as sent, without percent-decoding", () => {
    const e = buildViewerRequestEvent({ method: "GET", path: "/a%20b/%E5%AE%B6", query: "q=%E5%AE%B6&plus=a+b&e=%3D", headers: [], ip: "::1" });
    expect(e.request.uri).toBe("/a%20b/%E5%AE%B6");
    expect(e.request.querystring).toEqual({ q: { value: "%E5%AE%B6" }, plus: { value: "a+b" }, e: { value: "%3D" } });
  });

  it("has an empty querystring and cookies object when there are none, and a fresh request id each time", () => {
    const input = { method: "HEAD", path: "/", headers: [] as [string, string][], ip: "203.0.113.9" };
    const [a, b] = [buildViewerRequestEvent(input), buildViewerRequestEvent(input)];
    expect([a.request.querystring, a.request.cookies, a.request.method]).toEqual([{}, {}, "HEAD"]);
    expect(a.context.requestId).not.toBe(b.context.requestId);
  });
});

describe("parseQuerystring", () => {
  it.each([
    ["", {}],
    ["a", { a: { value: "" } }],
    ["a=", { a: { value: "" } }],
    ["a=1=2", { a: { value: "1=2" } }],
    ["&&a=1&", { a: { value: "1" } }],
    ["a=1&b=2&a=3", { a: { value: "1", multiValue: [{ value: "1" }, { value: "3" }] }, b: { value: "2" } }],
    ["=x", { "": { value: "x" } }],
  ])("splits %j", (raw, expected) => {
    expect(parseQuerystring(raw)).toEqual(expected);
  });
});

describe("parseCookies", () => {
  it.each([
    [[], {}],
    [["a=1"], { a: { value: "1" } }],
    [["a=1;b=2 ;  c = 3"], { a: { value: "1" }, b: { value: "2" }, c: { value: "3" } }],
    [["a=x=y"], { a: { value: "x=y" } }],
    [["a=1", "a=2; b="], { a: { value: "1", multiValue: [{ value: "1" }, { value: "2" }] }, b: { value: "" } }],
    [['q="quoted%20value"'], { q: { value: '"quoted%20value"' } }],
    [["; ;lonely"], { lonely: { value: "" } }],
  ])("parses %j", (values, expected) => {
    expect(parseCookies(values)).toEqual(expected);
  });
});

describe("effectiveValues (the documented multiValue rule)", () => {
  const original: CffValue = { value: "a", multiValue: [{ value: "a" }, { value: "b" }] };
  it.each<[string, CffValue, CffValue | undefined, string[]]>([
    ["an untouched single value", { value: "a" }, { value: "a" }, ["a"]],
    ["a new field", { value: "n" }, undefined, ["n"]],
    ["a new field with multiValue", { value: "n", multiValue: [{ value: "n" }, { value: "m" }] }, undefined, ["n", "m"]],
    ["an untouched multi-value field", original, original, ["a", "b"]],
    ["a changed value: later values remain", { value: "z", multiValue: original.multiValue! }, original, ["z", "b"]],
    ["a changed value without multiValue", { value: "z" }, original, ["z", "b"]],
    ["a changed multiValue wins over value", { value: "ignored", multiValue: [{ value: "x" }] }, original, ["x"]],
  ])("%s", (_name, field, before, expected) => {
    expect(effectiveValues(field, before)).toEqual(expected);
  });
});

describe("serializeQuerystring", () => {
  it.each<[string, Parameters<typeof serializeQuerystring>[0], string]>([
    ["a string, as is", "b=2&a=1", "b=2&a=1"],
    ["an object", { a: { value: "1" }, b: { value: "" } }, "a=1&b"],
    ["repeats", { a: { value: "1", multiValue: [{ value: "1" }, { value: "2" }] } }, "a=1&a=2"],
    ["no parameters", {}, ""],
  ])("serialises %s", (_name, qs, expected) => {
    expect(serializeQuerystring(qs)).toBe(expected);
  });
});

describe("capitalizeHeaderName", () => {
  cases("%s → %s", capitalizeHeaderName, [
    ["example-header-name", "Example-Header-Name"],
    ["host", "Host"],
    ["x-amz-date", "X-Amz-Date"],
    ["www-authenticate", "Www-Authenticate"],
    ["content-md5", "Content-Md5"],
  ]);
});

describe("toOriginRequest", () => {
  const event = buildViewerRequestEvent({
    method: "GET",
    path: "/p",
    query: "b=2&a=%20&flag",
    headers: [["Host", "example.com"], ["Accept", "a"], ["Accept", "b"], ["Cookie", "s=1; t=2"]],
    ip: "::1",
  });

  it("forwards the query string as received when the function did not change it", () => {
    expect(toOriginRequest(structuredClone(event.request), event, "b=2&a=%20&flag").querystring).toBe("b=2&a=%20&flag");
  });

  it("rebuilds headers (capitalised, repeats as lines) and the Cookie header from the result", () => {
    const request = structuredClone(event.request);
    request.headers["example-header-name"] = { value: "v" };
    request.cookies.t = { value: "3" };
    request.querystring = { a: { value: "1" } };
    expect(toOriginRequest(request, event, "b=2&a=%20&flag")).toEqual({
      method: "GET",
      uri: "/p",
      querystring: "a=1",
      headers: [
        ["Host", "example.com"],
        ["Accept", "a"],
        ["Accept", "b"],
        ["Example-Header-Name", "v"],
        ["Cookie", "s=1; t=3"],
      ],
    });
  });

  it("sends what a real function run returns", async () => {
    const r = await loadCloudFrontFunction(ADD_HEADER).run(event);
    if (r.kind !== "request") throw new Error("expected a request");
    const origin = toOriginRequest(r.request, event, "b=2&a=%20&flag");
    expect(origin.headers).toContainEqual(["X-Viewer-Ip", "::1"]);
    expect(origin.headers).toContainEqual(["X-Uri-Length", "2"]);
  });
});

describe("toViewerResponse", () => {
  it("turns a response into status, capitalised headers and Set-Cookie lines", () => {
    expect(
      toViewerResponse({
        statusCode: 302,
        statusDescription: "Found",
        headers: { location: { value: "/login" }, vary: { value: "a", multiValue: [{ value: "a" }, { value: "b" }] } },
        cookies: {
          state: { value: "abc", attributes: "Path=/; Secure; HttpOnly" },
          plain: { value: "1" },
          Cookie1: {
            value: "val1",
            attributes: "Secure; Path=/",
            multiValue: [
              { value: "val1", attributes: "Secure; Path=/" },
              { value: "val2", attributes: "Path=/cat" },
            ],
          },
        },
      }),
    ).toEqual({
      status: 302,
      statusText: "Found",
      headers: [
        ["Location", "/login"],
        ["Vary", "a"],
        ["Vary", "b"],
        ["Set-Cookie", "state=abc; Path=/; Secure; HttpOnly"],
        ["Set-Cookie", "plain=1"],
        ["Set-Cookie", "Cookie1=val1; Secure; Path=/"],
        ["Set-Cookie", "Cookie1=val2; Path=/cat"],
      ],
    });
  });

  it.each([
    ["a plain string", "héllo", "héllo"],
    ["text data", { data: "héllo", encoding: "text" as const }, "héllo"],
    ["base64 data", { data: Buffer.from("héllo").toString("base64"), encoding: "base64" as const }, "héllo"],
  ])("decodes a body given as %s", (_name, body, text) => {
    expect(toViewerResponse({ statusCode: 200, body }).body?.toString("utf8")).toBe(text);
  });

  it("has no body, status text or headers when the response has none", () => {
    expect(toViewerResponse({ statusCode: 204 })).toEqual({ status: 204, headers: [] });
  });
});
