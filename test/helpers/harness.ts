/**
 * Unit-test harness: a Cognito stand-in behind the `HttpClient` interface (token, revoke and JWKS endpoints that
 * check what Cognito checks), a deterministic random source, a fixed clock, a captured log sink, and a small
 * cookie jar to carry Set-Cookie values from one decision to the next.
 */
import { createHash } from "node:crypto";
import { afterEach, beforeEach, vi } from "vitest";
import type { CloudFrontRequest } from "aws-lambda";
import type { ResolvedConfig } from "../../shared/config/types";
import { createContext } from "../../shared/edge/deps";
import type { EdgeContext } from "../../shared/edge/deps";
import { toEdgeRequest } from "../../shared/edge/lambda-edge";
import type { EdgeRequest } from "../../shared/edge/request";
import { HttpError } from "../../shared/edge/http";
import { createTokenVerifier } from "../../shared/edge/tokens/verifier";
import type { HttpClient, HttpRequest, HttpResponse } from "../../shared/edge/http";
import { sign, idClaims, accessClaims } from "./tokens";
import type { Issuer, UserSpec } from "./tokens";
import { viewerRequest } from "./events";
import type { RequestSpec } from "./events";

/**
 * Freezes `Date` at NOW_MS around every test of the calling file (the decisions get `now` injected; this keeps
 * the few library reads of the clock, and token helpers, on the same instant).
 */
export function useFixedClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW_MS);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** Set-Cookie values → the Cookie header a browser would send back (expired ones left out). */
export function cookieHeaderOf(setCookies: readonly string[]): string {
  return setCookies
    .map(parseSetCookie)
    .filter((c) => c.attrs["max-age"] !== "0")
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
}

/** The fixed "now" of unit tests (2030-01-01T00:00:00Z), milliseconds. */
export const NOW_MS = Date.UTC(2030, 0, 1, 0, 0, 0);
export const NOW_S = Math.floor(NOW_MS / 1000);

export const HOST = "d111111abcdef8.cloudfront.net";
export const ORIGIN = `https://${HOST}`;
export const HOSTED_UI = "https://auth.example.com";

export interface Call {
  url: string;
  req: HttpRequest;
  form?: URLSearchParams;
}

type Answer = HttpResponse | "timeout" | "network";

interface IssuedCode {
  challenge: string;
  nonce: string;
  redirectUri: string;
  user: UserSpec;
  used: boolean;
}

export interface StandIn {
  http: HttpClient;
  calls: Call[];
  /** Keys the JWKS endpoint serves. */
  jwksKeys: Record<string, unknown>[];
  /** Overrides per endpoint: a fixed answer instead of the Cognito-like behaviour. */
  override: Partial<Record<"token" | "revoke" | "jwks", Answer | ((call: Call) => Answer)>>;
  /** What the stand-in Hosted UI would do after the user signs in: returns a fresh code bound to the challenge. */
  issueCode(p: { challenge: string; nonce: string; redirectUri: string; user?: UserSpec }): string;
  /** Registers a refresh token for a user. */
  issueRefresh(user?: UserSpec): string;
  revoked: string[];
  /** Tokens and codes the stand-in has handed out (to assert that none ever appears in logs). */
  secrets: string[];
}

const json = (status: number, body: unknown): HttpResponse => ({ status, body: Buffer.from(JSON.stringify(body)) });

/** A Cognito stand-in: checks client_id, Basic auth (when `clientSecret`), redirect_uri and the PKCE verifier. */
export function cognitoStandIn(iss: Issuer, config: ResolvedConfig, o: { signWith?: Issuer } = {}): StandIn {
  const codes = new Map<string, IssuedCode>();
  const refresh = new Map<string, UserSpec>();
  let n = 0;
  const stand: StandIn = {
    calls: [],
    jwksKeys: [iss.key.jwk],
    override: {},
    revoked: [],
    secrets: [],
    issueCode(p) {
      const code = `code-${++n}-${"c".repeat(20)}`;
      codes.set(code, { ...p, user: p.user ?? {}, used: false });
      stand.secrets.push(code);
      return code;
    },
    issueRefresh(user = {}) {
      const token = `refresh-${++n}-${"r".repeat(40)}`;
      refresh.set(token, user);
      stand.secrets.push(token);
      return token;
    },
    http: async (url, req) => {
      const call: Call = { url, req, ...(req.body !== undefined ? { form: new URLSearchParams(req.body) } : {}) };
      stand.calls.push(call);
      const endpoint = url === `${config.domain}/oauth2/token` ? "token" : url === `${config.domain}/oauth2/revoke` ? "revoke" : url === config.jwksUri ? "jwks" : undefined;
      if (!endpoint) return json(404, { error: "not_found" });
      const ov = stand.override[endpoint];
      const answer = typeof ov === "function" ? ov(call) : ov ?? behave(endpoint, call);
      if (answer === "timeout") throw new HttpError("timeout");
      if (answer === "network") throw new HttpError("network");
      return answer;
    },
  };

  const clientOk = (call: Call): boolean => {
    const form = call.form!;
    if (form.get("client_id") !== config.clientId) return false;
    const auth = call.req.headers?.authorization;
    if (config.clientSecret) {
      return auth === `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`;
    }
    return auth === undefined;
  };
  const tokensOf = (user: UserSpec, withRefresh?: string) => {
    const signer = o.signWith ?? iss;
    const u = { iat: NOW_S - 1, ...user };
    const idToken = sign(idClaims(signer, u), signer.key);
    const accessToken = sign(accessClaims(signer, u), signer.key);
    stand.secrets.push(idToken, accessToken);
    return { id_token: idToken, access_token: accessToken, expires_in: 3600, token_type: "Bearer", ...(withRefresh ? { refresh_token: withRefresh } : {}) };
  };

  function behave(endpoint: "token" | "revoke" | "jwks", call: Call): Answer {
    if (endpoint === "jwks") return json(200, { keys: stand.jwksKeys });
    if (call.req.method !== "POST" || !call.form) return json(405, { error: "invalid_request" });
    if (!clientOk(call)) return json(400, { error: "invalid_client" });
    const form = call.form;
    if (endpoint === "revoke") {
      const t = form.get("token") ?? "";
      stand.revoked.push(t);
      refresh.delete(t);
      return { status: 200, body: Buffer.alloc(0) };
    }
    if (form.get("grant_type") === "authorization_code") {
      const c = codes.get(form.get("code") ?? "");
      if (!c || c.used) return json(400, { error: "invalid_grant" });
      c.used = true;
      const verifier = form.get("code_verifier") ?? "";
      if (createHash("sha256").update(verifier).digest("base64url") !== c.challenge) return json(400, { error: "invalid_grant" });
      if (form.get("redirect_uri") !== c.redirectUri) return json(400, { error: "invalid_grant" });
      return json(200, tokensOf({ ...c.user, nonce: c.nonce }, stand.issueRefresh(c.user)));
    }
    if (form.get("grant_type") === "refresh_token") {
      const user = refresh.get(form.get("refresh_token") ?? "");
      if (!user) return json(400, { error: "invalid_grant" });
      return json(200, tokensOf(user));
    }
    return json(400, { error: "unsupported_grant_type" });
  }
  return stand;
}

/** Deterministic bytes: SHA-256 of a seed and a counter, so every call differs but runs repeat. */
export function deterministicRandom(seed = "seed"): (bytes: number) => Buffer {
  let counter = 0;
  return (bytes) => {
    const out: Buffer[] = [];
    let len = 0;
    while (len < bytes) {
      const b = createHash("sha256").update(`${seed}:${counter++}`).digest();
      out.push(b);
      len += b.length;
    }
    return Buffer.concat(out).subarray(0, bytes);
  };
}

export interface TestContext {
  ctx: EdgeContext;
  logs: string[];
}

let contexts = 0;

/** A context with the stand-in network, the fixed clock (overridable) and a captured log sink. Each context's
 *  random source has its own seed (two contexts = two browsers' sign-ins), repeatable from run to run. */
export function makeContext(config: ResolvedConfig, http: HttpClient, o: { fn?: string; now?: () => number; seed?: string } = {}): TestContext {
  const logs: string[] = [];
  const ctx = createContext(config, o.fn ?? "check-auth", {
    http,
    verifier: createTokenVerifier,
    now: o.now ?? (() => NOW_MS),
    random: deterministicRandom(o.seed ?? `context-${++contexts}`),
    sink: (line) => logs.push(line),
  });
  return { ctx, logs };
}

/** The CloudFront request of a viewer-request event. */
export function cfRequest(spec: RequestSpec = {}): CloudFrontRequest {
  return viewerRequest({ host: HOST, ...spec }).Records[0]!.cf.request;
}

/** A plain EdgeRequest, as a handler would build it from a CloudFront event. */
export function edgeRequest(spec: RequestSpec = {}): EdgeRequest {
  return toEdgeRequest(cfRequest(spec));
}

/** Name (as sent on the wire), value and attributes of a Set-Cookie value. */
export function parseSetCookie(setCookie: string): { name: string; value: string; attrs: Record<string, string | true> } {
  const [pair, ...rest] = setCookie.split(";");
  const eq = pair!.indexOf("=");
  const attrs: Record<string, string | true> = {};
  for (const a of rest) {
    const [k, ...v] = a.trim().split("=");
    attrs[k!.toLowerCase()] = v.length ? v.join("=") : true;
  }
  return { name: pair!.slice(0, eq).trim(), value: pair!.slice(eq + 1).trim(), attrs };
}

/** A browser's cookie jar, enough for these flows: Max-Age=0 deletes, anything else stores. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  apply(setCookies: readonly string[]): this {
    for (const sc of setCookies) {
      const c = parseSetCookie(sc);
      if (c.attrs["max-age"] === "0") this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return this;
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  names(): string[] {
    return [...this.cookies.keys()];
  }
}
