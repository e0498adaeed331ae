/**
 * A local stand-in for the Lambda Invoke API, for cognito-local's `LambdaClient.endpoint`: answers
 * `POST /2015-03-31/functions/<name>/invocations` by calling `handler` of the built bundle
 * `<functionsDir>/<name>/index.js`, on loopback only. Used by the integration tests and by the local stack.
 *
 * cognito-local 5.3.0 sends pre-token-generation events as `version "0"` with an empty `groupConfiguration`;
 * `fixTokenGenerationEvent` fills in the user's groups (looked up in cognito-local) and sets `version "1"`, so
 * the trigger sees what Cognito would send. cognito-local applies only `claimsOverrideDetails` (id token).
 */
import { readFileSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import Module from "node:module";
import { dirname, join, resolve } from "node:path";
import { listen, readBody } from "./server";

export interface LambdaInvokeOptions {
  /** Folder holding one `<name>/index.js` per function: the build's output (`AUTH_OUTDIR`, default `dist`). */
  functionsDir: string;
  /** cognito-local's endpoint (e.g. `http://127.0.0.1:9229`), to look up a user's groups for token events.
   *  Without it, token events are passed on as they come. */
  cognitoEndpoint?: string;
  /** Listen address. Default `127.0.0.1`. */
  host?: string;
  /** Listen port. Default 0: a free port (see `port` of the result). */
  port?: number;
  /** Where bundles find modules they leave external (`@aws-sdk/*`, which the Lambda runtime provides).
   *  Default: this repository's node_modules. */
  modulePaths?: string[];
  /** Cognito stops waiting for a trigger after 5 s; so does this server. Default 5000 ms. */
  timeoutMs?: number;
  /** One line per invocation. Default: none. */
  log?: (line: string) => void;
}

export interface LambdaInvokeServer {
  /** `http://<host>:<port>`, for cognito-local's `LambdaClient.endpoint`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

type Handler = (event: unknown, context: unknown, callback: (err: unknown, result?: unknown) => void) => unknown;

/** Starts the server; resolves once it listens. */
export async function startLambdaInvokeServer(opts: LambdaInvokeOptions): Promise<LambdaInvokeServer> {
  const host = opts.host ?? "127.0.0.1";
  const modulePaths = opts.modulePaths ?? [resolve(__dirname, "..", "node_modules")];
  const timeoutMs = opts.timeoutMs ?? 5000;
  const handlers = new Map<string, Handler>();
  const lookup = opts.cognitoEndpoint ? groupsLookup(opts.cognitoEndpoint) : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/2015-03-31\/functions\/([\w-]{1,64})\/invocations$/.exec((req.url ?? "").split("?")[0] ?? "");
    const body = (await readBody(req)).toString("utf8");
    if (req.method !== "POST" || !m) return send(res, 404, { message: "not found" }, { "x-amzn-errortype": "ResourceNotFoundException" });
    const name = m[1]!;
    const file = join(opts.functionsDir, name, "index.js");
    if (!existsSync(file))
      return send(res, 404, { Type: "User", message: `Function not found: ${name} (no ${file}; run npm run build)` }, { "x-amzn-errortype": "ResourceNotFoundException" });
    const started = Date.now();
    try {
      let handler = handlers.get(name);
      if (!handler) handlers.set(name, (handler = loadHandler(file, modulePaths)));
      let event = JSON.parse(body || "null") as unknown;
      if (lookup) event = await fixTokenGenerationEvent(event, lookup);
      const result = await invoke(handler, event, name, timeoutMs);
      opts.log?.(JSON.stringify({ fn: name, ms: Date.now() - started, ok: true }));
      send(res, 200, result ?? null);
    } catch (err) {
      const e = err as Error;
      opts.log?.(JSON.stringify({ fn: name, ms: Date.now() - started, ok: false, error: e?.name, why: e?.message }));
      send(res, 200, { errorType: e?.name ?? "Error", errorMessage: e?.message ?? String(err) }, { "x-amz-function-error": "Unhandled" });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { message: (err as Error).message }));
  });
  const { url, port, stop } = await listen(server, opts.port ?? 0, host);
  return { url, port, close: stop };
}

/** The user's group names, from cognito-local's AdminListGroupsForUser. */
export type GroupsLookup = (userPoolId: string, username: string) => Promise<string[]>;

/**
 * Makes a cognito-local token event look like Cognito's V1 event: the user's groups in `groupConfiguration` and
 * `version "1"`. Other events, and events that already carry groups, are returned unchanged.
 */
export async function fixTokenGenerationEvent(event: unknown, lookup: GroupsLookup): Promise<unknown> {
  const e = event as { version?: string; triggerSource?: string; userPoolId?: string; userName?: string; request?: Record<string, unknown> };
  if (typeof e?.triggerSource !== "string" || !e.triggerSource.startsWith("TokenGeneration_")) return event;
  if (e.version !== "0" && e.version !== undefined) return event;
  const groups = e.userPoolId && e.userName ? await lookup(e.userPoolId, e.userName) : [];
  return {
    ...e,
    version: "1",
    request: { ...e.request, groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: null } },
    response: { claimsOverrideDetails: null },
  };
}

/** Looks groups up over cognito-local's JSON API (no signing needed). */
export function groupsLookup(endpoint: string): GroupsLookup {
  return async (userPoolId, username) => {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.AdminListGroupsForUser",
      },
      body: JSON.stringify({ UserPoolId: userPoolId, Username: username }),
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) throw new Error(`AdminListGroupsForUser: status ${res.status}`);
    const data = (await res.json()) as { Groups?: { GroupName?: string }[] };
    return (data.Groups ?? []).map((g) => g.GroupName).filter((g): g is string => typeof g === "string");
  };
}

/** Node's module internals this loader uses; not in @types/node. */
interface ModuleInternals {
  _nodeModulePaths(dir: string): string[];
}
interface ModuleInstance {
  filename: string;
  paths: string[];
  exports: Record<string, unknown>;
  _compile(code: string, filename: string): void;
}

/**
 * Loads a bundle as a CommonJS module that also resolves from `modulePaths`, like the Lambda runtime resolves
 * `@aws-sdk/*` from its own folder: the build leaves the SDK out of ordinary Lambdas, and a bundle built into a
 * temporary folder would not find it otherwise.
 */
function loadHandler(file: string, modulePaths: string[]): Handler {
  const M = Module as unknown as ModuleInternals & (new (id: string) => ModuleInstance);
  const mod = new M(file);
  mod.filename = file;
  mod.paths = [...M._nodeModulePaths(dirname(file)), ...modulePaths];
  mod._compile(readFileSync(file, "utf8"), file);
  const handler = mod.exports.handler;
  if (typeof handler !== "function") throw new Error(`${file} exports no handler`);
  return handler as Handler;
}

function invoke(handler: Handler, event: unknown, name: string, timeoutMs: number): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  const context = {
    functionName: name,
    awsRequestId: `local-${Date.now().toString(36)}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(Object.assign(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`), { name: "TimeoutError" })), timeoutMs);
    const done = (err: unknown, result?: unknown) => {
      clearTimeout(timer);
      if (err) fail(err);
      else ok(result);
    };
    try {
      const r = handler(event, context, done);
      if (r && typeof (r as Promise<unknown>).then === "function") (r as Promise<unknown>).then((v) => done(null, v), (e) => done(e ?? new Error("rejected")));
    } catch (err) {
      done(err);
    }
  });
}


function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
