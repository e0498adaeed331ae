/**
 * An OpenID Connect provider for the local stack, in place of cognito-local: panva's oidc-provider (OpenID
 * Certified) on loopback, with a login form for the demo users (the Hosted UI's form, local/sign-in-page.ts),
 * one client per site (confidential with `client_secret_basic`, or public with PKCE only), refresh tokens with
 * rotation, revocation and RP-initiated logout on. Its endpoints are its own defaults (`/auth`, `/token`,
 * `/token/revocation`, `/session/end`, `/jwks`), found by the build through its discovery document.
 *
 * https://github.com/panva/node-oidc-provider/blob/main/docs/README.md
 */
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { DemoUser } from "./seed";
import { listen, readBody } from "./server";
import { localPage, signInPage } from "./sign-in-page";

/** A client of the provider: one per site. No `clientSecret`: a public client (PKCE only). */
export interface LocalOidcClient {
  clientId: string;
  clientSecret?: string;
  /** The site's callback URL, e.g. `http://localhost:3000/parseauth`. */
  redirectUri: string;
  /** The site's `paths.afterSignOut` URL, e.g. `http://localhost:3000/public/`. */
  postLogoutRedirectUri: string;
}

export interface LocalOidcProviderOptions {
  /** Port to listen on (0: any free port), on `localhost`. */
  port: number;
  clients: readonly LocalOidcClient[];
  /** Who may sign in (e-mail and password), with the groups of their `groups` claim. */
  users: readonly DemoUser[];
  /** Validity of id and access tokens, seconds. */
  tokenValiditySeconds: number;
  /** One line per request (method, path without the query, status); never a code, token or secret. */
  log?: (line: string) => void;
}

export interface LocalOidcProvider {
  /** `http://localhost:<port>`: the issuer, and where its discovery document is. */
  issuer: string;
  port: number;
  stop(): Promise<void>;
}

/** The account id of a demo user: stable across starts, not the e-mail address (as real providers do). */
export function subjectOf(email: string): string {
  return createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 24);
}

/** The claims the provider knows of a user; the scopes below decide which reach a token. */
export function claimsOf(user: DemoUser): Record<string, unknown> {
  return { sub: subjectOf(user.email), email: user.email, email_verified: true, preferred_username: user.email, name: user.email.split("@")[0], groups: [...user.groups] };
}

/** The demo user with this e-mail address and password, compared in constant time; undefined otherwise. */
export function checkPassword(users: readonly DemoUser[], email: string, password: string): DemoUser | undefined {
  const user = users.find((u) => u.email.toLowerCase() === email.trim().toLowerCase());
  if (!user) return undefined;
  const a = createHash("sha256").update(password).digest();
  const b = createHash("sha256").update(user.password).digest();
  return timingSafeEqual(a, b) ? user : undefined;
}

const FOOT = "The local stack's OpenID Connect provider (panva's oidc-provider, local/oidc-provider.ts).";
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The subset of oidc-provider's API the local stack and the tests use (the package ships no types). */
export interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: unknown, opts: { mergeWithLastSubmission: boolean }): Promise<void>;
  Grant: new (o: { accountId: string; clientId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> };
  on(event: string, listener: (...args: unknown[]) => void): void;
}

interface InteractionDetails {
  uid: string;
  prompt: { name: string };
  params: Record<string, unknown>;
  session?: { accountId?: string };
}

/** A context as oidc-provider's page callbacks receive it (a Koa context). */
interface PageContext {
  type: string;
  body: string;
  status: number;
  host: string;
}

/** oidc-provider's `Provider` class. */
export type ProviderClass = new (issuer: string, config: Record<string, unknown>) => ProviderInstance;

/** Loads oidc-provider, an ES module, from this CommonJS code (tsx and vitest both handle the dynamic import). */
export async function loadProvider(): Promise<ProviderClass> {
  const mod = (await import("oidc-provider")) as unknown as { default: ProviderClass };
  return mod.default;
}

/**
 * Starts the provider. Its signing key, cookie keys and state are new at every start (in memory), so a
 * restart signs everyone out, as a fresh cognito-local does.
 */
export async function startLocalOidcProvider(opts: LocalOidcProviderOptions): Promise<LocalOidcProvider> {
  const log = opts.log ?? (() => {});
  const Provider = await loadProvider();
  const server: Server = createServer();
  const listening = await listen(server, opts.port);
  const issuer = listening.url;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ttl = opts.tokenValiditySeconds;
  const provider = new Provider(issuer, {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret ? { client_secret: c.clientSecret, token_endpoint_auth_method: "client_secret_basic" } : { token_endpoint_auth_method: "none" }),
      redirect_uris: [c.redirectUri],
      post_logout_redirect_uris: [c.postLogoutRedirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    })),
    jwks: { keys: [{ ...(privateKey.export({ format: "jwk" }) as Record<string, unknown>), kid: `local-${randomBytes(4).toString("hex")}`, alg: "RS256", use: "sig" }] },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = opts.users.find((u) => subjectOf(u.email) === sub);
      return user ? { accountId: sub, claims: () => claimsOf(user) } : undefined;
    },
    // `groups` rides with the profile scope, into the id token too (the edge reads it there: groupsClaim "groups").
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["preferred_username", "name", "groups"] },
    conformIdTokenClaims: false,
    scopes: ["openid", "email", "profile", "offline_access"],
    pkce: { required: () => true },
    // oidc-provider drops `offline_access` unless the request says `prompt=consent` (OIDC Core §11), which the edge
    // does not send; a refresh token is issued anyway, and it outlives the provider's session, so only a
    // revocation (or its own expiry) ends it, as with Cognito.
    issueRefreshToken: () => true,
    expiresWithSession: () => false,
    rotateRefreshToken: true,
    features: {
      devInteractions: { enabled: false },
      // A client revokes its own tokens only (another's are left alone, which RFC 7009 §2.2 allows).
      revocation: { enabled: true, allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) => token.clientId === client.clientId },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    renderError,
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    ttl: { AccessToken: ttl, IdToken: ttl, RefreshToken: 30 * 86400, Grant: 30 * 86400, Session: 86400, Interaction: 3600 },
  });
  // Its own errors (a refused client, a bad grant) are answers to the caller, not failures of the stack.
  provider.on("server_error", (_ctx: unknown, err: unknown) => log(`oidc-provider server error: ${(err as Error).message ?? String(err)}`));

  const interaction = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const details = await provider.interactionDetails(req, res);
    const clientId = String(details.params.client_id ?? "");
    const finish = async (accountId: string) => {
      // Consent is implied for the local clients: a grant of every scope asked for.
      const grant = new provider.Grant({ accountId, clientId });
      grant.addOIDCScope(String(details.params.scope ?? "openid"));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    };
    // Signed in already (another site's client): no form.
    if (details.prompt.name !== "login" && details.session?.accountId) return finish(details.session.accountId);
    let site: string | undefined;
    try {
      site = new URL(String(details.params.redirect_uri)).host;
    } catch {
      site = undefined;
    }
    const form = { params: [], users: opts.users, action: `/interaction/${details.uid}/login`, foot: FOOT, ...(site ? { site } : {}) };
    if (req.method === "POST" && path.endsWith("/login")) {
      const posted = new URLSearchParams((await readBody(req)).toString("utf8"));
      const username = posted.get("username") ?? "";
      const user = checkPassword(opts.users, username, posted.get("password") ?? "");
      if (user) return finish(subjectOf(user.email));
      return sendPage(res, signInPage({ ...form, error: "Incorrect username or password.", ...(username ? { username } : {}) }));
    }
    return sendPage(res, signInPage(form));
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const path = (req.url ?? "/").split("?")[0]!;
    res.on("finish", () => log(`${req.method} ${path} → ${res.statusCode} (${Date.now() - started} ms)`));
    if (/^\/interaction\/[\w-]+(\/login)?$/.test(path)) {
      interaction(req, res, path).catch((err: unknown) => {
        log(`interaction failed: ${(err as Error).message ?? String(err)}`);
        if (!res.headersSent) sendPage(res, localPage(400, "Sign-in failed", `<div class="card"><h1>Sign-in failed</h1><p class="error" role="alert">${esc((err as Error).message ?? "")}</p><p class="hint">Open the site again to start a new sign-in.</p></div>`, false, FOOT));
        else res.destroy();
      });
      return;
    }
    provider.callback()(req, res);
  });

  return { issuer, port: listening.port, stop: listening.stop };
}

function sendPage(res: ServerResponse, page: { status: number; headers: Record<string, string>; body: string }) {
  res.writeHead(page.status, page.headers);
  res.end(page.body);
}

/** The page `/session/end` shows (a confirmation, as many providers ask): `form` is oidc-provider's hidden form. */
async function logoutSource(ctx: PageContext, form: string): Promise<void> {
  ctx.type = "html";
  // oidc-provider's form (a hidden xsrf field) goes in as it is; the buttons submit it by id.
  ctx.body = localPage(
    200,
    "Sign out",
    `<div class="card"><h1>Sign out</h1><p class="sub">Sign out of the provider at <b>${esc(ctx.host)}</b>?</p>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="use">No, stay signed in</button></div>`,
    false,
    FOOT,
  ).body;
}

/** Shown after a sign-out without a `post_logout_redirect_uri` (the edge always sends one). */
async function postLogoutSuccessSource(ctx: PageContext): Promise<void> {
  ctx.type = "html";
  ctx.body = localPage(200, "Signed out", `<div class="card"><h1>Signed out</h1><p class="sub">You are signed out of the provider.</p></div>`, false, FOOT).body;
}

/** The provider's error page, in the local style, with no external fonts. */
async function renderError(ctx: PageContext, out: Record<string, string>): Promise<void> {
  ctx.type = "html";
  const rows = Object.entries(out)
    .map(([k, v]) => `<p class="error" role="alert"><b>${esc(k)}</b>: ${esc(String(v))}</p>`)
    .join("\n");
  ctx.body = localPage(ctx.status || 400, "Error", `<div class="card"><h1>The provider refused the request</h1>\n${rows}</div>`, false, FOOT).body;
}
