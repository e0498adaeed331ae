/**
 * A local CloudFront distribution: for every viewer request it runs the built edge bundles the way the
 * distribution's cache behaviours would — parse-auth, refresh-auth and sign-out on their paths, check-auth on the
 * default behaviour (viewer request), http-headers on the origin's responses (origin response) — with real
 * Lambda@Edge event shapes, and sends a generated response to the browser as CloudFront would (status, headers,
 * every Set-Cookie, text or base64 body). A request a function passes on goes to the origin as changed. The site
 * has one host name, `localhost`: a request to `127.0.0.1` or `[::1]` is redirected there before any function runs.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { join } from "node:path";
import type {
  CloudFrontHeaders,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontResponse,
  CloudFrontResponseEvent,
  CloudFrontResultResponse,
} from "aws-lambda";
import type { Paths } from "../shared/config/types";
import { invoke, loadHandler } from "./lambda-runtime";
import type { LoadedHandler } from "./lambda-runtime";
import { EDGE_FUNCTIONS, viewerFunctionFor } from "../shared/functions";
import type { OriginRequest, OriginResponse } from "./origin";
import { listen, readBody } from "./server";

/** The edge functions of one build (by catalogue name), and the paths their cache behaviours are on. */
export interface Distribution {
  paths: Paths;
  functions: ReadonlyMap<string, LoadedHandler>;
}

/** One line per request for the stack's log. */
export interface RequestLogEntry {
  method: string;
  /** Path without the query string (which may carry a code). */
  path: string;
  status: number;
  /** `check-auth`, `parse-auth`, ... when a function answered; `origin` when the origin did. */
  answeredBy: string;
  /** The function's decision reason (`no-session`, `signed-in`, `refreshed`, ...). */
  reason?: string;
  ms: number;
}

export interface LocalCloudFront {
  url: string;
  port: number;
  /** Installs (or replaces) the functions; until then every request gets 503. */
  setDistribution(d: Distribution): void;
  stop(): Promise<void>;
}

/** Loads the catalogue's Lambda@Edge bundles (shared/functions.ts) from a build output folder. */
export function loadDistribution(outdir: string, paths: Paths, log?: (line: string) => void): Distribution {
  const functions = new Map<string, LoadedHandler>();
  for (const f of EDGE_FUNCTIONS) functions.set(f.name, loadHandler(join(outdir, f.name, "index.js"), log));
  return { paths, functions };
}

/** The function of a loaded distribution (a catalogue name it was loaded with). */
function fn(dist: Distribution, name: string): LoadedHandler {
  const f = dist.functions.get(name);
  if (!f) throw new Error(`the distribution has no function ${name}`);
  return f;
}

/** The viewer's headers in CloudFront's shape: lower-case names to `[{ key, value }]`, sent casing kept in `key`. */
export function toCloudFrontHeaders(rawHeaders: string[]): CloudFrontHeaders {
  const out: CloudFrontHeaders = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i]!;
    (out[key.toLowerCase()] ??= []).push({ key, value: rawHeaders[i + 1]! });
  }
  return out;
}

/** Problems CloudFront would refuse a function result for (it answers 502 then); empty when fine. */
export function resultProblems(result: unknown, generated: boolean): string[] {
  const problems: string[] = [];
  if (typeof result !== "object" || result === null) return ["result is not an object"];
  const r = result as Partial<CloudFrontResultResponse & CloudFrontRequest>;
  if (generated) {
    const status = Number(r.status);
    if (!Number.isInteger(status) || status < 100 || status > 599) problems.push(`status ${String(r.status)} is not valid`);
    if (r.body !== undefined && Buffer.byteLength(r.body) > 40 * 1024) problems.push("generated body is over 40 KB");
    if (r.bodyEncoding !== undefined && r.bodyEncoding !== "text" && r.bodyEncoding !== "base64") problems.push("bodyEncoding must be text or base64");
  }
  for (const [name, values] of Object.entries(r.headers ?? {})) {
    if (name !== name.toLowerCase()) problems.push(`header ${name}: name must be lower-case`);
    if (!Array.isArray(values)) problems.push(`header ${name}: must be an array`);
    else for (const v of values) if (v.key !== undefined && v.key.toLowerCase() !== name.toLowerCase()) problems.push(`header ${name}: key ${v.key} does not match`);
  }
  return problems;
}

/**
 * Where to send a request that reached the local CloudFront under a loopback address literal (`127.0.0.1:<port>`
 * or `[::1]:<port>`) instead of the site's own host (`siteUrl`, `http://localhost:<port>`); undefined for any other
 * Host. Cookies are bound to the host name and the app client's only callback URL names `localhost`, so the stack
 * answers under one name, as a distribution answers under its domain names only; without this, sign-in from
 * `127.0.0.1` ends on cognito-local's "redirect_uri not registered". The path and query are kept byte for byte
 * after the site's own origin, so the target is always on the site.
 */
export function canonicalHostRedirect(host: string | undefined, url: string, siteUrl: string): string | undefined {
  const site = new URL(siteUrl);
  const aliases = [`127.0.0.1:${site.port}`, `[::1]:${site.port}`];
  if (!host || !aliases.includes(host.toLowerCase())) return undefined;
  return `${site.origin}${url.startsWith("/") ? url : "/"}`;
}

function flatten(headers: CloudFrontHeaders | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers ?? {})) out[name] = values.map((v) => v.value);
  return out;
}


export interface LocalCloudFrontOptions {
  port: number;
  origin: (req: OriginRequest) => Promise<OriginResponse>;
  /** Called once per request. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Lines functions log outside of a request, and warnings. */
  log?: (line: string) => void;
}

export async function startLocalCloudFront(opts: LocalCloudFrontOptions): Promise<LocalCloudFront> {
  let dist: Distribution | undefined;
  const log = opts.log ?? ((l: string) => console.log(l));
  const distributionId = "ELOCALDIST";
  const distributionDomainName = "dlocal.cloudfront.net";

  let siteUrl = "";

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<Omit<RequestLogEntry, "ms" | "method" | "path">> => {
    await readBody(req); // viewer request bodies are not given to the functions (no "include body")
    const canonical = canonicalHostRedirect(req.headers.host, req.url ?? "/", siteUrl);
    if (canonical) {
      // 307 keeps the method (and a form's body); the browser then talks to the one host the cookies belong to.
      res.writeHead(307, { location: canonical, "cache-control": "no-store", "content-type": "text/plain; charset=utf-8" }).end(`Moved to ${canonical}`);
      return { status: 307, answeredBy: "local-cloudfront", reason: "canonical-host" };
    }
    if (!dist) {
      res.writeHead(503, { "content-type": "text/plain" }).end("The local stack is still starting.");
      return { status: 503, answeredBy: "local-cloudfront" };
    }
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const uri = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const querystring = q === -1 ? "" : rawUrl.slice(q + 1);
    const headers = toCloudFrontHeaders(req.rawHeaders);
    // CloudFront adds it for the functions when the policy forwards it; the functions build http URLs from it.
    headers["cloudfront-forwarded-proto"] = [{ key: "CloudFront-Forwarded-Proto", value: "http" }];
    const request: CloudFrontRequest = {
      clientIp: req.socket.remoteAddress ?? "127.0.0.1",
      headers,
      method: req.method ?? "GET",
      querystring,
      uri,
    };
    const requestId = randomBytes(24).toString("base64url");
    const config = { distributionDomainName, distributionId, requestId };

    // The cache behaviour the path falls in: a function's own path, else the default behaviour (check-auth).
    const name = viewerFunctionFor(uri, dist.paths).name;
    const viewerFn = fn(dist, name);
    const viewerEvent: CloudFrontRequestEvent = { Records: [{ cf: { config: { ...config, eventType: "viewer-request" }, request } }] };
    let viewer;
    try {
      viewer = await invoke(() => viewerFn(viewerEvent, { functionName: name, awsRequestId: requestId }));
    } catch (err) {
      log(`${name} threw: ${(err as Error).stack ?? String(err)}`);
      res.writeHead(503, { "content-type": "text/plain" }).end(`503: the Lambda function ${name} failed (CloudFront shows this as LambdaExecutionError).`);
      return { status: 503, answeredBy: name, reason: "lambda-error" };
    }
    for (const line of viewer.log.lines) if (!line.includes('"msg":"decision"')) log(`${name}: ${line}`);
    const result = viewer.result as CloudFrontResultResponse | CloudFrontRequest;
    const generated = typeof result === "object" && result !== null && "status" in result;
    const problems = resultProblems(result, generated);
    if (problems.length) {
      log(`${name} returned an invalid result: ${problems.join("; ")}`);
      res.writeHead(502, { "content-type": "text/plain" }).end(`502: the Lambda function ${name} returned an invalid result (LambdaValidationError).`);
      return { status: 502, answeredBy: name, reason: "invalid-result" };
    }
    if (generated) {
      const r = result as CloudFrontResultResponse;
      const status = Number(r.status);
      for (const [h, values] of Object.entries(flatten(r.headers))) res.setHeader(h, values);
      const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.bodyEncoding === "base64" ? "base64" : "utf8");
      res.setHeader("content-length", body.length);
      res.writeHead(status, r.statusDescription || undefined);
      res.end(req.method === "HEAD" ? undefined : body);
      return { status, answeredBy: name, ...(viewer.log.reason ? { reason: viewer.log.reason } : {}) };
    }

    // Forwarded: the (possibly rewritten) request goes to the origin; http-headers runs on its response.
    const fwd = result as CloudFrontRequest;
    const originHeaders: Record<string, string> = {};
    for (const [h, values] of Object.entries(flatten(fwd.headers))) originHeaders[h] = values.join(h === "cookie" ? "; " : ", ");
    const originRes = await opts.origin({ method: fwd.method, uri: fwd.uri, querystring: fwd.querystring, headers: originHeaders });
    const cfResponse: CloudFrontResponse = {
      status: String(originRes.status),
      statusDescription: "",
      headers: toCloudFrontHeaders(Object.entries(originRes.headers).flat()),
    };
    const responseEvent: CloudFrontResponseEvent = {
      Records: [{ cf: { config: { ...config, eventType: "origin-response" }, request: fwd, response: cfResponse } }],
    };
    let final: CloudFrontResultResponse;
    try {
      final = (await invoke(() => fn(dist!, "http-headers")(responseEvent, { functionName: "http-headers", awsRequestId: requestId }))).result as CloudFrontResultResponse;
    } catch (err) {
      log(`http-headers threw: ${(err as Error).stack ?? String(err)}`);
      res.writeHead(502, { "content-type": "text/plain" }).end("502: the Lambda function http-headers failed.");
      return { status: 502, answeredBy: "http-headers", reason: "lambda-error" };
    }
    const status = Number(final.status);
    for (const [h, values] of Object.entries(flatten(final.headers))) res.setHeader(h, values);
    const body = final.body !== undefined ? Buffer.from(final.body, final.bodyEncoding === "base64" ? "base64" : "utf8") : originRes.body;
    res.setHeader("content-length", body.length);
    res.writeHead(status);
    res.end(req.method === "HEAD" ? undefined : body);
    return { status, answeredBy: "origin", reason: `${name}:${viewer.log.reason ?? "forward"}` };
  };

  const server: Server = createServer((req, res) => {
    const started = Date.now();
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0]!;
    handle(req, res)
      .then((entry) => opts.onRequest?.({ method, path, ms: Date.now() - started, ...entry }))
      .catch((err: unknown) => {
        log(`local CloudFront error: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end("502 Bad Gateway");
        else res.destroy();
      });
  });
  const listening = await listen(server, opts.port);
  siteUrl = listening.url;
  return {
    ...listening,
    setDistribution(d) {
      dist = d;
    },
  };
}
