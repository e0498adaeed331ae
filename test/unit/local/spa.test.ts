/**
 * The SPA-mode demo page's build helpers and `EDGE_AUTH_MODE` (the page itself runs in test/e2e/spa-amplify.test.ts).
 */
import { describe, expect, it } from "vitest";
import { scriptJson, spaHtml } from "../../../local/spa/build";
import { modeFromEnv } from "../../../local/start";

describe("SPA demo page", () => {
  it("puts the config into the page as JSON that cannot close its script element", () => {
    const json = scriptJson({ a: "</script><!--", b: "\u2028" });
    expect(json).not.toMatch(/<|\u2028/);
    expect(JSON.parse(json)).toEqual({ a: "</script><!--", b: "\u2028" });
    const html = spaHtml({ userPoolId: "local_abc", userPoolClientId: "</script>" });
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('"userPoolId":"local_abc"');
  });

  it.each([
    [undefined, "static"],
    ["", "static"],
    ["static", "static"],
    ["spa", "spa"],
  ] as const)("EDGE_AUTH_MODE=%s is %s", (value, mode) => {
    expect(modeFromEnv(value)).toBe(mode);
  });

  it.each(["SPA", "token", " spa"])("EDGE_AUTH_MODE=%s is refused", (value) => {
    expect(() => modeFromEnv(value)).toThrow(/is not a mode/);
  });
});
