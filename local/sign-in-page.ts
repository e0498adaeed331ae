/**
 * The local Hosted UI's sign-in page, served by the front (local/auth-front.ts) in place of cognito-local's bare
 * form. cognito-local still decides everything: the front asks it first and only changes how its answer looks.
 *
 * The form posts what cognito-local's own form posts (`username`, `password` and the authorization request's
 * parameters, among them `code_challenge` and `code_challenge_method=S256`) to `POST /oauth2/authorize`, plus every
 * other parameter of the request (`nonce`, ...), which cognito-local ignores.
 *
 * The local OpenID Connect provider (local/oidc-provider.ts) shows the same form on its own login step, posting
 * there instead (`action`), and its other pages in the same style (`localPage`).
 */
import { createHash } from "node:crypto";
import type { DemoUser } from "./seed";

/** A page to send: status, headers (lower-case names) and HTML. */
export interface HtmlPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What cognito-local answered to `GET` or `POST /oauth2/authorize`. */
export interface AuthorizeAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** The fields the page itself asks for; everything else of the request rides along as hidden fields. */
const OWN_FIELDS = new Set(["username", "password"]);

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
:root { --accent: #0b5cad; --muted: #5b6470; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
main { max-width: 30rem; margin: 3rem auto; padding: 0 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1.5rem; margin-bottom: 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
.sub, .foot, .hint { color: var(--muted); font-size: .9rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input[type=text], input[type=password] { width: 100%; font: inherit; padding: .5rem .6rem; border: 1px solid var(--line); border-radius: 6px; }
input:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
button { font: inherit; cursor: pointer; border-radius: 6px; }
button[type=submit] { width: 100%; margin-top: 1.25rem; padding: .55rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; font-weight: 600; }
.error { background: #ffebe9; border: 1px solid #ff8182; border-radius: 6px; padding: .5rem .75rem; margin: .75rem 0 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
.accounts { overflow-x: auto; }
td, th { text-align: left; padding: .35rem .3rem; border-bottom: 1px solid #eaeef2; vertical-align: middle; white-space: nowrap; }
th { color: var(--muted); font-weight: 500; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
button.use { padding: .15rem .6rem; border: 1px solid var(--accent); background: #fff; color: var(--accent); }
a { color: var(--accent); }
.error + .hint { margin-top: .75rem; }
`;

/** Fills the form from a demo account's row; no network, no storage. */
const SCRIPT = `for (const b of document.querySelectorAll("button[data-username]")) b.addEventListener("click", () => {
  document.getElementById("username").value = b.dataset.username;
  document.getElementById("password").value = b.dataset.password;
  document.getElementById("password").focus();
});`;

const hash = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;

/** Inline style and script allowed by hash, nothing else loads; the form may post anywhere (the answer redirects
 *  to the site, and `form-action` would apply to that redirect too). */
const CSP = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; frame-ancestors 'none'`;

/** What the foot of a page says serves it. */
const COGNITO_FOOT = "The local stack's stand-in for the Cognito Hosted UI (cognito-local behind local/auth-front.ts).";

/**
 * A page in the local sign-in style: `main` is trusted HTML (callers escape what they put in it), with the demo
 * accounts' fill-in script when `withScript`, and the sentence `foot` (default: the Hosted UI front's) below.
 */
export function localPage(status: number, title: string, main: string, withScript: boolean, foot = COGNITO_FOOT): HtmlPage {
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · local Hosted UI</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<main>
${main}
<p class="foot">${esc(foot)}</p>
</main>
${withScript ? `<script>${SCRIPT}</script>\n` : ""}</body>
</html>
`;
  return {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
    },
    body,
  };
}

/** The host of the request's `redirect_uri`, shown so the user sees which site asks. */
function siteOf(params: readonly (readonly [string, string])[]): string | undefined {
  const redirect = params.find(([k]) => k === "redirect_uri")?.[1];
  try {
    return redirect ? new URL(redirect).host : undefined;
  } catch {
    return undefined;
  }
}

export interface SignInPageInput {
  /** Every parameter of the authorization request, in order (the query of the GET, or the posted form). */
  params: readonly (readonly [string, string])[];
  /** The accounts to offer (local/seed.ts's DEMO_USERS); none, no table. */
  users: readonly DemoUser[];
  /** A message above the form, e.g. cognito-local's "Incorrect username or password." */
  error?: string;
  /** Put back into the username field after a failed attempt. */
  username?: string;
  /** Where the form posts. Default `/oauth2/authorize` (cognito-local's form, through the front). */
  action?: string;
  /** The site shown as asking ("to continue to …"). Default: the host of the `redirect_uri` parameter. */
  site?: string;
  /** The sentence below the form. Default: the Hosted UI front's. */
  foot?: string;
}

/** The sign-in form: `username`, `password`, one submit button, every other parameter as a hidden field. */
export function signInPage(input: SignInPageInput): HtmlPage {
  const hidden = input.params
    .filter(([k]) => !OWN_FIELDS.has(k))
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("\n");
  const site = input.site ?? siteOf(input.params);
  const rows = input.users
    .map(
      (u) =>
        `<tr><td><code>${esc(u.email)}</code></td><td><code>${esc(u.password)}</code></td><td>${esc(u.groups.join(", "))}</td>` +
        `<td><button type="button" class="use" data-username="${esc(u.email)}" data-password="${esc(u.password)}" aria-label="Use ${esc(u.email)}">Use</button></td></tr>`,
    )
    .join("\n");
  const main = `<div class="card">
<h1>Sign in</h1>
<p class="sub">${site ? `to continue to <b>${esc(site)}</b>` : "to continue"}</p>
${input.error ? `<p class="error" role="alert">${esc(input.error)}</p>\n` : ""}<form method="post" action="${esc(input.action ?? "/oauth2/authorize")}">
${hidden}
<label for="username">Email</label>
<input id="username" name="username" type="text" inputmode="email" autocomplete="username" autocapitalize="none" spellcheck="false" required${input.username ? ` value="${esc(input.username)}"` : " autofocus"}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${input.username ? " autofocus" : ""}>
<button type="submit">Sign in</button>
</form>
</div>
${
  rows
    ? `<div class="card" id="demo-accounts">
<h2>Demo accounts</h2>
<p class="hint">Created by <code>npm start</code> (local/seed.ts). <b>Use</b> fills the form.</p>
<div class="accounts"><table>
<tr><th>Email</th><th>Password</th><th>Groups</th><th></th></tr>
${rows}
</table></div>
</div>`
    : ""
}`;
  return localPage(200, "Sign in", main, rows !== "", input.foot);
}

/** A readable page for an authorization request cognito-local refused, with a way back when there is one. */
export function refusedPage(status: number, message: string, retryUrl?: string): HtmlPage {
  const main = `<div class="card">
<h1>Sign-in request refused</h1>
<p class="error" role="alert">${esc(message)}</p>
<p class="hint">cognito-local checks an authorization request's client_id, redirect_uri (exactly one of the app
client's callback URLs), response_type=code and PKCE (code_challenge, S256).${
    retryUrl ? "" : " Open the site again at its localhost address to start a new sign-in."
  }</p>
${retryUrl ? `<p><a href="${esc(retryUrl)}">Back to the sign-in form</a></p>` : ""}
</div>`;
  return localPage(status, "Sign-in request refused", main, false);
}

/** cognito-local's error sentence in its own form (`<p style="color:red">…</p>`). */
function formError(body: string): string | undefined {
  return /<p style="color:red">([^<]*)<\/p>/.exec(body)?.[1]?.trim() || undefined;
}

/**
 * What the browser gets for cognito-local's answer to `GET` (no `posted`) or `POST /oauth2/authorize` (`posted`:
 * the submitted form): our page for its form (with its error after a failed POST) and for its JSON refusals;
 * undefined to pass the answer through unchanged (the 302 back to the site with the code).
 */
export function authorizePage(answer: AuthorizeAnswer, request: { params: readonly (readonly [string, string])[]; posted: boolean }, users: readonly DemoUser[]): HtmlPage | undefined {
  const params = request.params.filter(([k]) => !OWN_FIELDS.has(k));
  if (answer.status === 200 && answer.contentType.includes("text/html")) {
    if (!request.posted) return signInPage({ params, users });
    const username = request.params.find(([k]) => k === "username")?.[1];
    return signInPage({ params, users, error: formError(answer.body) ?? "Sign-in failed.", ...(username ? { username } : {}) });
  }
  if (answer.status >= 400 && answer.status < 500) {
    let message = `cognito-local answered ${answer.status}.`;
    try {
      const json = JSON.parse(answer.body) as { error?: string; error_description?: string };
      message = json.error_description ?? json.error ?? message;
    } catch {
      // not JSON: keep the status line
    }
    const retry = request.posted ? `/oauth2/authorize?${new URLSearchParams(params.map(([k, v]) => [k, v]))}` : undefined;
    return refusedPage(answer.status, message, retry);
  }
  return undefined;
}
