/**
 * The CloudFront Function of the cloudfront-function hot path, inside the local CloudFront: the BUILT function
 * (`<outdir>/check-auth-function/index.js`) loaded into the runtime emulator (local/cloudfront-function/) with its
 * KeyValueStore from the built `kvs.json`, and run for one HTTP request the way CloudFront does — the event built
 * from the request, a returned request sent on to the origin, a returned response sent to the viewer, and a
 * function that fails answered with the 503 or 502 CloudFront gives.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Paths } from "../shared/config/types";
import { ERRORS } from "../shared/edge/errors";
import { FUNCTION_ERRORS } from "../shared/function/config";
import { buildViewerRequestEvent, toOriginRequest, toViewerResponse } from "./cloudfront-function/event";
import type { HttpRequestInput, OriginRequest, ViewerResponse } from "./cloudfront-function/event";
import { CloudFrontFunctionError, loadCloudFrontFunction } from "./cloudfront-function/runtime";
import type { CloudFrontFunction, CloudFrontFunctionErrorCode, KvsData } from "./cloudfront-function/runtime";

/** A loaded CloudFront Function and what it was loaded from. */
export interface LoadedViewerFunction {
  name: string;
  fn: CloudFrontFunction;
  /** Keys in its KeyValueStore (never their values: the store holds the session key). */
  kvsKeys: string[];
}

/**
 * Loads `<outdir>/<name>/index.js` into the emulator, with the KeyValueStore in `<outdir>/<name>/kvs.json` when
 * there is one. Throws a `CloudFrontFunctionError` when CloudFront would refuse the code. `budgetMs` is the
 * emulator's compute budget per run (default: its own, `DEFAULT_BUDGET_MS`).
 */
export function loadViewerFunction(outdir: string, name: string, budgetMs?: number): LoadedViewerFunction {
  const dir = join(outdir, name);
  const code = readFileSync(join(dir, "index.js"), "utf8");
  const kvsFile = join(dir, "kvs.json");
  const kvs = existsSync(kvsFile) ? (JSON.parse(readFileSync(kvsFile, "utf8")) as KvsData) : undefined;
  const fn = loadCloudFrontFunction(code, { ...(kvs ? { kvs } : {}), ...(budgetMs !== undefined ? { budgetMs } : {}) });
  return { name, fn, kvsKeys: kvs ? kvs.data.map((d) => d.key) : [] };
}

/** What one run of a viewer-request CloudFront Function means for the request. */
export type ViewerFunctionOutcome =
  /** On to the origin, as the function left the request. */
  | { kind: "forward"; request: OriginRequest; logs: string[] }
  /** A response the function generated, for the viewer. */
  | { kind: "respond"; response: ViewerResponse; logs: string[] }
  /** The function failed: CloudFront answers `status` (503 FunctionExecutionError, 502 FunctionValidationError). */
  | { kind: "failed"; status: 502 | 503; code: CloudFrontFunctionErrorCode; message: string; logs: string[] };

/** Runs `fn` for one viewer request (`input.query` is the raw query string, forwarded as sent when unchanged). */
export async function runViewerFunction(fn: CloudFrontFunction, input: HttpRequestInput): Promise<ViewerFunctionOutcome> {
  const event = buildViewerRequestEvent(input);
  try {
    const r = await fn.run(event);
    if (r.kind === "request") return { kind: "forward", request: toOriginRequest(r.request, event, input.query ?? ""), logs: r.logs };
    return { kind: "respond", response: toViewerResponse(r.response), logs: r.logs };
  } catch (err) {
    if (err instanceof CloudFrontFunctionError && err.status !== undefined) {
      return { kind: "failed", status: err.status, code: err.code, message: err.message, logs: err.logs };
    }
    throw err;
  }
}

/** The CloudFront error name for a failed function, as CloudFront's access logs and error pages name it. */
export const failureName = (status: 502 | 503) => (status === 503 ? "FunctionExecutionError" : "FunctionValidationError");

const header = (r: ViewerResponse, name: string) => r.headers.find(([n]) => n.toLowerCase() === name)?.[1];

/**
 * A short reason for the stack's log line, read off what the function did (the function logs no decision line):
 * `forward` (the local CloudFront then names why, `forward-reason.ts`); `sign-in` / `refresh` for a redirect to
 * `paths.signIn` / `paths.refresh`, else `redirect`; the error code of a 401 JSON answer; the code of an error page
 * (matched on its status and sentence in the error table); `status-<n>` when none of these fits;
 * `function-error:<code>` for a failure.
 */
export function functionReason(outcome: ViewerFunctionOutcome, paths: Pick<Paths, "signIn" | "refresh">): string {
  if (outcome.kind === "forward") return "forward";
  if (outcome.kind === "failed") return `function-error:${outcome.code}`;
  const r = outcome.response;
  const location = header(r, "location");
  if (location !== undefined) {
    let path = "";
    try {
      path = new URL(location, "http://x").pathname;
    } catch {
      // not a URL: a plain redirect
    }
    return path === paths.signIn ? "sign-in" : path === paths.refresh ? "refresh" : "redirect";
  }
  const body = r.body?.toString("utf8") ?? "";
  if ((header(r, "content-type") ?? "").startsWith("application/json")) {
    try {
      const error = (JSON.parse(body) as { error?: unknown }).error;
      if (typeof error === "string") return error;
    } catch {
      // not JSON after all
    }
  }
  const code = FUNCTION_ERRORS.find((c) => ERRORS[c].status === r.status && body.includes(`<p>${escapeLikeTheFunction(ERRORS[c].reason)}</p>`));
  return code ?? `status-${r.status}`;
}

/** The escaping the function's pages use (shared/function/check.ts), to find a sentence of the error table. */
const escapeLikeTheFunction = (s: string) => s.replace(/[&<>"'`=/]/g, (ch) => `&#${ch.charCodeAt(0)};`);
