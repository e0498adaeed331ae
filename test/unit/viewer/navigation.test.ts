import { describe, expect, it } from "vitest";
import { isApiRequest, isPreflight } from "../../../shared/viewer/navigation";

const req = (method: string, headers: Record<string, string>) => ({ method, header: (name: string) => headers[name] });

describe("isApiRequest: a request that cannot follow a redirect to the sign-in page gets 401 instead", () => {
  it.each<[string, Record<string, string>, boolean, boolean]>([
    ["a page navigation", { "sec-fetch-mode": "navigate", accept: "text/html,application/xhtml+xml" }, false, false],
    ["an apiPaths match, even navigating", { "sec-fetch-mode": "navigate", accept: "text/html" }, true, true],
    ["fetch (cors)", { "sec-fetch-mode": "cors", accept: "*/*" }, false, true],
    ["no-cors (an image)", { "sec-fetch-mode": "no-cors", accept: "image/avif" }, false, true],
    ["no fetch metadata, accepts HTML", { accept: "text/html" }, false, false],
    ["no fetch metadata, accepts anything", { accept: "*/*" }, false, false],
    ["no fetch metadata, JSON only", { accept: "application/json" }, false, true],
    ["no headers at all (curl)", {}, false, false],
    ["an empty Accept", { accept: "" }, false, false],
    ["Accept in upper case", { accept: "TEXT/HTML" }, false, false],
  ])("%s → %s", (_name, headers, apiPath, expected) => {
    expect(isApiRequest(req("GET", headers), apiPath)).toBe(expected);
  });
});

describe("isPreflight: OPTIONS with Access-Control-Request-Method", () => {
  it.each<[string, Record<string, string>, boolean]>([
    ["OPTIONS", { "access-control-request-method": "POST" }, true],
    ["OPTIONS", {}, false],
    ["GET", { "access-control-request-method": "POST" }, false],
  ])("%s %o → %s", (method, headers, expected) => {
    expect(isPreflight(req(method, headers))).toBe(expected);
  });
});
