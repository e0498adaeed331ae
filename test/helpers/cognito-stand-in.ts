/**
 * A small Cognito stand-in on loopback for the integration suite: `/oauth2/authorize` (signs a configured user
 * in at once), `/oauth2/token` (authorization_code with PKCE S256, refresh_token), `/oauth2/revoke` and the
 * JWKS. It checks what Cognito checks: client id, client secret (HTTP Basic), the exact redirect_uri, the PKCE
 * verifier, single use of codes, revoked refresh tokens. With `rotation` set it rotates refresh tokens the way an app
 * client with RefreshTokenRotation does: every refresh answers with a new refresh token, and the one presented
 * keeps working for `graceSeconds` after its first use (so retries and racing refreshes succeed), then is refused.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { accessClaims, idClaims, sign } from "./tokens";
import type { Issuer, UserSpec } from "./tokens";

export interface StandInOptions {
  issuer: Issuer;
  clientSecret?: string;
  /** Exact callback URLs allowed for the client. */
  callbackUrls: string[];
}

interface PendingCode {
  redirectUri: string;
  challenge: string;
  nonce: string | null;
  user: UserSpec;
}

export class CognitoStandIn {
  server!: Server;
  url = "";
  /** The user the next `/oauth2/authorize` signs in. */
  user: UserSpec = { email: "user@example.com" };
  /** Lifetime of issued id/access tokens, seconds. */
  ttl = 3600;
  /** `ok`, `error` (500), `hang` (never answers), `refuse` (400 invalid_grant on every token call). */
  mode: "ok" | "error" | "hang" | "refuse" = "ok";
  /** Every request seen: path, form body, authorization header. */
  calls: { path: string; form: Record<string, string>; authorization?: string }[] = [];
  revoked = new Set<string>();
  /** Refresh token rotation (AWS::Cognito::UserPoolClient RefreshTokenRotation); absent: the token is reused. */
  rotation?: { graceSeconds: number };
  /** When each rotated-out refresh token was first used (ms, on the possibly faked `Date`). */
  private retiredAt = new Map<string, number>();
  private codes = new Map<string, PendingCode>();
  private refreshTokens = new Map<string, UserSpec>();
  private keys: Record<string, unknown>[];

  constructor(readonly opts: StandInOptions) {
    this.keys = [opts.issuer.key.jwk];
  }

  /** Adds a key to the JWKS (key rotation). */
  addKey(jwk: Record<string, unknown>): void {
    this.keys.push(jwk);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const body = await new Promise<string>((resolve) => {
      let b = "";
      req.on("data", (c: Buffer) => (b += c.toString()));
      req.on("end", () => resolve(b));
    });
    const form = Object.fromEntries(new URLSearchParams(body));
    this.calls.push({ path: url.pathname, form, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (this.mode === "hang" && url.pathname !== "/oauth2/authorize") return; // never answers
    if (this.mode === "error" && url.pathname !== "/oauth2/authorize") return json(res, 500, { error: "internal" });
    if (url.pathname.endsWith("/.well-known/jwks.json")) return json(res, 200, { keys: this.keys });
    if (url.pathname === "/oauth2/authorize") return this.authorize(url, res);
    if (url.pathname === "/oauth2/token") return this.token(req, form, res);
    if (url.pathname === "/oauth2/revoke") {
      if (!this.clientOk(req, form)) return json(res, 400, { error: "invalid_client" });
      if (form.token) this.revoked.add(form.token);
      return json(res, 200, {});
    }
    json(res, 404, { error: "not_found" });
  }

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get("redirect_uri") ?? "";
    if (q.get("client_id") !== this.opts.issuer.clientId) return json(res, 400, { error: "invalid_client" });
    if (!this.opts.callbackUrls.includes(redirectUri)) return json(res, 400, { error: "redirect_mismatch" });
    if (q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || !q.get("code_challenge"))
      return json(res, 400, { error: "invalid_request" });
    const code = randomUUID();
    this.codes.set(code, { redirectUri, challenge: q.get("code_challenge")!, nonce: q.get("nonce"), user: { ...this.user } });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    if (q.get("state") !== null) back.searchParams.set("state", q.get("state")!);
    res.writeHead(302, { location: back.toString() }).end();
  }

  private clientOk(req: IncomingMessage, form: Record<string, string>): boolean {
    if (form.client_id !== this.opts.issuer.clientId) return false;
    if (!this.opts.clientSecret) return true;
    const expected = `Basic ${Buffer.from(`${this.opts.issuer.clientId}:${this.opts.clientSecret}`).toString("base64")}`;
    return req.headers.authorization === expected;
  }

  private issue(user: UserSpec, nonce: string | null, refreshToken?: string): Record<string, unknown> {
    const iss = this.opts.issuer;
    const u = { ...user, ttl: this.ttl, ...(nonce ? { nonce } : {}) };
    const out: Record<string, unknown> = {
      id_token: sign(idClaims(iss, u), iss.key),
      access_token: sign(accessClaims(iss, u), iss.key),
      token_type: "Bearer",
      expires_in: this.ttl,
    };
    if (refreshToken === undefined) {
      const rt = `rt-${randomUUID()}-${randomUUID()}`;
      this.refreshTokens.set(rt, user);
      out.refresh_token = rt;
    }
    return out;
  }

  private token(req: IncomingMessage, form: Record<string, string>, res: ServerResponse): void {
    if (req.headers["content-type"] !== "application/x-www-form-urlencoded") return json(res, 400, { error: "invalid_request" });
    if (!this.clientOk(req, form)) return json(res, 401, { error: "invalid_client" });
    if (this.mode === "refuse") return json(res, 400, { error: "invalid_grant" });
    if (form.grant_type === "authorization_code") {
      const pending = this.codes.get(form.code ?? "");
      this.codes.delete(form.code ?? ""); // single use, even when the rest is wrong
      if (!pending || pending.redirectUri !== form.redirect_uri) return json(res, 400, { error: "invalid_grant" });
      const challenge = createHash("sha256").update(form.code_verifier ?? "").digest("base64url");
      if (challenge !== pending.challenge) return json(res, 400, { error: "invalid_grant" });
      return json(res, 200, this.issue(pending.user, pending.nonce));
    }
    if (form.grant_type === "refresh_token") {
      const rt = form.refresh_token ?? "";
      const user = this.refreshTokens.get(rt);
      if (!user || this.revoked.has(rt)) return json(res, 400, { error: "invalid_grant" });
      if (!this.rotation) return json(res, 200, this.issue(user, null, rt));
      const retired = this.retiredAt.get(rt);
      if (retired !== undefined && Date.now() > retired + this.rotation.graceSeconds * 1000) return json(res, 400, { error: "invalid_grant" });
      if (retired === undefined) this.retiredAt.set(rt, Date.now());
      // A new refresh token every time, also for a retry inside the grace period.
      return json(res, 200, this.issue(user, null));
    }
    json(res, 400, { error: "unsupported_grant_type" });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** A browser-like cookie jar for Set-Cookie values (Max-Age=0 deletes). */
export class CookieJar {
  cookies = new Map<string, { value: string; attrs: string }>();

  apply(setCookies: string[]): void {
    for (const sc of setCookies) {
      const [pair = "", ...attrs] = sc.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0(;|$)/i.test(attrs.join(";").replace(/\s/g, "") + ";")) this.cookies.delete(name);
      else this.cookies.set(name, { value, attrs: attrs.join(";").trim() });
    }
  }

  header(): string {
    return [...this.cookies].map(([n, c]) => `${n}=${c.value}`).join("; ");
  }
}
