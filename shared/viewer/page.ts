/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * The look of every page the edge generates (error pages, the sign-out confirmation): one small inline stylesheet
 * and one layout, in the style of the sign-in page (local/sign-in-page.ts: a white card on a grey page, the same
 * font, colours and buttons). shared/edge/responses.ts renders with it in Lambda@Edge; the CloudFront Function
 * renders with it at run time (shared/function/check.ts) from texts the build escaped (shared/function/config.ts).
 *
 * The CloudFront Function does not carry the stylesheet in its code (at most 10 KB, which its rules need): it lays
 * out its pages with an empty `<style></style>` (`STYLE_SLOT`), and its handler fills the slot with the stylesheet
 * from its KeyValueStore (`PAGE_STYLE_KEY`, put there by the build next to the session key), reading it only for
 * an HTML page it answers with. A store without it shows the page unstyled, never broken.
 */
import { escapeHtml } from "./html";

/**
 * The one stylesheet of the generated pages, inline (no request, nothing to host). The first link of a page's
 * links, and a form's button, is the primary action.
 */
export const PAGE_STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:3rem 1rem;color:#1f2328;background:#f6f8fa}" +
  "main{max-width:27rem;margin:auto;padding:1.5rem;background:#fff;border:1px solid #d0d7de;border-radius:10px;overflow-wrap:anywhere}" +
  "h1{font-size:1.4rem;margin:0 0 .5rem}small{color:#5b6470}a{color:#0b5cad}" +
  "nav a,button{display:inline-block;font:inherit;font-weight:600;padding:.4rem 1rem;margin:0 .5rem .5rem 0;border:1px solid #0b5cad;border-radius:6px;background:#fff;color:#0b5cad;text-decoration:none;cursor:pointer}" +
  "nav a:first-child,button{background:#0b5cad;color:#fff}";

/** The CloudFront Function's KeyValueStore key that holds `PAGE_STYLE`. */
export const PAGE_STYLE_KEY = "page-style";

/** The style element of a page laid out without its stylesheet; the function's handler fills it in. */
export const STYLE_SLOT = "<style></style>";

/** A page's links as HTML (`href` and text escaped here); same-origin paths only: callers pass our own paths. */
export function linksHtml(links: readonly (readonly [string, string])[]): string {
  const out: string[] = [];
  for (let i = 0; i < links.length; i++) out.push('<a href="' + escapeHtml(links[i]![0]) + '">' + escapeHtml(links[i]![1]) + "</a>");
  return out.join(" ");
}

/**
 * A whole page: `title` and `main` are HTML (escaped by the caller); the title is also the page's heading. `style`:
 * the stylesheet (`PAGE_STYLE`), or "" for the CloudFront Function, whose handler fills it in (`STYLE_SLOT`).
 */
export function pageHtml(title: string, main: string, style: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>' +
    title +
    "</title><style>" +
    style +
    "</style></head><body><main><h1>" +
    title +
    "</h1>" +
    main +
    "</main></body></html>"
  );
}

/**
 * An error page: the sentence, who is signed in (`user`, plain text, escaped here: a 403 names the account that
 * was refused), the ways out (`nav`, HTML from `linksHtml`) and the status. `title`, `sentence` and `nav` are HTML;
 * `style` as for `pageHtml`.
 */
export function errorPageHtml(status: number, title: string, sentence: string, nav: string, style: string, user?: string): string {
  return pageHtml(
    title,
    "<p>" + sentence + "</p>" + (user ? "<p>Signed in as <b>" + escapeHtml(user) + "</b>.</p>" : "") + (nav ? "<nav>" + nav + "</nav>" : "") + "<p><small>Error " + status + "</small></p>",
    style,
  );
}
