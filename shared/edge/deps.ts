/**
 * Everything a decision needs besides the request, prepared once per container (at module load): the config,
 * the token verifier with its keys, the HTTP client, the logger, the clock.
 * Tests build one with stand-ins for the clock, randomness and network.
 */
import { randomBytes } from "node:crypto";
import type { ResolvedConfig } from "../config/edge";
import { nodeHttpClient } from "./http";
import type { HttpClient } from "./http";
import { createLogger } from "../log";
import type { Logger, Sink } from "../log";
import type { RandomSource } from "./sign-in-state";
import { createTokenVerifier } from "./tokens/verifier";
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

export interface ContextOverrides {
  http?: HttpClient;
  now?: () => number;
  random?: RandomSource;
  sink?: Sink;
  verifier?: TokenVerifier;
}

export function createContext(config: ResolvedConfig, fn: string, o: ContextOverrides = {}): EdgeContext {
  const http = o.http ?? nodeHttpClient;
  return {
    config,
    http,
    verifier: o.verifier ?? createTokenVerifier(config, http),
    log: createLogger(fn, config.logLevel, o.sink),
    now: o.now ?? (() => Date.now()),
    random: o.random ?? randomBytes,
  };
}
