/**
 * The one way edge functions talk to Cognito: a small HTTP(S) client with a hard overall timeout and a size cap.
 * `node:https`/`node:http` are loaded on the first call, not when the bundle loads: a signed-in request never
 * needs them, so a cold start should not pay for them.
 */
import type { IncomingMessage } from "node:http";

export interface HttpRequest {
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Overall deadline in milliseconds: connect, send and read the whole response. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  body: Buffer;
}

/** What decisions depend on; tests hand in a stand-in, production uses `nodeHttpClient`. */
export type HttpClient = (url: string, req: HttpRequest) => Promise<HttpResponse>;

/** Responses from Cognito are a few KB; anything bigger than this is not a Cognito answer. */
const MAX_RESPONSE_BYTES = 512 * 1024;

export class HttpError extends Error {
  constructor(readonly kind: "timeout" | "network" | "too-large") {
    super(`http ${kind}`);
  }
}

type HttpModule = typeof import("node:http");
const loaded: { http?: HttpModule; https?: HttpModule } = {};

/** Loads node:http / node:https on first use and keeps them: a dynamic import costs far more than a lookup. */
async function load(scheme: "http" | "https"): Promise<HttpModule> {
  return (loaded[scheme] ??= (scheme === "http" ? await import("node:http") : await import("node:https")) as HttpModule);
}

export const nodeHttpClient: HttpClient = async (url, req) => {
  const target = new URL(url);
  const mod = await load(target.protocol === "http:" ? "http" : "https");
  return new Promise<HttpResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (err: Error | null, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        request.destroy();
        reject(err);
      } else resolve(res!);
    };
    const timer = setTimeout(() => done(new HttpError("timeout")), req.timeoutMs);
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
    const request = mod.request(target, { method: req.method, headers }, (res: IncomingMessage) => {
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) done(new HttpError("too-large"));
        else chunks.push(chunk);
      });
      res.on("end", () => done(null, { status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", () => done(new HttpError("network")));
    });
    request.on("error", () => done(new HttpError("network")));
    request.end(req.body);
  });
};
