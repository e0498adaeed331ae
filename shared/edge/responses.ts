/**
 * Every response the edge functions generate: redirects, small HTML pages and the 401 JSON for API calls.
 * `errorResponse` is the one place an AuthError becomes an HTTP response. Every generated response carries
 * `Cache-Control: no-cache, no-store` and the site's security headers; every reflected value is HTML-escaped.
 */
import type { ResolvedConfig } from "../config/types";
import type { Respond } from "./request";
import { ERRORS } from "../outcomes/errors";
import type { ErrorCode } from "../outcomes/errors";
import { escapeHtml } from "../viewer/html";
import { PAGE_STYLE, errorPageHtml, linksHtml, pageHtml } from "../viewer/page";

/** Lambda@Edge refuses generated bodies over 40 KB (viewer request); we stay well under. */
export const MAX_BODY_BYTES = 32 * 1024;

function baseHeaders(config: ResolvedConfig): Record<string, string> {
  return { ...config.headers, "cache-control": "no-cache, no-store", pragma: "no-cache" };
}

/** A redirect (302 by default; 307 keeps the method of a non-GET request). */
export function redirect(config: ResolvedConfig, location: string, cookies: string[] = [], status: 302 | 303 | 307 = 302): Respond {
  return { kind: "respond", status, headers: { ...baseHeaders(config), location }, cookies };
}

/** A link on a generated page: same-origin paths only (callers pass our own paths). */
export interface PageLink {
  href: string;
  text: string;
}

/** The built-in page (shared/viewer/page.ts, the look both hot paths share): the retry link first, then `links`. */
function page(status: number, title: string, sentence: string, opts: PageOptions): string {
  const all = [...(opts.retry ? [{ href: opts.retry, text: opts.retryText ?? "Try again" }] : []), ...(opts.links ?? [])];
  return errorPageHtml(status, escapeHtml(title), escapeHtml(sentence), linksHtml(all.map((l) => [l.href, l.text] as const)), PAGE_STYLE, opts.user);
}

/** What a page offers besides its sentence. */
interface PageOptions {
  /** Where "Try again" (or `retryText`) goes; a site's template gets it as `{{retry}}`. */
  retry?: string;
  retryText?: string;
  links?: readonly PageLink[];
  /** Who is signed in (plain text, escaped when shown): the 403 names the account that was refused. */
  user?: string;
}

/** Fills a site owner's template: `{{status}}`, `{{title}}`, `{{reason}}` (the sentence: the placeholder keeps its documented name), `{{retry}}`, `{{signOut}}`, all escaped. */
function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(status|title|reason|retry|signOut)\s*\}\}/g, (_, k: string) => escapeHtml(values[k] ?? ""));
}

/** An HTML page with a status; uses the configured template for the status when there is one. */
export function htmlPage(
  config: ResolvedConfig,
  status: number,
  title: string,
  sentence: string,
  opts: PageOptions & { cookies?: string[]; headers?: Record<string, string> } = {},
): Respond {
  const template = config.errorPages[String(status)];
  let body = template
    ? fillTemplate(template, { status: String(status), title, reason: sentence, retry: opts.retry ?? "/", signOut: config.paths.signOut })
    : page(status, title, sentence, opts);
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) body = page(status, title, sentence, opts);
  return {
    kind: "respond",
    status,
    headers: { ...baseHeaders(config), "content-type": "text/html; charset=utf-8", ...opts.headers },
    cookies: opts.cookies ?? [],
    body,
  };
}

/** The response for an error code: an HTML page, or for API requests a small JSON body. */
export function errorResponse(
  config: ResolvedConfig,
  code: ErrorCode,
  opts: PageOptions & { cookies?: string[]; api?: boolean; sentence?: string } = {},
): Respond {
  const e = ERRORS[code];
  const sentence = opts.sentence ?? e.sentence;
  const extra: Record<string, string> = {};
  if (e.status === 401) extra["www-authenticate"] = `Bearer realm="${config.clientId}"`;
  if (e.status === 503) extra["retry-after"] = "5";
  if (opts.api) {
    return {
      kind: "respond",
      status: e.status,
      headers: { ...baseHeaders(config), "content-type": "application/json", ...extra },
      cookies: opts.cookies ?? [],
      body: JSON.stringify({ error: code, message: sentence }),
    };
  }
  return htmlPage(config, e.status, e.title, sentence, { ...opts, cookies: opts.cookies ?? [], headers: extra });
}

/**
 * A 200 page that sends the browser on with a same-site navigation. Used after sign-in when cookies are
 * SameSite=Strict: a redirect chain that began at the Hosted UI would not carry them.
 */
export function navigatePage(config: ResolvedConfig, location: string, cookies: string[]): Respond {
  const url = escapeHtml(location);
  return {
    kind: "respond",
    status: 200,
    headers: { ...baseHeaders(config), "content-type": "text/html; charset=utf-8" },
    cookies,
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${url}"><title>Signed in</title></head><body><p>Signed in. <a href="${url}">Continue</a></p></body></html>`,
  };
}

/**
 * A 200 page asking the user to confirm an action with a button (a same-origin GET to `action`). Used when a
 * sign-out request did not come from this site: a cross-site link must not sign anyone out.
 */
export function confirmPage(config: ResolvedConfig, p: { title: string; text: string; action: string; button: string; cancel: PageLink }): Respond {
  const main = `<p>${escapeHtml(p.text)}</p><form method="get" action="${escapeHtml(p.action)}"><button type="submit">${escapeHtml(p.button)}</button> <a href="${escapeHtml(p.cancel.href)}">${escapeHtml(p.cancel.text)}</a></form>`;
  return {
    kind: "respond",
    status: 200,
    headers: { ...baseHeaders(config), "content-type": "text/html; charset=utf-8" },
    cookies: [],
    body: pageHtml(escapeHtml(p.title), main, PAGE_STYLE),
  };
}
