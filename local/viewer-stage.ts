/**
 * The viewer-request stage of the local CloudFront: runs the function of the request's cache behaviour — a
 * Lambda@Edge bundle with the Lambda@Edge event, or a CloudFront Function in the runtime emulator with its own event
 * (local/viewer-function.ts) — and says, in one shape for both, what it decided: on to the origin, a response for
 * the viewer, or the 502/503 CloudFront answers when the function fails. Also the header conversions both need.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
 */
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from "aws-lambda";
import type { Paths } from "../shared/config/types";
import { invoke } from "./lambda-runtime";
import type { LoadedHandler } from "./lambda-runtime";
import type { ResponseHeaders } from "./response-headers-policy";
import { failureName, functionReason, runViewerFunction } from "./viewer-function";
import type { LoadedViewerFunction } from "./viewer-function";

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

/** CloudFront's `{ key, value }` headers as lower-case names to every value. */
export function flatten(headers: CloudFrontHeaders | undefined): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, values] of Object.entries(headers ?? {})) out[name] = values.map((v) => v.value);
  return out;
}

/** Header lines (any case, repeats allowed) as lower-case names to every value. */
export function byName(lines: [string, string][]): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, value] of lines) (out[name.toLowerCase()] ??= []).push(value);
  return out;
}

/** Headers as the origin reads them: one value per name (cookies joined with "; ", others with ", "). */
export function originHeaders(headers: ResponseHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [h, values] of Object.entries(headers)) out[h] = values.join(h === "cookie" ? "; " : ", ");
  return out;
}

/** What the viewer-request stage decided, whichever runtime ran the behaviour's function. */
export type ViewerStage =
  /** On to the origin; `request` is also what an origin-response Lambda sees as the event's request. */
  | { kind: "forward"; request: CloudFrontRequest; reason: string }
  | { kind: "respond"; status: number; statusText?: string; headers: ResponseHeaders; body: Buffer; reason?: string }
  | { kind: "failed"; status: 502 | 503; text: string; reason: string };

/** What a request carries into a viewer function, whichever runtime. */
export interface ViewerInput {
  request: CloudFrontRequest;
  /** The viewer's header lines (with CloudFront's added ones). */
  headerLines: [string, string][];
  config: CloudFrontRequestEvent["Records"][number]["cf"]["config"];
  log: (line: string) => void;
}

/** Runs a Lambda@Edge viewer-request function (CloudFront answers 503 when it throws, 502 for an invalid result). */
export async function lambdaViewer(viewerFn: LoadedHandler, name: string, input: ViewerInput): Promise<ViewerStage> {
  const event: CloudFrontRequestEvent = { Records: [{ cf: { config: { ...input.config, eventType: "viewer-request" }, request: input.request } }] };
  let viewer;
  try {
    viewer = await invoke(() => viewerFn(event, { functionName: name, awsRequestId: input.config.requestId }));
  } catch (err) {
    input.log(`${name} threw: ${(err as Error).stack ?? String(err)}`);
    return { kind: "failed", status: 503, text: `503: the Lambda function ${name} failed (CloudFront shows this as LambdaExecutionError).`, reason: "lambda-error" };
  }
  for (const line of viewer.log.lines) if (!line.includes('"msg":"decision"')) input.log(`${name}: ${line}`);
  const result = viewer.result as CloudFrontResultResponse | CloudFrontRequest;
  const generated = typeof result === "object" && result !== null && "status" in result;
  const problems = resultProblems(result, generated);
  if (problems.length) {
    input.log(`${name} returned an invalid result: ${problems.join("; ")}`);
    return { kind: "failed", status: 502, text: `502: the Lambda function ${name} returned an invalid result (LambdaValidationError).`, reason: "invalid-result" };
  }
  const reason = viewer.log.reason;
  if (!generated) return { kind: "forward", request: result as CloudFrontRequest, reason: reason ?? "forward" };
  const r = result as CloudFrontResultResponse;
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.bodyEncoding === "base64" ? "base64" : "utf8");
  return { kind: "respond", status: Number(r.status), ...(r.statusDescription ? { statusText: r.statusDescription } : {}), headers: flatten(r.headers), body, ...(reason ? { reason } : {}) };
}

/**
 * Runs the CloudFront Function of a behaviour in the emulator, on the event CloudFront would build; `paths` name
 * where its redirects go, for the log's reason.
 */
export async function functionViewer(loaded: LoadedViewerFunction, paths: Paths, input: ViewerInput): Promise<ViewerStage> {
  const name = loaded.name;
  const { request, config } = input;
  const outcome = await runViewerFunction(loaded.fn, {
    method: request.method,
    path: request.uri,
    query: request.querystring,
    headers: input.headerLines,
    ip: request.clientIp,
    distributionDomainName: config.distributionDomainName,
    distributionId: config.distributionId,
    requestId: config.requestId,
  });
  for (const line of outcome.logs) input.log(`${name}: ${line}`);
  const reason = functionReason(outcome, paths);
  if (outcome.kind === "failed") {
    input.log(`${name} failed: ${outcome.message}`);
    return { kind: "failed", status: outcome.status, text: `${outcome.status}: the CloudFront Function ${name} failed (CloudFront shows this as ${failureName(outcome.status)}).`, reason };
  }
  if (outcome.kind === "respond") {
    const r = outcome.response;
    return { kind: "respond", status: r.status, ...(r.statusText ? { statusText: r.statusText } : {}), headers: byName(r.headers), body: r.body ?? Buffer.alloc(0), reason };
  }
  const o = outcome.request;
  return {
    kind: "forward",
    request: { clientIp: request.clientIp, method: o.method, uri: o.uri, querystring: o.querystring, headers: toCloudFrontHeaders(o.headers.flat()) },
    reason,
  };
}
