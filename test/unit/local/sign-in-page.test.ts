/**
 * The local Hosted UI's sign-in page (local/sign-in-page.ts): what it makes of cognito-local's answers, that it
 * keeps every parameter of the authorization request, and that nothing it shows can inject markup.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../../local/seed";
import { authorizePage, refusedPage, signInPage } from "../../../local/sign-in-page";

const params: [string, string][] = [
  ["response_type", "code"],
  ["client_id", "abc123"],
  ["redirect_uri", "http://localhost:3000/parseauth"],
  ["scope", "openid email profile"],
  ["state", "s-1"],
  ["nonce", "n-1"],
  ["code_challenge", "c".repeat(43)],
  ["code_challenge_method", "S256"],
];
const cognitoForm = { status: 200, contentType: "text/html; charset=utf-8", body: "<form>…</form>" };
const wrongPassword = { status: 200, contentType: "text/html; charset=utf-8", body: '<p style="color:red">Incorrect username or password.</p><form></form>' };

/** Hidden fields of a page, in order. */
const hidden = (body: string) => [...body.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]);

describe("local sign-in page", () => {
  it("replaces cognito-local's form: username, password, one submit button, every parameter kept", () => {
    const page = authorizePage(cognitoForm, { params, posted: false }, DEMO_USERS)!;
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain('<form method="post" action="/oauth2/authorize">');
    expect(page.body.match(/name="username"/g)).toHaveLength(1);
    expect(page.body.match(/name="password"/g)).toHaveLength(1);
    expect(page.body.match(/type="submit"/g)).toHaveLength(1);
    expect(hidden(page.body)).toEqual(params);
    expect(page.body).toContain("to continue to <b>localhost:3000</b>");
  });

  it("lists the demo accounts with their passwords and groups", () => {
    const { body } = signInPage({ params, users: DEMO_USERS });
    for (const u of DEMO_USERS) {
      expect(body).toContain(`<code>${u.email}</code>`);
      expect(body).toContain(`<code>${u.password}</code>`);
      expect(body).toContain(`data-username="${u.email}"`);
    }
    expect(signInPage({ params, users: [] }).body).not.toContain("Demo accounts");
  });

  it("after a wrong password: cognito-local's message, the username kept, the password not, the parameters kept", () => {
    const posted: [string, string][] = [...params, ["username", "demo@example.com"], ["password", "wrong"]];
    const page = authorizePage(wrongPassword, { params: posted, posted: true }, DEMO_USERS)!;
    expect(page.status).toBe(200);
    expect(page.body).toContain('<p class="error" role="alert">Incorrect username or password.</p>');
    expect(page.body).toContain('value="demo@example.com"');
    expect(page.body).not.toContain("wrong");
    expect(hidden(page.body)).toEqual(params);
  });

  it.each([
    [{ params, posted: false }, 400, "redirect_uri not registered for this client", undefined],
    [{ params: [...params, ["username", "x"]] as [string, string][], posted: true }, 400, "Missing required fields", `/oauth2/authorize?${new URLSearchParams(params)}`],
  ])("a JSON refusal becomes a readable page (%#)", (request, status, message, retry) => {
    const answer = { status, contentType: "application/json; charset=utf-8", body: JSON.stringify({ error: "invalid_request", error_description: message }) };
    const page = authorizePage(answer, request, DEMO_USERS)!;
    expect(page.status).toBe(status);
    expect(page.body).toContain("Sign-in request refused");
    expect(page.body).toContain(message);
    if (retry) expect(page.body).toContain(`href="${retry.replace(/&/g, "&#38;")}"`);
    else expect(page.body).not.toContain("Back to the sign-in form");
  });

  it.each([
    { status: 302, contentType: "text/plain", body: "Found" },
    { status: 500, contentType: "text/html", body: "boom" },
  ])("passes other answers through (%#)", (answer) => {
    expect(authorizePage(answer, { params, posted: true }, DEMO_USERS)).toBeUndefined();
  });

  it("escapes whatever the request, the users or the error carry", () => {
    const evil = `"><script>alert(1)</script>`;
    const { body } = signInPage({
      params: [["state", evil], [evil, "x"], ["redirect_uri", `http://a/${evil}`]],
      users: [{ email: evil, password: evil, groups: [evil] }],
      error: evil,
      username: evil,
    });
    expect(body).not.toContain("<script>alert");
    expect(body).not.toContain(evil);
    expect(body).toContain("&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(refusedPage(400, evil, `/x?${evil}`).body).not.toContain("<script>alert");
  });

  it("allows exactly its own inline style and script (CSP hashes), nothing else", () => {
    const page = signInPage({ params, users: DEMO_USERS });
    const csp = page.headers["content-security-policy"]!;
    const sha = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.body)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page.body)![1]!;
    expect(csp).toContain(`style-src ${sha(style)}`);
    expect(csp).toContain(`script-src ${sha(script)}`);
    expect(csp).toMatch(/^default-src 'none';/);
    expect(csp).not.toContain("unsafe");
  });
});
