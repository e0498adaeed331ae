/**
 * The SPA-mode demo page's build helpers (the page itself runs in test/e2e/spa-amplify.test.ts; `EDGE_AUTH_MODE` is
 * tested with the other variables in test/unit/local/start.test.ts).
 */
import { describe, expect, it } from "vitest";
import { scriptJson, spaHtml } from "../../../local/spa/build";

describe("SPA demo page", () => {
  it("puts the config into the page as JSON that cannot close its script element", () => {
    const json = scriptJson({ a: "</script><!--", b: "\u2028" });
    expect(json).not.toMatch(/<|\u2028/);
    expect(JSON.parse(json)).toEqual({ a: "</script><!--", b: "\u2028" });
    const html = spaHtml({ userPoolId: "local_abc", userPoolClientId: "</script>" });
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('"userPoolId":"local_abc"');
  });
});
