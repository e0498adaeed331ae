/**
 * Translation between CloudFront's Lambda@Edge event shapes and our plain request/outcome shapes, and the one
 * wrapper every viewer-request handler uses: it logs the decision and never lets an exception reach CloudFront
 * (which would show the user a 502/503).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
 */
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from "aws-lambda";
import type { EdgeContext, SiteContext } from "./deps";
import { siteFor } from "../viewer/sites";
import type { Reason } from "../outcomes/errors";
import { isIdentityHeaderName } from "../viewer/identity-headers";
import type { EdgeRequest, Outcome } from "./request";
import { errorResponse } from "./responses";

/** Longest URI or query string we look at; longer requests get a 414 page. */
export const MAX_URI = 8192;

const STATUS_TEXT: Record<number, string> = {
  200: "OK", 302: "Found", 303: "See Other", 307: "Temporary Redirect", 400: "Bad Request", 401: "Unauthorized",
  403: "Forbidden", 414: "URI Too Long", 421: "Misdirected Request", 500: "Internal Server Error", 503: "Service Unavailable",
};

/** Canonical header-name casing for the headers we generate. */
const CANONICAL: Record<string, string> = {
  "set-cookie": "Set-Cookie", location: "Location", "cache-control": "Cache-Control", "content-type": "Content-Type",
  "www-authenticate": "WWW-Authenticate", "retry-after": "Retry-After", pragma: "Pragma",
};

export function canonicalName(name: string): string {
  return CANONICAL[name] ?? name.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
}

export function toEdgeRequest(cf: CloudFrontRequest): EdgeRequest {
  const headers: CloudFrontHeaders = cf.headers ?? {};
  const header = (name: string) => {
    const values = headers[name];
    if (!Array.isArray(values) || values.length === 0) return undefined;
    if (values.length === 1) return typeof values[0]?.value === "string" ? values[0].value : "";
    return values.map((h) => (typeof h?.value === "string" ? h.value : "")).join(name === "cookie" ? "; " : ", ");
  };
  return {
    method: typeof cf.method === "string" ? cf.method.toUpperCase() : "GET",
    uri: typeof cf.uri === "string" ? cf.uri : "",
    querystring: typeof cf.querystring === "string" ? cf.querystring : "",
    header,
    cookieHeader: header("cookie") ?? "",
    ...(typeof cf.clientIp === "string" ? { clientIp: cf.clientIp } : {}),
  };
}

/** Lambda@Edge refuses a generated response over 40 KB (headers and body); ours stay well below. */
export const MAX_RESPONSE_BYTES = 38 * 1024;

/**
 * The bytes of a generated response as Lambda@Edge counts them: the body's UTF-8 bytes, and each header's name and
 * value in bytes (a configured header value or a template may hold non-ASCII text), with room for the event's JSON.
 */
export function responseSize(o: Extract<Outcome, { kind: "respond" }>): number {
  let n = o.body === undefined ? 0 : Buffer.byteLength(o.body);
  for (const [k, v] of Object.entries(o.headers)) n += Buffer.byteLength(k) * 2 + Buffer.byteLength(v) + 24;
  for (const c of o.cookies) n += Buffer.byteLength(c) + 32;
  return n;
}

function toResponse(o: Extract<Outcome, { kind: "respond" }>): CloudFrontResultResponse {
  const headers: CloudFrontHeaders = {};
  for (const [name, value] of Object.entries(o.headers)) headers[name] = [{ key: canonicalName(name), value }];
  if (o.cookies.length) headers["set-cookie"] = o.cookies.map((value) => ({ key: "Set-Cookie", value }));
  const res: CloudFrontResultResponse = { status: String(o.status), statusDescription: STATUS_TEXT[o.status] ?? "", headers };
  if (o.body !== undefined) {
    res.body = o.body;
    res.bodyEncoding = "text";
  }
  return res;
}

/** Applies a decision to the CloudFront request: a response, or the request itself, cleaned and changed. */
export function applyOutcome(cf: CloudFrontRequest, o: Outcome): CloudFrontRequest | CloudFrontResultResponse {
  if (o.kind === "respond") return toResponse(o);
  const headers: CloudFrontHeaders = cf.headers ?? {};
  // Whatever the client sent under our identity-header names never reaches the origin.
  for (const name of Object.keys(headers)) if (isIdentityHeaderName(name)) delete headers[name];
  if (o.setHeaders) for (const [name, value] of Object.entries(o.setHeaders)) headers[name] = [{ key: canonicalName(name), value }];
  cf.headers = headers;
  if (o.uri) cf.uri = o.uri;
  return cf;
}

export type ViewerRequestHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequest | CloudFrontResultResponse>;

/**
 * Wraps a decision into a Lambda@Edge viewer-request handler that never throws and logs every decision: a line
 * with its EMF record, except the expected ones (signed-in, public, preflight), which at the default `info` level
 * are only counted and written now and then as one aggregated record per reason (shared/log.ts).
 */
export function viewerHandler(decide: (req: EdgeRequest, ctx: EdgeContext) => Promise<Outcome>, sites: EdgeContext | readonly SiteContext[]): ViewerRequestHandler {
  const all: readonly SiteContext[] = Array.isArray(sites) ? sites : [{ hosts: ["*"], ctx: sites as EdgeContext }];
  return async (event) => {
    const cf = event?.Records?.[0]?.cf?.request;
    // The site is picked by the Host header; a host no site names is for none of them (and gets no session).
    const site = siteFor(all, cf?.headers?.host?.[0]?.value);
    const ctx = (site ?? all[0]!).ctx;
    if (!cf || typeof cf !== "object") {
      ctx.log.decision("error:bad-event");
      return toResponse({ ...errorResponse(ctx.config, "bad-request"), reason: "error:bad-event" });
    }
    let outcome: Outcome;
    try {
      const req = toEdgeRequest(cf);
      if (!site) {
        outcome = { ...errorResponse(ctx.config, "unknown-host"), reason: "error:unknown-host" };
      } else if (!req.uri.startsWith("/")) {
        // CloudFront always sends an absolute path; anything else is not a request we can judge (or forward).
        outcome = { ...errorResponse(ctx.config, "bad-request"), reason: "error:bad-uri" };
      } else if (req.uri.length > MAX_URI || req.querystring.length > MAX_URI) {
        outcome = { ...errorResponse(ctx.config, "uri-too-long"), reason: "error:uri-too-long" };
      } else outcome = await decide(req, ctx);
    } catch (err) {
      // Unexpected: log the kind of error only (messages could carry request data), answer with a page.
      ctx.log.log("error", "unexpected error", { error: err instanceof Error ? err.name : typeof err });
      outcome = { ...errorResponse(ctx.config, "internal"), reason: "error:internal" };
    }
    let was: Reason | undefined;
    if (outcome.kind === "respond" && responseSize(outcome) > MAX_RESPONSE_BYTES) {
      // Never hand CloudFront a response it would turn into a 502: keep the decision, drop what made it big.
      was = outcome.reason;
      outcome = { ...errorResponse(ctx.config, "response-too-large"), reason: "error:response-too-large" };
    }
    const path = typeof cf.uri === "string" ? cf.uri.slice(0, 256) : "";
    ctx.log.decision(outcome.reason, { path, status: outcome.kind === "respond" ? outcome.status : undefined, was });
    return applyOutcome(cf, outcome);
  };
}
