import { describe, expect, it } from "vitest";
import { originUri } from "../../../shared/viewer/index-rewrite";

describe("originUri", () => {
  it.each<[string, boolean, boolean, string | undefined]>([
    ["/", true, false, "/index.html"],
    ["/docs/", true, false, "/docs/index.html"],
    ["/docs", true, false, "/docs/index.html"],
    ["/docs/a.html", true, false, undefined],
    ["/v1.2/docs", true, false, "/v1.2/docs/index.html"],
    ["/docs", false, false, undefined],
    ["/docs/", false, false, undefined],
    ["/app/route", true, true, "/index.html"],
    ["/app/route", false, true, "/index.html"],
    ["/app/main.js", true, true, undefined],
    ["/", true, true, "/index.html"],
    ["/", false, true, undefined],
  ])("%s (indexRewrite %s, spaFallback %s) → %s", (uri, indexRewrite, spaFallback, expected) => {
    expect(originUri(uri, { indexRewrite, spaFallback })).toBe(expected);
  });
});
