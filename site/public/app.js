// The sample site's only script. It asks the demo origin who is signed in (the origin sees the identity
// check-auth forwarded with the request), so it works whether or not the token cookies are readable by scripts:
// in the default (static) mode they are all HttpOnly; in SPA mode LastAuthUser and the id and access tokens are
// readable on purpose, and only the refresh token is HttpOnly.
"use strict";

const AMPLIFY_PREFIX = "CognitoIdentityServiceProvider.";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function formatClaim(name, value) {
  if ((name === "exp" || name === "iat" || name === "auth_time") && typeof value === "number") {
    const when = new Date(value * 1000).toLocaleTimeString();
    if (name !== "exp") return `${value} (${when})`;
    const secondsLeft = value - Math.floor(Date.now() / 1000);
    return `${value} (${when}, ${secondsLeft >= 0 ? `expires in ${secondsLeft} s` : "expired: reload and refresh-auth gets new tokens"})`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The cookies scripts on this page can read: [name, value] pairs, names percent-decoded as js-cookie does. */
function readableCookies() {
  if (!document.cookie) return [];
  return document.cookie.split("; ").map((pair) => {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // keep it as sent
    }
    return [decoded, eq === -1 ? "" : pair.slice(eq + 1)];
  });
}

/** What this page can see of the session cookies, said the way it is in this mode. */
function cookieNote() {
  const visible = readableCookies().filter(([name]) => name.startsWith(AMPLIFY_PREFIX));
  if (visible.length === 0) {
    return el("p", { class: "muted", id: "cookie-note" }, "document.cookie shows none of the session cookies: they are all HttpOnly, so no script on this page can read the tokens.");
  }
  const table = el("table", { id: "readable-cookies" });
  for (const [name, value] of visible) {
    const shown = value.length > 48 ? `${value.slice(0, 40)}… (${value.length} characters)` : value;
    table.append(el("tr", {}, el("th", {}, name.slice(AMPLIFY_PREFIX.length)), el("td", {}, shown)));
  }
  return el(
    "div",
    { id: "cookie-note" },
    el("h2", {}, "Cookies this page's scripts can read"),
    el("p", { class: "muted" }, "SPA mode: LastAuthUser and the id and access token cookies are readable by scripts by design (Amplify JS reads the session from them). The refresh token cookie stays HttpOnly, so it is not listed. Names without the CognitoIdentityServiceProvider. prefix:"),
    table,
  );
}

/** Keeps the `exp` row of the claims table counting down. */
function countDown(cell, exp) {
  const tick = () => {
    cell.textContent = formatClaim("exp", exp);
    if (exp * 1000 > Date.now()) setTimeout(tick, 1000 - (Date.now() % 1000));
  };
  tick();
}

/**
 * What let this request through, in words, from what the demo origin reports (`localStack`: the local stack's hot
 * path, provider and mode). Deployed there is no demo origin, and nothing else this page can see tells the hot
 * path, so it says that instead of guessing.
 */
function whatRan(stack, status) {
  if (!stack || typeof stack !== "object") {
    return [
      el("p", { id: "what-ran-unknown" }, `This page cannot tell which check ran: only the local stack's demo origin (npm start) reports it, and /api/whoami.json answered ${status} here. Either hot path lets this page through only for a signed-in visitor.`),
    ];
  }
  const check =
    stack.hotPath === "cloudfront-function"
      ? "The CloudFront Function (hotPath cloudfront-function) checked your session cookie, which parse-auth (or refresh-auth) signed with HMAC after verifying your tokens. No Lambda@Edge ran for this page."
      : "check-auth, a Lambda@Edge function (hotPath lambda-edge), verified your tokens' signatures and claims.";
  const provider =
    stack.provider === "oidc"
      ? "You signed in at an OpenID Connect provider (provider type oidc; locally panva's oidc-provider)."
      : "You signed in at the Cognito Hosted UI (locally cognito-local, behind the Hosted UI front).";
  const mode =
    stack.mode === "spa"
      ? "SPA mode: the id and access token cookies are readable by scripts (Amplify JS reads them); the refresh token stays HttpOnly."
      : "Static mode: every token cookie is HttpOnly.";
  return [el("p", { id: "what-ran-check" }, check), el("p", { id: "what-ran-provider" }, provider), el("p", { id: "what-ran-mode" }, mode)];
}

async function showWhoami() {
  const target = document.getElementById("whoami");
  if (!target) return;
  const res = await fetch("/api/whoami.json", { headers: { accept: "application/json" } });
  const data = await res.json().catch(() => ({}));
  const ran = document.getElementById("what-ran");
  if (ran) ran.replaceChildren(el("h2", {}, "What checked this request"), ...whatRan(res.ok ? data.localStack : undefined, res.status));
  target.replaceChildren();
  if (res.status === 401) {
    target.append(el("p", {}, "Not signed in (the API answered 401)."));
    return;
  }
  if (!res.ok) {
    target.append(el("p", {}, `The demo origin is not here (/api/whoami.json answered ${res.status}): it runs with npm start, so this page cannot show what the origin received.`));
    return;
  }
  if (!data.signedIn) {
    target.append(el("p", {}, "The origin received no id token with this request (forwardIdentity is off), so it cannot show who you are."));
    return;
  }
  const c = data.claims;
  // What the edge told the origin, whichever provider signed the user in; the claims when it forwards nothing.
  const h = data.identityHeaders || {};
  const decode = (v) => { try { return decodeURIComponent(v); } catch { return v; } };
  document.getElementById("user").textContent = c.email || (h["x-auth-user"] ? decode(h["x-auth-user"]) : c["cognito:username"] || c.preferred_username || c.sub);
  const groups = document.getElementById("groups");
  const names = h["x-auth-groups"] ? h["x-auth-groups"].split(",").map(decode) : c["cognito:groups"] || c.groups || [];
  for (const g of names) groups.append(el("span", { class: "badge" }, g));
  const claims = el("table", { id: "claims" });
  for (const [name, value] of Object.entries(c)) {
    const cell = el("td", { "data-claim": name }, formatClaim(name, value));
    claims.append(el("tr", {}, el("th", {}, name), cell));
    if (name === "exp" && typeof value === "number") countDown(cell, value);
  }
  const headers = el("table", { id: "identity-headers" });
  for (const [name, value] of Object.entries(data.identityHeaders)) headers.append(el("tr", {}, el("th", {}, name), el("td", {}, value)));
  headers.append(el("tr", {}, el("th", {}, "x-auth-id-token"), el("td", {}, data.idTokenReceived || "–")));
  target.append(
    el("h2", {}, "Claims of your id token"),
    claims,
    el("h2", {}, "Identity headers the origin received"),
    headers,
    cookieNote(),
  );
}

/** The public page's session line: signed in as whom, or signed out (what a protected JSON path answers). */
async function showSessionStatus() {
  const target = document.getElementById("session-status");
  if (!target) return;
  let res;
  try {
    res = await fetch("/api/whoami.json", { headers: { accept: "application/json" } });
  } catch {
    target.textContent = "Could not check whether you are signed in (the request failed).";
    return;
  }
  const data = await res.json().catch(() => ({}));
  if (res.ok && data.signedIn) {
    const c = data.claims || {};
    target.dataset.state = "signed-in";
    target.replaceChildren(`You are signed in as ${c.email || c["cognito:username"]}. `, el("a", { href: "/signout" }, "Sign out"));
  } else if (res.status === 401) {
    target.dataset.state = "signed-out";
    target.replaceChildren("You are signed out. ", el("a", { href: "/" }, "Sign in"), " (the protected /api/whoami.json answered 401).");
  } else {
    target.textContent = `Could not check whether you are signed in (the API answered ${res.status}).`;
  }
}

async function callApi() {
  const out = document.getElementById("api-result");
  const res = await fetch("/api/whoami.json", { headers: { accept: "application/json" } });
  const text = await res.text();
  out.textContent = `HTTP ${res.status}\n${text}`;
}

document.addEventListener("DOMContentLoaded", () => {
  showWhoami().catch((err) => console.error(err));
  showSessionStatus().catch((err) => console.error(err));
  const button = document.getElementById("call-api");
  if (button) button.addEventListener("click", () => callApi().catch((err) => console.error(err)));
});
