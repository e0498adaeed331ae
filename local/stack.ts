/**
 * The whole product, locally, with no AWS account: cognito-local (seeded), the thin Hosted UI front, a build of
 * the edge functions against them, and a local CloudFront that runs those bundles in front of the sample site.
 * `npm start` (local/start.ts) and the end-to-end tests both use `startLocalStack`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { buildAll } from "../scripts/build";
import type { HotPath, ResolvedConfig } from "../shared/config/types";
import { startAuthFront } from "./auth-front";
import { startCognitoLocal } from "./cognito";
import type { CognitoProcess } from "./cognito";
import { loadDistribution, startLocalCloudFront } from "./cloudfront";
import type { RequestLogEntry } from "./cloudfront";
import { startLambdaInvokeServer } from "./lambda-invoke";
import { createOrigin } from "./origin";
import { assertPortsFree } from "./ports";
import { ADMIN_GROUP, DEFAULT_GROUP, DEMO_USERS, seed } from "./seed";
import type { DemoUser } from "./seed";
import { buildSpa } from "./spa/build";

const root = resolve(__dirname, "..");

/** The AWS SDK settings of the trigger Lambdas while the stack runs (the endpoint is cognito-local's). */
const SDK_ENV = { AWS_ENDPOINT_URL: "", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" };

export interface LocalStackOptions {
  /** The site's port (the local CloudFront). 0 picks a free one. Default: env `PORT`, else 3000. */
  port?: number;
  /** cognito-local's port. 0 picks a free one. Default: env `COGNITO_PORT`, else 9229. */
  cognitoPort?: number;
  /** The Hosted UI front's port. 0 picks a free one. Default: env `AUTH_FRONT_PORT`, else 9230. */
  authFrontPort?: number;
  /** The Lambda invoke endpoint's port (Cognito triggers). 0 picks a free one. Default: env `LAMBDA_PORT`, else 9231. */
  lambdaPort?: number;
  /** Where the stack keeps its state: cognito-local's data (wiped at every start), the generated config and the
   *  build. Default `.local/` at the repository root. */
  stateDir?: string;
  /** The sample site folder served as the origin. Default `site/`. */
  siteDir?: string;
  /** Validity of id and access tokens in the local pool, seconds. Default 300 (Cognito's minimum, 5 minutes). */
  tokenValiditySeconds?: number;
  /**
   * The edge config's `mode`. Default `"static"` (every token cookie HttpOnly). `"spa"` builds the functions with
   * `mode: "spa"` and serves an Amplify JS demo page (local/spa/) at `/spa/` (protected) and `/public/spa/`.
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

/** A running local stack. */
export interface LocalStack {
  /** The site, e.g. `http://localhost:3000`. */
  url: string;
  /** The Hosted UI (the edge config's `domain`). */
  authUrl: string;
  /** cognito-local: API, login form, JWKS; its URL is the issuer domain. */
  cognitoUrl: string;
  /** The Lambda Invoke endpoint cognito-local calls the triggers through. */
  lambdaUrl: string;
  userPoolId: string;
  clientId: string;
  users: DemoUser[];
  /** The config the edge functions were built with. */
  config: ResolvedConfig;
  /** `"spa"` when the SPA demo page is served at `/spa/`. */
  mode: "static" | "spa";
  /** Where the default behaviour's viewer check runs. */
  hotPath: HotPath;
  /** The generated config file and the build output folder. */
  configPath: string;
  outdir: string;
  /** Calls a cognito-local API operation (AdminConfirmSignUp, SignUp, ...). */
  cognitoApi: CognitoProcess["api"];
  /** Stops every server and the cognito-local process. */
  stop(): Promise<void>;
}

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

/** The edge config of the local stack (written to `<stateDir>/auth.config.json`). */
export function localConfig(p: { userPoolId: string; clientId: string; authUrl: string; cognitoUrl: string; mode?: "static" | "spa"; hotPath?: HotPath }): Record<string, unknown> {
  return {
    ...(p.mode === "spa" ? { mode: "spa" } : {}),
    hotPath: p.hotPath ?? "lambda-edge",
    region: "us-east-1",
    userPoolId: p.userPoolId,
    clientId: p.clientId,
    domain: p.authUrl,
    issuer: `${p.cognitoUrl}/${p.userPoolId}`,
    scopes: ["openid", "email", "profile"],
    paths: { callback: "/parseauth", refresh: "/refreshauth", signOut: "/signout", signIn: "/signin", afterSignOut: "/public/" },
    publicPaths: ["/public/*", "/favicon.ico"],
    apiPaths: ["/api/*"],
    rules: [{ path: "/admin/*", groups: [ADMIN_GROUP] }],
    forwardIdentity: true,
    logLevel: "info",
    triggers: {
      preTokenGeneration: {
        groupClaims: { claim: "roles", map: { [ADMIN_GROUP]: ["admin", "reader"], [DEFAULT_GROUP]: ["reader"] } },
      },
      postConfirmation: { defaultGroup: DEFAULT_GROUP },
    },
  };
}

/**
 * Starts the local stack. cognito-local's data is wiped at every start (a fresh pool, the demo users seeded
 * again), so a second start behaves exactly like the first.
 */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const stateDir = resolve(opts.stateDir ?? join(root, ".local"));
  const siteDir = resolve(opts.siteDir ?? join(root, "site"));
  const port = opts.port ?? envPort("PORT", 3000);
  let cognitoPort = opts.cognitoPort ?? envPort("COGNITO_PORT", 9229);
  const authFrontPort = opts.authFrontPort ?? envPort("AUTH_FRONT_PORT", 9230);
  const lambdaPort = opts.lambdaPort ?? envPort("LAMBDA_PORT", 9231);
  const tokenValiditySeconds = opts.tokenValiditySeconds ?? 300;
  const mode = opts.mode ?? "static";
  const hotPath = opts.hotPath ?? "lambda-edge";
  const spaDir = join(stateDir, "spa");
  rmSync(spaDir, { recursive: true, force: true });

  // Every port first, so a taken one is named with its variable (cognito-local would only "exit during start-up").
  await assertPortsFree([
    { port, variable: "PORT", what: "the site" },
    { port: cognitoPort, variable: "COGNITO_PORT", what: "cognito-local" },
    { port: authFrontPort, variable: "AUTH_FRONT_PORT", what: "the Hosted UI front" },
    { port: lambdaPort, variable: "LAMBDA_PORT", what: "the Lambda invoke endpoint" },
  ]);

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    const cloudfront = await startLocalCloudFront({ port, origin: createOrigin(siteDir, mode === "spa" ? { "/spa/": spaDir, "/public/spa/": spaDir } : {}), log, ...(opts.onRequest ? { onRequest: opts.onRequest } : {}) });
    stops.push(cloudfront.stop);
    const front = await startAuthFront({ port: authFrontPort, demoUsers: DEMO_USERS, log: (l) => log(`hosted-ui ${l}`) });
    stops.push(front.stop);

    const cognitoDir = join(stateDir, "cognito");
    rmSync(cognitoDir, { recursive: true, force: true });
    mkdirSync(cognitoDir, { recursive: true });
    if (cognitoPort === 0) cognitoPort = await freePort();
    const cognitoUrl = `http://localhost:${cognitoPort}`;
    const outdir = join(stateDir, "dist");

    // Cognito triggers: cognito-local invokes the built trigger bundles through a local Lambda Invoke endpoint,
    // which also hands pre-token-generation the V1 event (with the user's groups) Cognito would send. The
    // post-confirmation trigger runs in this process; its AWS SDK client finds cognito-local through the
    // SDK's standard endpoint variables.
    const savedEnv = Object.fromEntries(Object.keys(SDK_ENV).map((k) => [k, process.env[k]]));
    Object.assign(process.env, SDK_ENV, { AWS_ENDPOINT_URL: cognitoUrl });
    stops.push(async () => {
      for (const [k, v] of Object.entries(savedEnv)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    const lambda = await startLambdaInvokeServer({
      functionsDir: outdir,
      cognitoEndpoint: cognitoUrl,
      host: "localhost",
      port: lambdaPort,
      log: (l) => log(`lambda ${l}`),
    });
    stops.push(lambda.close);

    const cognito = await startCognitoLocal({
      port: cognitoPort,
      stateDir: cognitoDir,
      config: {
        TriggerFunctions: { PreTokenGeneration: "pre-token-generation", PostConfirmation: "post-confirmation" },
        LambdaClient: { endpoint: lambda.url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } },
      },
    });
    stops.push(cognito.stop);
    front.setCognitoUrl(cognito.url);

    const seeded = await seed(cognito, {
      callbackUrl: `${cloudfront.url}/parseauth`,
      logoutUrl: `${cloudfront.url}/public/`,
      tokenValiditySeconds,
      users: DEMO_USERS,
    });
    const configPath = join(stateDir, "auth.config.json");
    const raw = localConfig({ userPoolId: seeded.userPoolId, clientId: seeded.clientId, authUrl: front.url, cognitoUrl, mode, hotPath });
    writeFileSync(configPath, `${JSON.stringify(raw, null, 2)}\n`);
    const { config } = await buildAll({ configPath, outdir, log });
    if (mode === "spa") {
      const cookieDomain = config.cookie.domain;
      await buildSpa(spaDir, { userPoolId: seeded.userPoolId, userPoolClientId: seeded.clientId, ...(cookieDomain ? { cookieDomain } : {}) });
      log(`built the SPA demo page (Amplify JS) into ${spaDir}`);
    }
    const budget = opts.cloudFrontFunctionBudgetMs;
    cloudfront.setDistribution(loadDistribution(outdir, config, { log, ...(budget !== undefined ? { functionBudgetMs: budget } : {}) }));

    return {
      url: cloudfront.url,
      authUrl: front.url,
      cognitoUrl,
      lambdaUrl: lambda.url,
      userPoolId: seeded.userPoolId,
      clientId: seeded.clientId,
      users: seeded.users,
      config,
      mode,
      hotPath: config.hotPath,
      configPath,
      outdir,
      cognitoApi: cognito.api,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
