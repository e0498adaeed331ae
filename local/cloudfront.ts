/**
 * A local CloudFront distribution: for every viewer request it runs the built functions the way the distribution's
 * cache behaviours would, chosen by the catalogue (`viewerFunctionFor(uri, paths, hotPath)`):
 *
 * - on `paths.callback`, `paths.refresh`, `paths.signOut` and `paths.signIn`: parse-auth, refresh-auth, sign-out and
 *   sign-in (Lambda@Edge, with real Lambda@Edge event shapes);
 * - on the default behaviour: check-auth (Lambda@Edge) with the lambda-edge hot path, or the CloudFront Function
 *   check-auth-function, run in the runtime emulator (local/viewer-function.ts), with the cloudfront-function one;
 * - on the origin's responses: http-headers (origin response) when the config deploys it, else the response headers
 *   policy (local/response-headers-policy.ts), which also covers the responses functions generate.
 *
 * A generated response goes to the browser as CloudFront would send it (status, headers, every Set-Cookie, text or
 * base64 body); a request a function passes on goes to the origin as changed; a function that fails gets CloudFront's
 * 502/503. The Host header reaches the functions as the browser sent it, so they pick the site by it. The stack has
 * one canonical host name (`localhost`, or the first site's, e.g. `site-a.localhost`): a request to `127.0.0.1` or
 * `[::1]` (and to `localhost` when that is not the canonical name) is redirected there before any function runs.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { join } from "node:path";
import type { CloudFrontRequest, CloudFrontResponse, CloudFrontResponseEvent, CloudFrontResultResponse } from "aws-lambda";
import type { HotPath, Paths, ResolvedConfig } from "../shared/config/types";
import { deployedEdgeFunctions, viewerFunctionFor } from "../shared/functions";
import { invoke, loadHandler } from "./lambda-runtime";
import type { LoadedHandler } from "./lambda-runtime";
import type { OriginRequest, OriginResponse } from "./origin";
import { applyResponseHeadersPolicy, responseHeadersPolicyFor } from "./response-headers-policy";
import type { ResponseHeaders, ResponseHeadersPolicy } from "./response-headers-policy";
import { forwardReason } from "./forward-reason";
import type { ForwardSite } from "./forward-reason";
import { listen, readBody } from "./server";
import { loadViewerFunction } from "./viewer-function";
import type { LoadedViewerFunction } from "./viewer-function";
import { flatten, functionViewer, lambdaViewer, originHeaders, toCloudFrontHeaders } from "./viewer-stage";
import type { ViewerInput } from "./viewer-stage";

export { resultProblems, toCloudFrontHeaders } from "./viewer-stage";

/** The functions of one build that the config deploys (by catalogue name), and how the behaviours use them. */
export interface Distribution {
  paths: Paths;
  /** Where the default behaviour's viewer check runs. Default `lambda-edge`. */
  hotPath?: HotPath;
  /** The Lambda@Edge functions. */
  functions: ReadonlyMap<string, LoadedHandler>;
  /** The CloudFront Functions, loaded in the runtime emulator. */
  cloudFrontFunctions?: ReadonlyMap<string, LoadedViewerFunction>;
  /** The response headers policy on every behaviour, when the config has one instead of http-headers. */
  responseHeadersPolicy?: ResponseHeadersPolicy;
  /** The config's sites, to name why the default behaviour's check let a request through (`forwardReason`);
   *  without them such a request is logged as `<function>:forward`. */
  sites?: readonly ForwardSite[];
}

/** One line per request for the stack's log. */
export interface RequestLogEntry {
  method: string;
  /** Path without the query string (which may carry a code). */
  path: string;
  /** The Host header as sent (name and port), which picks the site. */
  host?: string;
  status: number;
  /** `check-auth`, `check-auth-function`, `parse-auth`, ... when a function answered; `origin` when the origin did. */
  answeredBy: string;
  /** The function's decision reason (`no-session`, `signed-in`, `refreshed`, ...); for a CloudFront Function, which
   *  logs no decision, what its answer shows (`sign-in`, `refresh`, `forbidden`, ...: `functionReason`). For a
   *  request the origin answered, `<function>:<why it passed>` (`check-auth:signed-in`, `check-auth-function:public`,
   *  `check-auth:preflight`: `forwardReason`, for both hot paths). */
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

/** Options of `loadDistribution`. */
export interface LoadDistributionOptions {
  /** Lines the functions log outside of a request, and what was loaded. */
  log?: (line: string) => void;
  /** The CloudFront Functions emulator's compute budget per run, ms. Default: the emulator's (250 ms of CPU time). */
  functionBudgetMs?: number;
  /** The config's sites (`buildAll`'s `sites`). Default: one site of `config`, on any host. */
  sites?: readonly ForwardSite[];
}

/**
 * Loads the functions the config deploys (`deployedEdgeFunctions`, shared/functions.ts) from a build output folder:
 * Lambda@Edge bundles as the Node.js runtime would, CloudFront Functions into the emulator with their KeyValueStore.
 */
export function loadDistribution(
  outdir: string,
  config: Pick<ResolvedConfig, "paths" | "hotPath" | "mergeOriginCsp" | "headers" | "publicPaths" | "indexRewrite" | "spaFallback">,
  opts: LoadDistributionOptions = {},
): Distribution {
  const log = opts.log;
  const functions = new Map<string, LoadedHandler>();
  const cloudFrontFunctions = new Map<string, LoadedViewerFunction>();
  for (const f of deployedEdgeFunctions(config)) {
    if (f.runtime === "cloudfront-function") {
      const loaded = loadViewerFunction(outdir, f.name, opts.functionBudgetMs);
      cloudFrontFunctions.set(f.name, loaded);
      log?.(`${f.name}: CloudFront Function (cloudfront-js-2.0 emulator), ${loaded.fn.size} bytes, KeyValueStore keys: ${loaded.kvsKeys.join(", ") || "none"}`);
    } else functions.set(f.name, loadHandler(join(outdir, f.name, "index.js"), log));
  }
  const policy = responseHeadersPolicyFor(config);
  const sites = opts.sites ?? [{ hosts: ["*"], config }];
  return { paths: config.paths, hotPath: config.hotPath, functions, cloudFrontFunctions, sites, ...(policy ? { responseHeadersPolicy: policy } : {}) };
}

/** The Lambda@Edge function of a loaded distribution (a catalogue name it was loaded with). */
function fn(dist: Distribution, name: string): LoadedHandler {
  const f = dist.functions.get(name);
  if (!f) throw new Error(`the distribution has no Lambda@Edge function ${name}`);
  return f;
}

/** The CloudFront Function of a loaded distribution. */
function cloudFrontFunction(dist: Distribution, name: string): LoadedViewerFunction {
  const f = dist.cloudFrontFunctions?.get(name);
  if (!f) throw new Error(`the distribution has no CloudFront Function ${name}`);
  return f;
}

/**
 * Where to send a request that reached the local CloudFront under a loopback address literal (`127.0.0.1:<port>`
 * or `[::1]:<port>`), or under `localhost:<port>` when the site's own host is another name (`site-a.localhost`),
 * instead of the site's own host (`siteUrl`, e.g. `http://localhost:<port>`); undefined for any other Host (which
 * the functions judge: a host no site names gets their 421). Cookies are bound to the host name and each app
 * client's only callback URL names its site's host, so the stack answers under the names of its sites, as a
 * distribution answers under its domain names only; without this, sign-in from `127.0.0.1` ends on cognito-local's
 * "redirect_uri not registered". The path and query are kept byte for byte after the site's own origin, so the
 * target is always on the site.
 */
export function canonicalHostRedirect(host: string | undefined, url: string, siteUrl: string): string | undefined {
  const site = new URL(siteUrl);
  const aliases = [`127.0.0.1:${site.port}`, `[::1]:${site.port}`, ...(site.hostname === "localhost" ? [] : [`localhost:${site.port}`])];
  if (!host || !aliases.includes(host.toLowerCase())) return undefined;
  return `${site.origin}${url.startsWith("/") ? url : "/"}`;
}

export interface LocalCloudFrontOptions {
  port: number;
  /**
   * The canonical host name: the one `url` names and the loopback aliases are redirected to (a name that resolves
   * to loopback, e.g. `site-a.localhost`). Default `localhost`.
   */
  hostname?: string;
  origin: (req: OriginRequest) => Promise<OriginResponse>;
  /** Called once per request. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Lines functions log outside of a request, and warnings. */
  log?: (line: string) => void;
}

/**
 * Starts the local CloudFront on `opts.port` (0 picks a free one) in front of `opts.origin`. It answers 503 until
 * `setDistribution` installs the functions.
 */
export async function startLocalCloudFront(opts: LocalCloudFrontOptions): Promise<LocalCloudFront> {
  let dist: Distribution | undefined;
  const log = opts.log ?? ((l: string) => console.log(l));
  const distributionId = "ELOCALDIST";
  const distributionDomainName = "dlocal.cloudfront.net";

  let siteUrl = "";

  /** Sends a response of the behaviour, with its response headers policy applied. */
  const send = (req: IncomingMessage, res: ServerResponse, d: Distribution, status: number, headers: ResponseHeaders, body: Buffer, statusText?: string) => {
    for (const [h, values] of Object.entries(applyResponseHeadersPolicy(headers, d.responseHeadersPolicy))) res.setHeader(h, values);
    res.setHeader("content-length", body.length);
    res.writeHead(status, statusText || undefined);
    res.end(req.method === "HEAD" ? undefined : body);
  };

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
    const d = dist;
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const uri = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const querystring = q === -1 ? "" : rawUrl.slice(q + 1);
    // CloudFront adds it for the functions when the policy forwards it (in place of any the viewer sent); the
    // functions build http URLs from it.
    const headerLines: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i]!.toLowerCase() !== "cloudfront-forwarded-proto") headerLines.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    }
    headerLines.push(["CloudFront-Forwarded-Proto", "http"]);
    const request: CloudFrontRequest = {
      clientIp: req.socket.remoteAddress ?? "127.0.0.1",
      headers: toCloudFrontHeaders(headerLines.flat()),
      method: req.method ?? "GET",
      querystring,
      uri,
    };
    const requestId = randomBytes(24).toString("base64url");
    const config = { distributionDomainName, distributionId, requestId };

    // The cache behaviour the path falls in: a function's own path, else the default behaviour (the hot path's check).
    const spec = viewerFunctionFor(uri, d.paths, d.hotPath);
    const name = spec.name;
    const input: ViewerInput = { request, headerLines, config: { ...config, eventType: "viewer-request" }, log };
    const viewer = spec.runtime === "cloudfront-function" ? await functionViewer(cloudFrontFunction(d, name), d.paths, input) : await lambdaViewer(fn(d, name), name, input);
    if (viewer.kind === "failed") {
      send(req, res, d, viewer.status, { "content-type": ["text/plain"] }, Buffer.from(viewer.text));
      return { status: viewer.status, answeredBy: name, reason: viewer.reason };
    }
    if (viewer.kind === "respond") {
      send(req, res, d, viewer.status, viewer.headers, viewer.body, viewer.statusText);
      return { status: viewer.status, answeredBy: name, ...(viewer.reason ? { reason: viewer.reason } : {}) };
    }

    // Forwarded: the (possibly rewritten) request goes to the origin; http-headers runs on its response when deployed.
    const fwd = viewer.request;
    const originRes = await opts.origin({ method: fwd.method, uri: fwd.uri, querystring: fwd.querystring, headers: originHeaders(flatten(fwd.headers)) });
    const cfResponse: CloudFrontResponse = {
      status: String(originRes.status),
      statusDescription: "",
      headers: toCloudFrontHeaders(Object.entries(originRes.headers).flat()),
    };
    let final: CloudFrontResultResponse = cfResponse;
    if (d.functions.has("http-headers")) {
      const responseEvent: CloudFrontResponseEvent = {
        Records: [{ cf: { config: { ...config, eventType: "origin-response" }, request: fwd, response: cfResponse } }],
      };
      try {
        final = (await invoke(() => fn(d, "http-headers")(responseEvent, { functionName: "http-headers", awsRequestId: requestId }))).result as CloudFrontResultResponse;
      } catch (err) {
        log(`http-headers threw: ${(err as Error).stack ?? String(err)}`);
        send(req, res, d, 502, { "content-type": ["text/plain"] }, Buffer.from("502: the Lambda function http-headers failed."));
        return { status: 502, answeredBy: "http-headers", reason: "lambda-error" };
      }
    }
    const status = Number(final.status);
    const body = final.body !== undefined ? Buffer.from(final.body, final.bodyEncoding === "base64" ? "base64" : "utf8") : originRes.body;
    send(req, res, d, status, flatten(final.headers), body);
    // Neither check says why it let a request through (see forward-reason.ts): read it off the request.
    const viewerHeaders = flatten(request.headers);
    const passed = spec.behaviour === "default" && viewer.reason === "forward" && d.sites ? forwardReason(d.sites, { method: request.method, uri, header: (h) => viewerHeaders[h]?.[0] }) : viewer.reason;
    return { status, answeredBy: "origin", reason: `${name}:${passed}` };
  };

  const server: Server = createServer((req, res) => {
    const started = Date.now();
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0]!;
    const host = req.headers.host;
    handle(req, res)
      .then((entry) => opts.onRequest?.({ method, path, ...(host ? { host } : {}), ms: Date.now() - started, ...entry }))
      .catch((err: unknown) => {
        log(`local CloudFront error: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end("502 Bad Gateway");
        else res.destroy();
      });
  });
  const listening = await listen(server, opts.port);
  siteUrl = `http://${opts.hostname ?? "localhost"}:${listening.port}`;
  return {
    ...listening,
    url: siteUrl,
    setDistribution(d) {
      dist = d;
    },
  };
}
