/**
 * Translates between plain HTTP and the CloudFront Functions event and result objects, the way the docs say
 * CloudFront populates and reads them: lower-case header names, repeated names collapsed into `multiValue`, `Cookie`
 * headers only in `cookies`, disallowed headers not exposed, URI and query string passed "without changing them"
 * (no percent-decoding), and header names capitalised word by word on the way back.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html
 */
import { randomBytes } from "node:crypto";
import { isDisallowedHeader } from "./headers";
import type { CffRequest, CffResponse, CffSetCookie, CffValue, CffViewerRequestEvent } from "./types";

/** A request as an HTTP server sees it. */
export interface HttpRequestInput {
  method: string;
  /** The path as sent, without the query string, e.g. `/a%20b/`. */
  path: string;
  /** The raw query string without `?`: absent when there was no `?`, empty for a bare `?`. */
  query?: string;
  /** Header lines in order, names in any case, repeats allowed (see `headerPairs`). */
  headers: [string, string][];
  ip: string;
  distributionDomainName?: string;
  distributionId?: string;
  requestId?: string;
}

/** Node's flat `req.rawHeaders` (`[name, value, name, value, …]`) as pairs. */
export function headerPairs(rawHeaders: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i] as string, rawHeaders[i + 1] as string]);
  return pairs;
}

/** Adds one value under `name`, keeping the first in `value` and all of them in `multiValue` once a name repeats. */
function add(into: Record<string, CffValue>, name: string, value: string): void {
  const seen = into[name];
  if (!seen) into[name] = { value };
  else (seen.multiValue ??= [{ value: seen.value }]).push({ value });
}

/** Splits a query string on `&` and each parameter at its first `=`; names and values stay as sent. */
export function parseQuerystring(raw: string): Record<string, CffValue> {
  const qs: Record<string, CffValue> = {};
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    add(qs, eq < 0 ? part : part.slice(0, eq), eq < 0 ? "" : part.slice(eq + 1));
  }
  return qs;
}

/** Parses `Cookie` header values (`a=1; b=2`) into `cookies`; a repeated name gets `multiValue`. */
export function parseCookies(headerValues: string[]): Record<string, CffValue> {
  const cookies: Record<string, CffValue> = {};
  for (const pair of headerValues.flatMap((v) => v.split(";"))) {
    const trimmed = pair.trim();
    if (trimmed === "") continue;
    const eq = trimmed.indexOf("=");
    add(cookies, eq < 0 ? trimmed : trimmed.slice(0, eq).trim(), eq < 0 ? "" : trimmed.slice(eq + 1).trim());
  }
  return cookies;
}

/** The query string each built event came from, exactly as sent, for `request.rawQueryString()`. */
const rawQueries = new WeakMap<CffViewerRequestEvent, string | undefined>();

/**
 * What `event.request.rawQueryString()` returns in runtime 2.0: the query string as sent, unparsed and without `?`;
 * `""` for a bare `?`, `undefined` when there is no `?`. An event not made by `buildViewerRequestEvent` gets its
 * query string re-serialised (and `undefined` when it has none).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/general-helper-methods.html
 */
export function rawQueryStringOf(event: CffViewerRequestEvent): string | undefined {
  if (rawQueries.has(event)) return rawQueries.get(event);
  const qs = serializeQuerystring(event.request.querystring);
  return qs === "" ? undefined : qs;
}

/**
 * Source text that gives the event variable `name` its `request.rawQueryString()` method, inside the sandbox or
 * njs. Not enumerable, so it is not part of the request the function returns.
 */
export const defineRawQueryString = (name: string, raw: string | undefined) =>
  `Object.defineProperty(${name}.request, "rawQueryString", { value: function () { return ${raw === undefined ? "undefined" : JSON.stringify(raw)}; } });`;

/** Builds the event CloudFront passes a viewer-request function. */
export function buildViewerRequestEvent(input: HttpRequestInput): CffViewerRequestEvent {
  const headers: Record<string, CffValue> = {};
  const cookieValues: string[] = [];
  for (const [rawName, value] of input.headers) {
    const name = rawName.toLowerCase();
    if (name === "cookie") cookieValues.push(value);
    else if (!isDisallowedHeader(name)) add(headers, name, value);
  }
  const event: CffViewerRequestEvent = {
    version: "1.0",
    context: {
      distributionDomainName: input.distributionDomainName ?? "d111111abcdef8.cloudfront.net",
      distributionId: input.distributionId ?? "EDFDVBD6EXAMPLE",
      eventType: "viewer-request",
      requestId: input.requestId ?? randomBytes(42).toString("base64url"),
    },
    viewer: { ip: input.ip },
    request: { method: input.method, uri: input.path, querystring: parseQuerystring(input.query ?? ""), headers, cookies: parseCookies(cookieValues) },
  };
  rawQueries.set(event, input.query);
  return event;
}

const sameValues = (a: string[], b: string[] | undefined) => b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The values a field stands for, by the documented rule: "If the multiValue array exists and has any modification,
 * then that modification is applied. … Otherwise, any modification to the value property is applied, and subsequent
 * values (if they exist) remain unchanged." `original` is the field as it was in the event, if it was there.
 */
export function effectiveValues(field: CffValue, original?: CffValue): string[] {
  const multi = field.multiValue?.map((v) => v.value);
  const before = original?.multiValue?.map((v) => v.value);
  if (multi && !sameValues(multi, before)) return multi;
  return [field.value, ...(before ?? []).slice(1)];
}

/** A query string as it goes on to the origin: a returned string as is, an object as `name=value&…`. */
export function serializeQuerystring(qs: CffRequest["querystring"], original: Record<string, CffValue> = {}): string {
  if (typeof qs === "string") return qs;
  return Object.entries(qs)
    .flatMap(([name, field]) => effectiveValues(field, original[name]).map((v) => (v === "" ? name : `${name}=${v}`)))
    .join("&");
}

/** `example-header-name` → `Example-Header-Name`, as CloudFront writes header names back. */
export const capitalizeHeaderName = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

/** What goes on to the origin for a request result. */
export interface OriginRequest {
  method: string;
  uri: string;
  /** Without `?`; empty when there is none. */
  querystring: string;
  headers: [string, string][];
}

/** The origin request for `request` (returned by the function) given the `event` it received. */
export function toOriginRequest(request: CffRequest, event: CffViewerRequestEvent, rawQuery = ""): OriginRequest {
  const before = event.request;
  const unchanged = JSON.stringify(request.querystring) === JSON.stringify(before.querystring);
  // "If a function does not change the URI or query string, CloudFront forwards the values that it received."
  const querystring = unchanged ? rawQuery : serializeQuerystring(request.querystring, before.querystring);
  const headers: [string, string][] = Object.entries(request.headers).flatMap(([name, field]) =>
    effectiveValues(field, before.headers[name]).map((v): [string, string] => [capitalizeHeaderName(name), v]),
  );
  const cookie = Object.entries(request.cookies)
    .flatMap(([name, field]) => effectiveValues(field, before.cookies[name]).map((v) => `${name}=${v}`))
    .join("; ");
  if (cookie) headers.push(["Cookie", cookie]);
  return { method: request.method, uri: request.uri, querystring, headers };
}

/** What goes to the viewer for a response result. */
export interface ViewerResponse {
  status: number;
  statusText?: string;
  /** Including one `Set-Cookie` line per cookie value. */
  headers: [string, string][];
  body?: Buffer;
}

const setCookieLines = (name: string, c: CffSetCookie) =>
  (c.multiValue ?? [{ value: c.value, attributes: c.attributes }]).map((v) => `${name}=${v.value}${v.attributes ? `; ${v.attributes}` : ""}`);

/** The HTTP response for a generated `response`; cookies become `Set-Cookie: name=value; attributes`. */
export function toViewerResponse(response: CffResponse): ViewerResponse {
  const headers: [string, string][] = Object.entries(response.headers ?? {}).flatMap(([name, field]) =>
    effectiveValues(field).map((v): [string, string] => [capitalizeHeaderName(name), v]),
  );
  for (const [name, c] of Object.entries(response.cookies ?? {})) for (const line of setCookieLines(name, c)) headers.push(["Set-Cookie", line]);
  const b = response.body;
  const body = b === undefined ? undefined : typeof b === "string" ? Buffer.from(b, "utf8") : Buffer.from(b.data, b.encoding === "base64" ? "base64" : "utf8");
  return { status: response.statusCode, ...(response.statusDescription ? { statusText: response.statusDescription } : {}), headers, ...(body ? { body } : {}) };
}
