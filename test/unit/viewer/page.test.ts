import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../../shared/viewer/html";
import { PAGE_STYLE, STYLE_SLOT, errorPageHtml, linksHtml, pageHtml } from "../../../shared/viewer/page";

describe("the generated pages' layout", () => {
  it.each<[string, string, string]>([
    ["element breakers", "<b>&</b>", "&#60;b&#62;&#38;&#60;&#47;b&#62;"],
    ["attribute breakers", `"' \`=`, "&#34;&#39; &#96;&#61;"],
    ["plain text", "jane+x@example.com", "jane+x@example.com"],
  ])("escapeHtml: %s", (_, input, out) => {
    expect(escapeHtml(input)).toBe(out);
  });

  it("links: escaped href and text, the first one first", () => {
    expect(linksHtml([["/a?b=1", "A & B"], ['/"x', "<i>"]])).toBe('<a href="&#47;a?b&#61;1">A &#38; B</a> <a href="&#47;&#34;x">&#60;i&#62;</a>');
    expect(linksHtml([])).toBe("");
  });

  it("a page: the stylesheet inline, the title as heading", () => {
    const p = pageHtml("T", "<p>x</p>", PAGE_STYLE);
    expect(p).toContain(`<title>T</title><style>${PAGE_STYLE}</style>`);
    expect(p).toContain("<main><h1>T</h1><p>x</p></main>");
  });

  it("a page laid out without its stylesheet has the one slot the CloudFront Function's handler fills", () => {
    const p = pageHtml("T", "<p>x</p>", "");
    expect(p.split(STYLE_SLOT)).toHaveLength(2);
    expect(p.replace(STYLE_SLOT, `<style>${PAGE_STYLE}</style>`)).toBe(pageHtml("T", "<p>x</p>", PAGE_STYLE));
  });

  it("an error page: sentence, who is signed in (escaped), links, status", () => {
    expect(errorPageHtml(403, "Denied", "No.", '<a href="/">Home</a>', PAGE_STYLE, `<script>"`)).toContain(
      '<h1>Denied</h1><p>No.</p><p>Signed in as <b>&#60;script&#62;&#34;</b>.</p><nav><a href="/">Home</a></nav><p><small>Error 403</small></p>',
    );
    expect(errorPageHtml(400, "Bad", "No.", "", PAGE_STYLE)).toContain("<h1>Bad</h1><p>No.</p><p><small>Error 400</small></p>");
  });
});
