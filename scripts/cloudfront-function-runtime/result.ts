/**
 * Checks what a viewer-request handler returned against the documented shapes before anything uses it: a request
 * (`method`, `uri`, `querystring`, `headers`, `cookies`) or a response (`statusCode`, optional `statusDescription`,
 * `headers`, `cookies` with `attributes`, `body` as text or `{ data, encoding }`), plus the edge-function rules on
 * headers, URIs and query strings. A failure is a `bad-result` with status 502, which the edge-function
 * restrictions give for a result that "fails CloudFront validation".
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html
 */
import { CloudFrontFunctionError } from "./errors";
import { serializeQuerystring } from "./event";
import { READ_ONLY_REQUEST_HEADERS, isDisallowedHeader } from "./headers";
import type { CffRequest, CffResponse, CffSetCookie, CffValue, CffViewerRequestEvent } from "./types";

/** "The total size of the URI, including the query string, must be less than 8,192 characters." */
export const MAX_URI_CHARS = 8192;

const fail = (message: string) => new CloudFrontFunctionError("bad-result", message, undefined, 502);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
// Header values, cookie values and attributes end up on an HTTP line: no CR, LF or NUL.
const LINE_SAFE = /^[^\r\n\0]*$/;

function checkText(v: unknown, where: string): string {
  if (typeof v !== "string") throw fail(`${where} must be a string, got ${v === null ? "null" : typeof v}`);
  if (!LINE_SAFE.test(v)) throw fail(`${where} contains a line break or NUL`);
  return v;
}

function checkEntries(v: unknown, where: string, withAttributes: boolean): void {
  if (!isObject(v)) throw fail(`${where} must be an object of { value } entries`);
  for (const [name, entry] of Object.entries(v)) {
    if (!isObject(entry)) throw fail(`${where}["${name}"] must be an object with a string value`);
    checkText(entry.value, `${where}["${name}"].value`);
    if (withAttributes && entry.attributes !== undefined) checkText(entry.attributes, `${where}["${name}"].attributes`);
    if (entry.multiValue === undefined) continue;
    if (!Array.isArray(entry.multiValue)) throw fail(`${where}["${name}"].multiValue must be an array`);
    entry.multiValue.forEach((item: unknown, i: number) => {
      if (!isObject(item)) throw fail(`${where}["${name}"].multiValue[${i}] must be an object`);
      checkText(item.value, `${where}["${name}"].multiValue[${i}].value`);
      if (withAttributes && item.attributes !== undefined) checkText(item.attributes, `${where}["${name}"].multiValue[${i}].attributes`);
    });
  }
}

function checkHeaders(v: unknown, original?: Record<string, CffValue>): void {
  checkEntries(v, "headers", false);
  for (const [name, entry] of Object.entries(v as Record<string, CffValue>)) {
    if (!TOKEN.test(name)) throw fail(`header name "${name}" must be lower case (and a valid HTTP token)`);
    if (isDisallowedHeader(name)) throw fail(`a function can't add the header "${name}"`);
    if (original && READ_ONLY_REQUEST_HEADERS.includes(name)) {
      const before = original[name];
      if (!before || JSON.stringify(before) !== JSON.stringify({ value: entry.value, ...(entry.multiValue ? { multiValue: entry.multiValue } : {}) })) {
        throw fail(`the header "${name}" is read-only in viewer request events`);
      }
    }
  }
}

function checkRequest(r: Record<string, unknown>, event: CffViewerRequestEvent): CffRequest {
  if (r.method !== event.request.method) throw fail("request.method is read-only");
  const uri = checkText(r.uri, "request.uri");
  if (!uri.startsWith("/")) throw fail(`request.uri must begin with "/", got "${uri}"`);
  if (typeof r.querystring !== "string") checkEntries(r.querystring, "request.querystring", false);
  checkHeaders(r.headers, event.request.headers);
  checkEntries(r.cookies, "request.cookies", false);
  const request = r as unknown as CffRequest;
  const qs = serializeQuerystring(request.querystring, event.request.querystring);
  // "The query string can't include spaces, control characters, or the fragment identifier (#)."
  if (/[\s\x00-\x1f\x7f#]/.test(qs)) throw fail("the query string can't include spaces, control characters or #");
  if (uri.length + (qs ? qs.length + 1 : 0) >= MAX_URI_CHARS) throw fail(`the URI with its query string must be under ${MAX_URI_CHARS} characters`);
  return request;
}

function checkBody(body: unknown): void {
  if (body === undefined || typeof body === "string") return;
  if (!isObject(body) || typeof body.data !== "string") throw fail("response.body must be a string or { data, encoding }");
  if (body.encoding !== "text" && body.encoding !== "base64") throw fail(`response.body.encoding must be "text" or "base64"`);
  // "If you specify encoding as base64 but the body is not valid base64, CloudFront returns an error."
  if (body.encoding === "base64" && !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(body.data)) {
    throw fail("response.body.data is not valid base64");
  }
}

function checkResponse(r: Record<string, unknown>): CffResponse {
  const status = r.statusCode;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) {
    throw fail(`response.statusCode must be an integer HTTP status, got ${JSON.stringify(status)}`);
  }
  if (r.statusDescription !== undefined) checkText(r.statusDescription, "response.statusDescription");
  if (r.headers !== undefined) checkHeaders(r.headers);
  if (r.cookies !== undefined) {
    checkEntries(r.cookies, "response.cookies", true);
    for (const name of Object.keys(r.cookies as Record<string, CffSetCookie>)) {
      if (!TOKEN.test(name.toLowerCase())) throw fail(`cookie name "${name}" is not a valid HTTP token`);
    }
  }
  checkBody(r.body);
  return r as unknown as CffResponse;
}

/**
 * Returns the handler's result, typed, when it is a valid request (for `event`) or response; throws a `bad-result`
 * `CloudFrontFunctionError` (status 502) naming the first problem otherwise.
 */
export function checkResult(raw: unknown, event: CffViewerRequestEvent): { kind: "request"; request: CffRequest } | { kind: "response"; response: CffResponse } {
  if (!isObject(raw)) throw fail(`the handler must return a request or a response object, got ${raw === null ? "null" : typeof raw}`);
  if ("statusCode" in raw) return { kind: "response", response: checkResponse(raw) };
  return { kind: "request", request: checkRequest(raw, event) };
}
