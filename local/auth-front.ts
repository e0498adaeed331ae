/**
 * The thin local "Hosted UI" front: the edge config's `domain` points here. It answers the Hosted UI endpoints
 * cognito-local (5.3.0) lacks and passes everything else (`/oauth2/authorize`, `/oauth2/token`, JWKS) through to
 * cognito-local, with these exceptions:
 *
 * - `/oauth2/authorize`: cognito-local checks the request and the password as before, but the browser sees the
 *   front's own sign-in page (local/sign-in-page.ts: styled, lists the demo accounts, keeps every parameter)
 *   instead of cognito-local's bare form, and a readable page instead of its JSON refusals.
 * - `GET /logout?client_id=…&logout_uri=…`: checks the client and that `logout_uri` is one of its sign-out URLs
 *   (as Cognito does), then redirects there.
 * - `POST /oauth2/revoke` (`token`, `client_id`): revokes through cognito-local's `RevokeToken` API operation,
 *   which removes the refresh token from the user, so a later refresh with it is refused. Answers 200, also for
 *   an unknown token (RFC 7009 §2.2).
 * - OIDC `nonce`: cognito-local ignores the `nonce` of `/oauth2/authorize`, while Cognito puts it in the id
 *   token, and the edge functions require it there. The front remembers the nonce of each authorization request
 *   (by `state`, then by the code issued for it) and, on the code exchange, re-signs the id token with the nonce
 *   added, using cognito-local's own signing key (the same in every install, so the JWKS stays valid).
 * - Refresh tokens: cognito-local finds the user by a refresh token whichever app client presents it, while Cognito
 *   (and RFC 6749 §6) refuses a refresh token issued to another client. The front remembers which client each
 *   refresh token it passed on was issued to (by its SHA-256) and answers a refresh with another client's token
 *   with `invalid_grant`, as Cognito does; so one site's refresh token is no key to another site's session.
 */
import { createHash, createSign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { CognitoApiError, cognitoApi } from "./cognito";
import type { DemoUser } from "./seed";
import { listen, readBody } from "./server";
import { authorizePage } from "./sign-in-page";
import type { HtmlPage } from "./sign-in-page";

export interface AuthFront {
  /** `http://localhost:<port>`: the edge config's `domain`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface AuthFrontOptions {
  /** Port to listen on (0: any free port). */
  port: number;
  /** cognito-local's URL, e.g. `http://localhost:9229`. Settable later, so the front can start first. */
  cognitoUrl?: string;
  /** One line per request. */
  log?: (line: string) => void;
  /** Accounts the sign-in page offers (the seeded demo users). Default none. */
  demoUsers?: readonly DemoUser[];
}

/** A bounded map whose entries expire; holds nonces of pending sign-ins. */
class ExpiringMap {
  private readonly entries = new Map<string, { value: string; until: number }>();
  constructor(private readonly ttlMs: number, private readonly max = 1000) {}
  set(key: string, value: string) {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
  }
  take(key: string): string | undefined {
    const e = this.entries.get(key);
    this.entries.delete(key);
    return e && e.until > Date.now() ? e.value : undefined;
  }
  get(key: string): string | undefined {
    const e = this.entries.get(key);
    return e && e.until > Date.now() ? e.value : undefined;
  }
}


function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** cognito-local's private signing key (kid `CognitoLocal`). */
function signingKey(): string {
  const file = join(dirname(require.resolve("cognito-local/package.json")), "lib", "keys", "cognitoLocal.private.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { pem: string }).pem;
}

/** Re-signs an RS256 JWT with extra claims, keeping its header (and so its `kid`). */
export function resignWithClaims(jwt: string, extra: Record<string, unknown>, pem: string): string {
  const [header, payload] = jwt.split(".");
  if (!header || !payload) throw new Error("not a JWT");
  const claims = { ...(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>), ...extra };
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  const signature = createSign("RSA-SHA256").update(input).sign(pem).toString("base64url");
  return `${input}.${signature}`;
}

export async function startAuthFront(opts: AuthFrontOptions): Promise<AuthFront & { setCognitoUrl(url: string): void }> {
  let cognitoUrl = opts.cognitoUrl;
  const log = opts.log ?? (() => {});
  const nonceByState = new ExpiringMap(15 * 60_000);
  const nonceByCode = new ExpiringMap(5 * 60_000);
  // Refresh tokens live 30 days in the seeded clients.
  const clientByRefreshToken = new ExpiringMap(30 * 86_400_000, 10_000);
  const tokenKey = (token: string) => createHash("sha256").update(token).digest("base64url");
  const pem = signingKey();

  /**
   * Forwards the request to cognito-local; `onJson` may rewrite a JSON answer, `onRedirect` sees a Location, and a
   * page `page` returns is sent instead of the answer.
   */
  const proxy = (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    hooks: { onJson?: (j: Record<string, unknown>) => Record<string, unknown>; onRedirect?: (location: string) => void; page?: (status: number, contentType: string, payload: Buffer) => HtmlPage | undefined } = {},
  ) => {
    const target = new URL(req.url ?? "/", cognitoUrl);
    const headers = { ...req.headers, host: target.host };
    const upstream = httpRequest(target, { method: req.method, headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on("data", (c: Buffer) => chunks.push(c));
      up.on("end", () => {
        let payload = Buffer.concat(chunks);
        const outHeaders = { ...up.headers };
        if (typeof up.headers.location === "string") hooks.onRedirect?.(up.headers.location);
        const page = hooks.page?.(up.statusCode ?? 502, String(up.headers["content-type"] ?? ""), payload);
        if (page) {
          res.writeHead(page.status, page.headers);
          res.end(page.body);
          return;
        }
        if (hooks.onJson && up.statusCode === 200 && String(up.headers["content-type"]).includes("json")) {
          payload = Buffer.from(JSON.stringify(hooks.onJson(JSON.parse(payload.toString("utf8")) as Record<string, unknown>)));
          delete outHeaders.etag;
        }
        outHeaders["content-length"] = String(payload.length);
        delete outHeaders["transfer-encoding"];
        res.writeHead(up.statusCode ?? 502, outHeaders);
        res.end(payload);
      });
    });
    upstream.on("error", () => send(res, 502, { error: "cognito-local unreachable" }));
    upstream.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const body = await readBody(req);
    if (!cognitoUrl) return send(res, 503, "starting");

    if (url.pathname === "/logout" && req.method === "GET") {
      const clientId = url.searchParams.get("client_id") ?? "";
      const logoutUri = url.searchParams.get("logout_uri") ?? "";
      const logoutUrls = await clientLogoutUrls(cognitoUrl, clientId);
      if (!logoutUrls) return send(res, 400, { error: "invalid_request", error_description: "unknown client_id" });
      if (!logoutUrls.includes(logoutUri)) return send(res, 400, { error: "invalid_request", error_description: "logout_uri is not a sign-out URL of the client" });
      res.writeHead(302, { location: logoutUri, "cache-control": "no-store" });
      return res.end();
    }

    if (url.pathname === "/oauth2/revoke" && req.method === "POST") {
      const form = new URLSearchParams(body.toString("utf8"));
      const token = form.get("token");
      const clientId = form.get("client_id");
      if (!token || !clientId) return send(res, 400, { error: "invalid_request" });
      try {
        await cognitoApi(cognitoUrl, "RevokeToken", { Token: token, ClientId: clientId });
      } catch (err) {
        // An unknown or already revoked token is not an error (RFC 7009 §2.2); an unknown client is.
        if (!(err instanceof CognitoApiError)) throw err;
        if (!/NotAuthorized/.test(err.type)) return send(res, 400, { error: "invalid_client" });
      }
      return send(res, 200, "");
    }

    if (url.pathname === "/oauth2/authorize") {
      const users = opts.demoUsers ?? [];
      if (req.method === "GET") {
        const state = url.searchParams.get("state");
        const nonce = url.searchParams.get("nonce");
        if (state && nonce) nonceByState.set(state, nonce);
        const params = [...url.searchParams];
        return proxy(req, res, body, {
          page: (status, contentType, payload) => authorizePage({ status, contentType, body: payload.toString("utf8") }, { params, posted: false }, users),
        });
      }
      const form = new URLSearchParams(body.toString("utf8"));
      const state = form.get("state");
      const params = [...form];
      return proxy(req, res, body, {
        page: (status, contentType, payload) => authorizePage({ status, contentType, body: payload.toString("utf8") }, { params, posted: true }, users),
        onRedirect(location) {
          const code = new URL(location).searchParams.get("code");
          const nonce = state ? nonceByState.get(state) : undefined;
          if (code && nonce) nonceByCode.set(code, nonce);
        },
      });
    }

    if (url.pathname === "/oauth2/token" && req.method === "POST") {
      const form = new URLSearchParams(body.toString("utf8"));
      const clientId = form.get("client_id") ?? basicClientId(req.headers.authorization);
      const code = form.get("grant_type") === "authorization_code" ? form.get("code") : null;
      const refreshToken = form.get("grant_type") === "refresh_token" ? form.get("refresh_token") : null;
      if (refreshToken) {
        const issuedTo = clientByRefreshToken.get(tokenKey(refreshToken));
        if (issuedTo !== undefined && issuedTo !== clientId) return send(res, 400, { error: "invalid_grant", error_description: "Invalid refresh token" });
      }
      const nonce = code ? nonceByCode.take(code) : undefined;
      return proxy(req, res, body, {
        onJson(json) {
          if (nonce && typeof json.id_token === "string") json.id_token = resignWithClaims(json.id_token, { nonce }, pem);
          if (typeof json.refresh_token === "string" && clientId) clientByRefreshToken.set(tokenKey(json.refresh_token), clientId);
          return json;
        },
      });
    }

    return proxy(req, res, body);
  };

  const server: Server = createServer((req, res) => {
    const started = Date.now();
    res.on("finish", () => log(`${req.method} ${(req.url ?? "/").split("?")[0]} → ${res.statusCode} (${Date.now() - started} ms)`));
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: "internal" });
      else res.destroy();
    });
  });
  const listening = await listen(server, opts.port);
  return {
    ...listening,
    setCognitoUrl(u: string) {
      cognitoUrl = u;
    },
  };
}

/** The client id of an HTTP Basic `Authorization` header (RFC 6749 §2.3.1: form-encoded, then base64), if any. */
export function basicClientId(authorization: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? "");
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon === -1) return null;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** The sign-out URLs of an app client, or undefined when cognito-local does not know the client. */
async function clientLogoutUrls(cognitoUrl: string, clientId: string): Promise<string[] | undefined> {
  if (!/^[\w+]{1,128}$/.test(clientId)) return undefined;
  try {
    const pools = await cognitoApi<{ UserPools?: { Id: string }[] }>(cognitoUrl, "ListUserPools", { MaxResults: 60 });
    for (const pool of pools.UserPools ?? []) {
      try {
        const d = await cognitoApi<{ UserPoolClient?: { LogoutURLs?: string[] } }>(cognitoUrl, "DescribeUserPoolClient", {
          UserPoolId: pool.Id,
          ClientId: clientId,
        });
        if (d.UserPoolClient) return d.UserPoolClient.LogoutURLs ?? [];
      } catch (err) {
        if (!(err instanceof CognitoApiError)) throw err;
      }
    }
  } catch (err) {
    if (!(err instanceof CognitoApiError)) throw err;
  }
  return undefined;
}
