// The sample site's only script. The token cookies are HttpOnly, so it cannot read them (try document.cookie);
// it asks the demo origin instead, which sees the identity check-auth forwarded with the request.
"use strict";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function formatClaim(name, value) {
  if ((name === "exp" || name === "iat" || name === "auth_time") && typeof value === "number") {
    const secondsLeft = value - Math.floor(Date.now() / 1000);
    const when = new Date(value * 1000).toLocaleTimeString();
    return name === "exp" ? `${value} (${when}, ${secondsLeft >= 0 ? `in ${secondsLeft} s` : "expired"})` : `${value} (${when})`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

async function showWhoami() {
  const target = document.getElementById("whoami");
  if (!target) return;
  const res = await fetch("/api/whoami.json", { headers: { accept: "application/json" } });
  const data = await res.json().catch(() => ({}));
  target.replaceChildren();
  if (!res.ok || !data.signedIn) {
    target.append(el("p", {}, `Not signed in (the API answered ${res.status}).`));
    return;
  }
  const c = data.claims;
  document.getElementById("user").textContent = c.email || c["cognito:username"];
  const groups = document.getElementById("groups");
  for (const g of c["cognito:groups"] || []) groups.append(el("span", { class: "badge" }, g));
  const claims = el("table", { id: "claims" });
  for (const [name, value] of Object.entries(c)) claims.append(el("tr", {}, el("th", {}, name), el("td", { "data-claim": name }, formatClaim(name, value))));
  const headers = el("table", { id: "identity-headers" });
  for (const [name, value] of Object.entries(data.identityHeaders)) headers.append(el("tr", {}, el("th", {}, name), el("td", {}, value)));
  headers.append(el("tr", {}, el("th", {}, "x-auth-id-token"), el("td", {}, data.idTokenReceived || "–")));
  target.append(
    el("h2", {}, "Claims of your id token"),
    claims,
    el("h2", {}, "Identity headers the origin received"),
    headers,
    el("p", { class: "muted" }, `document.cookie as this page sees it: "${document.cookie}" — the tokens are HttpOnly.`),
  );
}

async function callApi() {
  const out = document.getElementById("api-result");
  const res = await fetch("/api/whoami.json", { headers: { accept: "application/json" } });
  const text = await res.text();
  out.textContent = `HTTP ${res.status}\n${text}`;
}

document.addEventListener("DOMContentLoaded", () => {
  showWhoami().catch((err) => console.error(err));
  const button = document.getElementById("call-api");
  if (button) button.addEventListener("click", () => callApi().catch((err) => console.error(err)));
});
