/**
 * The Cognito side of the local stack: cognito-local (a child process, wiped and seeded), the Hosted UI front in
 * front of it, and the Lambda invoke endpoint through which cognito-local runs the built Cognito triggers.
 */
import { mkdirSync, rmSync } from "node:fs";
import { startAuthFront } from "./auth-front";
import { startCognitoLocal } from "./cognito";
import type { CognitoProcess } from "./cognito";
import { startLambdaInvokeServer } from "./lambda-invoke";
import { DEMO_USERS, seed } from "./seed";
import type { DemoUser, SeedClient } from "./seed";

/** The AWS SDK settings of the trigger Lambdas while the stack runs (the endpoint is cognito-local's). */
const SDK_ENV = { AWS_ENDPOINT_URL: "", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" };

export interface CognitoIdpOptions {
  /** cognito-local's port (known before it starts: it must be told). */
  cognitoPort: number;
  /** The Hosted UI front's port (0: any free one). */
  authFrontPort: number;
  /** The Lambda invoke endpoint's port (0: any free one). */
  lambdaPort: number;
  /** cognito-local's state folder, wiped first. */
  cognitoDir: string;
  /** Where the build puts the trigger bundles the invoke endpoint runs. */
  outdir: string;
  /** One app client per site. */
  clients: readonly SeedClient[];
  tokenValiditySeconds: number;
  /** Who can sign in (the Hosted UI's sign-in page lists them). Default: the demo users. */
  users?: readonly DemoUser[];
  /** Groups to create besides the demo groups. */
  groups?: readonly string[];
  log: (line: string) => void;
  /** Stops of what was started, pushed as each part starts (so a later failure stops the earlier parts). */
  stops: (() => Promise<void>)[];
}

export interface CognitoIdp {
  /** The Hosted UI front: the edge config's `domain`. */
  authUrl: string;
  cognitoUrl: string;
  lambdaUrl: string;
  userPoolId: string;
  clientIds: string[];
  users: DemoUser[];
  api: CognitoProcess["api"];
}

/**
 * Starts the front, the invoke endpoint and cognito-local, and seeds the pool. The stack's Cognito triggers run in
 * this process and reach cognito-local through the process's AWS SDK environment (restored by the pushed stop):
 * one such stack per process at a time.
 */
export async function startCognitoIdp(opts: CognitoIdpOptions): Promise<CognitoIdp> {
  const { log, stops } = opts;
  const users = opts.users ?? DEMO_USERS;
  const front = await startAuthFront({ port: opts.authFrontPort, demoUsers: users, log: (l) => log(`hosted-ui ${l}`) });
  stops.push(front.stop);

  rmSync(opts.cognitoDir, { recursive: true, force: true });
  mkdirSync(opts.cognitoDir, { recursive: true });
  const cognitoUrl = `http://localhost:${opts.cognitoPort}`;

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
    functionsDir: opts.outdir,
    cognitoEndpoint: cognitoUrl,
    host: "localhost",
    port: opts.lambdaPort,
    log: (l) => log(`lambda ${l}`),
  });
  stops.push(lambda.close);

  const cognito = await startCognitoLocal({
    port: opts.cognitoPort,
    stateDir: opts.cognitoDir,
    config: {
      TriggerFunctions: { PreTokenGeneration: "pre-token-generation", PostConfirmation: "post-confirmation" },
      LambdaClient: { endpoint: lambda.url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } },
    },
  });
  stops.push(cognito.stop);
  front.setCognitoUrl(cognito.url);

  const seeded = await seed(cognito, { clients: opts.clients, tokenValiditySeconds: opts.tokenValiditySeconds, users, ...(opts.groups ? { groups: opts.groups } : {}) });
  return {
    authUrl: front.url,
    cognitoUrl,
    lambdaUrl: lambda.url,
    userPoolId: seeded.userPoolId,
    clientIds: seeded.clientIds,
    users: seeded.users,
    api: cognito.api,
  };
}
