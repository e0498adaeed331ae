/**
 * The whole product, locally, with no AWS account: an identity provider — cognito-local (seeded) behind the thin
 * Hosted UI front, or an OpenID Connect provider (panva's oidc-provider) — a build of the edge functions against
 * it, and a local CloudFront that runs those bundles in front of the sample site, for one site on `localhost` or
 * two sites (`site-a.localhost`, `site-b.localhost`, each with its own app client). `npm start` (local/start.ts)
 * and the end-to-end tests both use `startLocalStack`.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { buildAll } from "../scripts/build";
import { ConfigError, readConfigFile, resolveOrThrow } from "../shared/config/load";
import type { AuthConfig } from "../shared/config/resolve";
import type { HotPath, ResolvedConfig, Rule } from "../shared/config/types";
import { poolGroups } from "../shared/config/deploy";
import { TRIGGER_FUNCTIONS, deployedEdgeFunctions } from "../shared/catalogue";
import { loadDistribution, startLocalCloudFront } from "./cloudfront";
import type { RequestLogEntry } from "./cloudfront";
import type { CognitoProcess } from "./cognito";
import { startCognitoIdp } from "./cognito-idp";
import { SITE_HOSTS, localConfig } from "./local-config";
import type { LocalClient, LocalProvider, SiteCount } from "./local-config";
import { startLocalOidcProvider } from "./oidc-provider";
import { createOrigin } from "./origin";
import { assertPortsFree } from "./ports";
import type { StackPort } from "./ports";
import { ownLocalConfig, planOwnConfig } from "./own-config";
import type { OwnConfigPlan } from "./own-config";
import { DEMO_USERS } from "./seed";
import type { DemoUser } from "./seed";
import { buildSpa } from "./spa/build";

export { localConfig } from "./local-config";

const root = resolve(__dirname, "..");

export interface LocalStackOptions {
  /** The site's port (the local CloudFront). 0 picks a free one. Default: env `PORT`, else 3000. */
  port?: number;
  /** cognito-local's port. 0 picks a free one. Default: env `COGNITO_PORT`, else 9229. */
  cognitoPort?: number;
  /** The Hosted UI front's port. 0 picks a free one. Default: env `AUTH_FRONT_PORT`, else 9230. */
  authFrontPort?: number;
  /** The Lambda invoke endpoint's port (Cognito triggers). 0 picks a free one. Default: env `LAMBDA_PORT`, else 9231. */
  lambdaPort?: number;
  /** The OpenID Connect provider's port (`provider: "oidc"`). 0 picks a free one. Default: env `OIDC_PORT`, else 9232. */
  oidcPort?: number;
  /**
   * Who signs people in. Default `"cognito"`: cognito-local behind the Hosted UI front, with the Cognito triggers.
   * `"oidc"`: panva's oidc-provider (OpenID Certified) on loopback, with a login form for the demo users and a
   * `groups` claim; the config then has `provider: { type: "oidc", issuer }` and no pool, domain or triggers.
   */
  provider?: "cognito" | "oidc";
  /**
   * With `provider: "oidc"`, each site's kind of client, in site order: `"confidential"` (a generated secret, sent
   * with `client_secret_basic`) or `"public"` (PKCE only). Default: the first site's confidential, a second's public.
   */
  oidcClients?: readonly ("confidential" | "public")[];
  /**
   * How many sites. Default 1: one site on `localhost`. 2: `site-a.localhost` and `site-b.localhost` on the same
   * port, each with its own app client (the config's `sites`); site B lets the default group into `/admin/` too.
   * `localhost` and the loopback addresses then redirect to site A.
   */
  sites?: SiteCount;
  /** Where the stack keeps its state: cognito-local's data (wiped at every start), the generated config and the
   *  build. Default `.local/` at the repository root. */
  stateDir?: string;
  /** The site folder served as the origin. Default `site/` (the sample site). */
  siteDir?: string;
  /**
   * The user's own config (`AUTH_CONFIG`), run with its own edge settings and cognito-local in place of its
   * provider (local/own-config.ts): `mode`, `hotPath` and the sites then come from the config, and `provider`,
   * `sites` and `mode` must be left unset. `users`: more users than the demo users (the local users file).
   */
  ownConfig?: { path: string; users?: readonly DemoUser[] };
  /** Validity of id and access tokens in the local pool, seconds. Default 300 (Cognito's minimum, 5 minutes). */
  tokenValiditySeconds?: number;
  /**
   * The edge config's `mode`. Default `"static"` (every token cookie HttpOnly). `"spa"` builds the functions with
   * `mode: "spa"` and serves an Amplify JS demo page (local/spa/) at `/spa/` (protected) and `/public/spa/`; it
   * needs cognito-local and one site (the page is built for one Cognito app client).
   */
  mode?: "static" | "spa";
  /**
   * The edge config's `hotPath`. Default `"lambda-edge"` (check-auth, a Lambda@Edge, on the default behaviour).
   * `"cloudfront-function"` runs the built CloudFront Function there, in the runtime emulator, with sign-in on
   * `/signin` and the config's security headers as a response headers policy.
   */
  hotPath?: HotPath;
  /**
   * The CloudFront Functions emulator's compute budget per run, ms. Default: the emulator's (250 ms of CPU time),
   * as `npm start` runs it. A test on a busy machine may give more: garbage collection in a busy test worker counts
   * as the function's CPU time there, which CloudFront's compute utilisation would not.
   */
  cloudFrontFunctionBudgetMs?: number;
  /** One line per request through the local CloudFront. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Other log lines (start-up steps, warnings, the Hosted UI front's requests). */
  log?: (line: string) => void;
}

/** One site of a running stack. */
export interface LocalSite {
  /** e.g. `http://localhost:3000` or `http://site-a.localhost:3000`. */
  url: string;
  /** Its host name (what the Host header names; `localhost` for the one site of a single-site stack). */
  host: string;
  /** Every host name it answers on (an own config's site may have several). Default: `host`. */
  hosts?: string[];
  clientId: string;
  /** Its rules, as built. */
  rules?: Rule[];
  /** The client's secret, for a confidential client (the OIDC provider's first site); tests use it. */
  clientSecret?: string;
}

/** What every running stack has, whoever signs people in. */
export interface LocalStackBase {
  /** The (first) site, e.g. `http://localhost:3000`. */
  url: string;
  /** Where sign-in happens: the Hosted UI front (the edge config's `domain`), or the OpenID Connect provider. */
  authUrl: string;
  /** Every site, in the config's order. */
  sites: LocalSite[];
  /** The (first) site's app client. */
  clientId: string;
  users: DemoUser[];
  /** The config the edge functions were built with (the first site's). */
  config: ResolvedConfig;
  /** `"spa"` when the SPA demo page is served at `/spa/`. */
  mode: "static" | "spa";
  /** Where the default behaviour's viewer check runs. */
  hotPath: HotPath;
  /** The generated config file and the build output folder. */
  configPath: string;
  outdir: string;
  /** With `ownConfig`: the user's config and site folder, and each setting replaced for the local run, with why. */
  own?: { configPath: string; siteDir: string; replaced: string[] };
  /** Stops every server and child process. */
  stop(): Promise<void>;
}

/** A running local stack on cognito-local. */
export interface LocalStack extends LocalStackBase {
  provider: "cognito";
  /** cognito-local: API, login form, JWKS; its URL is the issuer domain. */
  cognitoUrl: string;
  /** The Lambda Invoke endpoint cognito-local calls the triggers through. */
  lambdaUrl: string;
  userPoolId: string;
  /** Calls a cognito-local API operation (AdminConfirmSignUp, SignUp, ...). */
  cognitoApi: CognitoProcess["api"];
}

/** A running local stack on the local OpenID Connect provider. */
export interface OidcLocalStack extends LocalStackBase {
  provider: "oidc";
  /** The provider's issuer (also `authUrl`). */
  issuer: string;
}

export type AnyLocalStack = LocalStack | OidcLocalStack;

function envPort(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}=${v} is not a port number`);
  return n;
}

/** A port that was free a moment ago (for cognito-local, which must be told its port before it starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "localhost", ok);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** The sites' URLs: `localhost`, or the two site hosts, on the local CloudFront's port. */
export function siteUrls(sites: SiteCount, port: number): { host: string; url: string }[] {
  const hosts = sites === 1 ? ["localhost"] : [...SITE_HOSTS];
  return hosts.map((host) => ({ host, url: `http://${host}:${port}` }));
}

/** An app client's name: `local-site`, or `local-site-a` and `local-site-b` (the OIDC provider's client ids too). */
function clientName(i: number, sites: SiteCount): string {
  return sites === 1 ? "local-site" : `local-site-${"ab"[i]}`;
}

/** A confidential client's secret for the local OpenID Connect provider: new at every start, and with `+`, `/` and
 *  `%`, which HTTP Basic needs form-encoded first (RFC 6749 §2.3.1), as the edge does. */
function oidcSecret(): string {
  return `${randomBytes(24).toString("base64url")}+/%`;
}

/** An own config, read and checked before anything starts (every problem at once, naming the user's file). */
interface PreparedOwnConfig {
  path: string;
  plan: OwnConfigPlan;
  /** The config resolved with stand-ins for the local ids: its sites' paths and rules, mode and hot path. */
  config: AuthConfig;
  users: DemoUser[];
  /** Every group a rule, a user or the post-confirmation trigger names. */
  groups: string[];
}

function prepareOwnConfig(own: NonNullable<LocalStackOptions["ownConfig"]>, opts: LocalStackOptions, log: (line: string) => void): PreparedOwnConfig {
  const path = resolve(own.path);
  const set = (["provider", "sites", "mode", "hotPath"] as const).filter((k) => opts[k] !== undefined && !(k === "provider" && opts[k] === "cognito"));
  if (set.length) throw new Error(`an own config brings its own ${set.join(", ")} and runs on cognito-local: leave ${set.join(", ")} unset`);
  const planned = planOwnConfig(readConfigFile(path), path);
  if (!planned.ok) throw new ConfigError(`config ${path} cannot run locally:\n  ${planned.problems.join("\n  ")}`);
  const { plan } = planned;
  const sites = Array.isArray(plan.raw.sites) ? plan.raw.sites.length : 1;
  const standIn = ownLocalConfig(plan, {
    provider: { type: "cognito", userPoolId: "local_standin", authUrl: "http://localhost:9230", cognitoUrl: "http://localhost:9229" },
    clients: Array.from({ length: sites }, (_, i) => ({ clientId: `standin${i + 1}` })),
  });
  const config = resolveOrThrow(standIn.raw, path, { jwks: { keys: [] }, nonceSigningSecret: "x".repeat(32), sessionSigningSecret: "x".repeat(43) }, (l) => log(l));
  const users = [...DEMO_USERS, ...(own.users ?? [])];
  // The groups a deployed pool gets (shared/config/deploy.ts), and the users'.
  const groups = [...new Set([...poolGroups(config.sites.flatMap((s) => s.config.rules), config.triggers).map((g) => g.name), ...users.flatMap((u) => u.groups)])];
  return { path, plan, config, users, groups };
}

/**
 * Starts the local stack. cognito-local's data is wiped at every start (a fresh pool, the demo users seeded
 * again), and the OpenID Connect provider keeps its state in memory, so a second start behaves exactly like the
 * first.
 */
export function startLocalStack(opts?: LocalStackOptions & { provider?: "cognito" }): Promise<LocalStack>;
export function startLocalStack(opts: LocalStackOptions & { provider: "oidc" }): Promise<OidcLocalStack>;
export function startLocalStack(opts?: LocalStackOptions): Promise<AnyLocalStack>;
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<AnyLocalStack> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const stateDir = resolve(opts.stateDir ?? join(root, ".local"));
  const siteDir = resolve(opts.siteDir ?? join(root, "site"));
  if (!statSync(siteDir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`the site folder ${siteDir} is not a folder`);
  const provider = opts.provider ?? "cognito";
  // An own config brings its mode, hot path and sites; it runs on cognito-local.
  const own = opts.ownConfig ? prepareOwnConfig(opts.ownConfig, opts, log) : undefined;
  const siteCount = opts.sites ?? 1;
  const port = opts.port ?? envPort("PORT", 3000);
  let cognitoPort = opts.cognitoPort ?? envPort("COGNITO_PORT", 9229);
  const authFrontPort = opts.authFrontPort ?? envPort("AUTH_FRONT_PORT", 9230);
  const lambdaPort = opts.lambdaPort ?? envPort("LAMBDA_PORT", 9231);
  const oidcPort = opts.oidcPort ?? envPort("OIDC_PORT", 9232);
  const tokenValiditySeconds = opts.tokenValiditySeconds ?? 300;
  const mode = own?.config.edge.mode ?? opts.mode ?? "static";
  const hotPath = own?.config.edge.hotPath ?? opts.hotPath ?? "lambda-edge";
  if ((siteCount as number) !== 1 && (siteCount as number) !== 2) throw new Error(`sites must be 1 or 2, got ${String(siteCount)}`);
  const oidcClients = opts.oidcClients ?? (["confidential", "public"] as const).slice(0, siteCount);
  if (oidcClients.length !== siteCount) throw new Error(`oidcClients names ${oidcClients.length} clients for ${siteCount} site(s)`);
  if (!own && mode === "spa" && (provider !== "cognito" || siteCount !== 1))
    throw new Error('mode "spa" needs provider "cognito" and one site: its Amplify JS demo page is built for one Cognito app client');
  const spaDir = join(stateDir, "spa");
  rmSync(spaDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });

  // Every port first, so a taken one is named with its variable (cognito-local would only "exit during start-up").
  const ports: StackPort[] =
    provider === "cognito"
      ? [
          { port: cognitoPort, variable: "COGNITO_PORT", what: "cognito-local" },
          { port: authFrontPort, variable: "AUTH_FRONT_PORT", what: "the Hosted UI front" },
          { port: lambdaPort, variable: "LAMBDA_PORT", what: "the Lambda invoke endpoint" },
        ]
      : [{ port: oidcPort, variable: "OIDC_PORT", what: "the OpenID Connect provider" }];
  await assertPortsFree([{ port, variable: "PORT", what: "the site" }, ...ports]);

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    const cloudfront = await startLocalCloudFront({
      port,
      hostname: own ? own.plan.canonicalHost : siteCount === 1 ? "localhost" : SITE_HOSTS[0],
      // The SPA demo page is the sample's; an own site is served as it is.
      origin: createOrigin(siteDir, mode === "spa" && !own ? { "/spa/": spaDir, "/public/spa/": spaDir } : {}, { hotPath, provider, mode }),
      log,
      ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
    });
    stops.push(cloudfront.stop);
    const hostsBySite = own ? own.plan.siteHosts : siteUrls(siteCount, cloudfront.port).map((u) => [u.host]);
    const urls = hostsBySite.map((hosts) => ({ host: hosts[0]!, url: `http://${hosts[0]}:${cloudfront.port}` }));
    // Each site's app client takes the callback and sign-out URLs of each of its hosts, with the config's paths.
    const sitePaths = own ? own.config.sites.map((site) => site.config.paths) : urls.map(() => ({ callback: "/parseauth", afterSignOut: "/public/" }));
    const hostUrls = (i: number, path: (p: { callback: string; afterSignOut: string }) => string) => hostsBySite[i]!.map((h) => `http://${h}:${cloudfront.port}${path(sitePaths[i]!)}`);
    const outdir = join(stateDir, "dist");

    let clients: LocalClient[];
    let providerKeys: LocalProvider;
    let users: DemoUser[];
    let authUrl: string;
    let running: { provider: "cognito"; cognitoUrl: string; lambdaUrl: string; userPoolId: string; cognitoApi: CognitoProcess["api"] } | { provider: "oidc"; issuer: string };
    if (provider === "cognito") {
      if (cognitoPort === 0) cognitoPort = await freePort();
      const idp = await startCognitoIdp({
        cognitoPort,
        authFrontPort,
        lambdaPort,
        cognitoDir: join(stateDir, "cognito"),
        outdir,
        clients: urls.map((_, i) => ({ name: own ? `local-site-${i + 1}` : clientName(i, siteCount), callbackUrls: hostUrls(i, (p) => p.callback), logoutUrls: hostUrls(i, (p) => p.afterSignOut) })),
        tokenValiditySeconds,
        ...(own ? { users: own.users, groups: own.groups } : {}),
        log,
        stops,
      });
      clients = idp.clientIds.map((clientId) => ({ clientId }));
      providerKeys = { type: "cognito", userPoolId: idp.userPoolId, authUrl: idp.authUrl, cognitoUrl: idp.cognitoUrl };
      users = idp.users;
      authUrl = idp.authUrl;
      running = { provider: "cognito", cognitoUrl: idp.cognitoUrl, lambdaUrl: idp.lambdaUrl, userPoolId: idp.userPoolId, cognitoApi: idp.api };
    } else {
      clients = urls.map((_, i) => ({ clientId: clientName(i, siteCount), ...(oidcClients[i] === "confidential" ? { clientSecret: oidcSecret() } : {}) }));
      const idp = await startLocalOidcProvider({
        port: oidcPort,
        clients: clients.map((c, i) => ({ ...c, redirectUri: `${urls[i]!.url}/parseauth`, postLogoutRedirectUri: `${urls[i]!.url}/public/` })),
        users: DEMO_USERS,
        tokenValiditySeconds,
        log: (l) => log(`oidc ${l}`),
      });
      stops.push(idp.stop);
      providerKeys = { type: "oidc", issuer: idp.issuer };
      users = [...DEMO_USERS];
      authUrl = idp.issuer;
      running = { provider: "oidc", issuer: idp.issuer };
    }

    const configPath = join(stateDir, "auth.config.json");
    let replaced: string[] = [];
    let raw: Record<string, unknown>;
    if (own) {
      if (providerKeys.type !== "cognito") throw new Error("an own config runs on cognito-local");
      ({ raw, replaced } = ownLocalConfig(own.plan, { provider: providerKeys, clients }));
    } else raw = localConfig({ provider: providerKeys, clients, mode, hotPath });
    // Readable by this user only: it may hold a client secret (the mode applies to a new file).
    rmSync(configPath, { force: true });
    writeFileSync(configPath, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
    // What the config deploys, as a deployment would hold it: the hot path's functions (not the other hot path's),
    // and the Cognito triggers when cognito-local runs them.
    const only = [...deployedEdgeFunctions({ hotPath, mergeOriginCsp: raw.mergeOriginCsp === true }), ...(provider === "cognito" ? TRIGGER_FUNCTIONS : [])].map((f) => f.name);
    const { config, sites } = await buildAll({ configPath, outdir, log, only });
    if (mode === "spa" && providerKeys.type === "cognito" && !own) {
      const cookieDomain = config.cookie.domain;
      await buildSpa(spaDir, { userPoolId: providerKeys.userPoolId, userPoolClientId: clients[0]!.clientId, ...(cookieDomain ? { cookieDomain } : {}) });
      log(`built the SPA demo page (Amplify JS) into ${spaDir}`);
    }
    const budget = opts.cloudFrontFunctionBudgetMs;
    cloudfront.setDistribution(loadDistribution(outdir, config, { log, sites, ...(budget !== undefined ? { functionBudgetMs: budget } : {}) }));

    return {
      ...running,
      url: cloudfront.url,
      authUrl,
      sites: urls.map((u, i) => ({ ...u, hosts: hostsBySite[i]!, ...clients[i]!, rules: sites[i]?.config.rules ?? [] })),
      clientId: clients[0]!.clientId,
      users,
      config,
      mode,
      hotPath: config.hotPath,
      configPath,
      outdir,
      ...(own ? { own: { configPath: own.path, siteDir, replaced } } : {}),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
