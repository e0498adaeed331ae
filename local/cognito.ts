/**
 * cognito-local (the Cognito emulator from npm) as a child process, and a tiny client for its JSON API.
 *
 * cognito-local reads `PORT` and `HOST` from the environment and keeps its state in `./.cognito` relative to its
 * working directory, so each stack gives it its own port and its own state folder. Its API takes the AWS JSON
 * protocol (`x-amz-target`) without any request signing.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** cognito-local's `.cognito/config.json` (the parts we write). */
export interface CognitoLocalConfig {
  /** Trigger name (`PreTokenGeneration`, `PostConfirmation`, ...) to Lambda function name. */
  TriggerFunctions?: Record<string, string>;
  /** Options of the AWS SDK v2 Lambda client that invokes the triggers; `endpoint` points at a local invoke server. */
  LambdaClient?: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
}

/** A running cognito-local. */
export interface CognitoProcess {
  /** `http://localhost:<port>`: API, Hosted UI routes and JWKS; also the issuer domain of its tokens. */
  url: string;
  port: number;
  /** Where its output goes. */
  logFile: string;
  /** Calls one API operation (`CreateUserPool`, ...); rejects with the emulator's error type and message. */
  api<T = Record<string, unknown>>(operation: string, body: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

/** An error answer of the emulator's API, e.g. `UsernameExistsException`. */
export class CognitoApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
    this.name = "CognitoApiError";
  }
}

/** Calls an operation of a Cognito-compatible JSON API at `url`. */
export async function cognitoApi<T = Record<string, unknown>>(url: string, operation: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (!res.ok) {
    const type = String(json.__type ?? json.code ?? `HTTP ${res.status}`);
    throw new CognitoApiError(type, String(json.message ?? text));
  }
  return json as T;
}

/**
 * Runs cognito-local (the script in argv[1]) and ends it when its stdin closes: only this process holds the other
 * end, so however this process ends — signal, crash, SIGKILL, where no "exit" hook runs — cognito-local follows
 * and frees its port.
 */
const EXIT_WITH_PARENT = `process.stdin.on("end", () => process.exit(0)).on("error", () => process.exit(0)).resume(); require(process.argv[1]);`;

/**
 * Starts cognito-local on `port` with its state in `stateDir/.cognito` (created; `config` written to
 * `.cognito/config.json` first), and resolves once it answers `/health`.
 */
export async function startCognitoLocal(opts: { port: number; stateDir: string; config: CognitoLocalConfig }): Promise<CognitoProcess> {
  const { port, stateDir } = opts;
  mkdirSync(join(stateDir, ".cognito", "db"), { recursive: true });
  writeFileSync(join(stateDir, ".cognito", "config.json"), JSON.stringify(opts.config, null, 2));
  const bin = join(dirname(require.resolve("cognito-local/package.json")), "lib", "bin", "start.js");
  const logFile = join(stateDir, "cognito-local.log");
  const log = createWriteStream(logFile, { flags: "a" });
  const child: ChildProcess = spawn(process.execPath, ["-e", EXIT_WITH_PARENT, bin], {
    cwd: stateDir,
    env: { ...process.env, PORT: String(port), HOST: "localhost", DEBUG: "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://localhost:${port}`;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  // Whatever happens to us, the emulator does not outlive us.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (!exited) {
      child.kill("SIGTERM");
      await Promise.race([exitedPromise, sleep(3000)]);
      if (!exited) child.kill("SIGKILL");
    }
    log.end();
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) throw new Error(`cognito-local exited during start-up; see ${logFile}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`cognito-local did not answer on ${url} within 20 s; see ${logFile}`);
    }
    await sleep(100);
  }
  return { url, port, logFile, api: (op, body) => cognitoApi(url, op, body), stop };
}
