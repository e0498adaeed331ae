/**
 * Everything a decision needs besides the request, prepared once per container (at module load): the config,
 * the token verifier with its keys, the HTTP client, the logger, the clock.
 * Tests build one with stand-ins for the clock, randomness and network.
 */
import { randomBytes } from "node:crypto";
import type { ResolvedConfig } from "../config/types";
import type { EdgeBundleConfig } from "./baked-config";
import { nodeHttpClient } from "./http";
import type { HttpClient } from "./http";
import { createLogger, stdoutSink } from "../log";
import type { Logger, Sink } from "../log";
import type { RandomSource } from "./sign-in-state";
import type { TokenVerifier } from "./tokens/verifier";

export interface EdgeContext {
  config: ResolvedConfig;
  verifier: TokenVerifier;
  http: HttpClient;
  log: Logger;
  /** Milliseconds since the epoch. */
  now: () => number;
  random: RandomSource;
}

export type VerifierFactory = (config: ResolvedConfig, http: HttpClient) => TokenVerifier;

export interface ContextOverrides {
  http?: HttpClient;
  now?: () => number;
  random?: RandomSource;
  /** Where log lines go. Default `stdoutSink`: raw lines, which Lambda's JSON log format keeps as EMF records. */
  sink?: Sink;
  /** The token verifier, or how to make one (`createTokenVerifier`). Functions that verify no tokens leave it
   *  out, so their bundles do not carry the verifier; theirs refuses every token. */
  verifier?: TokenVerifier | VerifierFactory;
}

/** The verifier of a function that verifies no tokens: fail closed. */
const refuseAll: TokenVerifier = { verify: async () => ({ ok: false, expired: false, why: "invalid" }) };

/** The context of function `fn` (its name in logs and metrics), with the real clock, randomness and network unless `o` says otherwise. */
export function createContext(config: ResolvedConfig, fn: string, o: ContextOverrides = {}): EdgeContext {
  const http = o.http ?? nodeHttpClient;
  const now = o.now ?? (() => Date.now());
  return {
    config,
    http,
    verifier: typeof o.verifier === "function" ? o.verifier(config, http) : (o.verifier ?? refuseAll),
    // The logger's record times and counting window run on the same clock as the decisions.
    log: createLogger(fn, config.logLevel, o.sink ?? stdoutSink, { now }),
    now,
    random: o.random ?? randomBytes,
  };
}

/** A site's host names and the context its requests are decided with. */
export interface SiteContext {
  hosts: readonly string[];
  ctx: EdgeContext;
}

/** One context per site of a bundle (each with its own verifier and keys), made once per container. */
export function createSiteContexts(bundle: EdgeBundleConfig, fn: string, o: ContextOverrides = {}): SiteContext[] {
  return bundle.sites.map((s) => ({ hosts: s.hosts, ctx: createContext(s.config, fn, o) }));
}
