/**
 * The provider's signing keys: the ones embedded at build (so a cold start verifies with no network call), and
 * a fetch of the JWKS when a token names a `kid` we do not know (key rotation).
 *
 * Fetches are throttled two ways, so a flood of tokens with made-up `kid`s can neither hammer the JWKS endpoint
 * nor keep a genuinely new key out:
 * - per `kid`, a penalty box (as aws-jwt-verify's SimplePenaltyBox): a `kid` the fetched JWKS did not hold is not
 *   fetched for again for `penaltyMs`; made-up `kid`s end up there, a new genuine one never does;
 * - overall, at most one fetch per `minIntervalMs`, and never two at once. A `kid` that arrives while the gate is
 *   closed gets "unavailable" (the caller answers 503 "try again" and keeps the cookies), not "unknown".
 */
import { createPublicKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { Jwk, Jwks } from "aws-jwt-verify/jwk";
import type { HttpClient } from "../http";

export type KeyLookup = { ok: true; jwk: Jwk } | { ok: false; why: "unknown-key" | "jwks-unavailable" };

export interface KeyStore {
  /** The key for `kid`, fetching the JWKS when the `kid` is new to us and the throttles allow it. */
  get(kid: string, nowMs: number): Promise<KeyLookup>;
  /** The public key object of a JWK (created once per `kid`). */
  keyObject(jwk: Jwk): KeyObject;
  /** Grows by one every time the set of keys changes: results judged with older keys must be judged again. */
  readonly version: number;
}

export interface KeyStoreOptions {
  jwks: Jwks;
  jwksUri: string;
  http: HttpClient;
  timeoutMs: number;
  /** How long a `kid` the JWKS did not hold is not fetched for again. Default 10 s. */
  penaltyMs?: number;
  /** At most one fetch per this many milliseconds. Default 1 s. */
  minIntervalMs?: number;
}

/** Penalised `kid`s remembered at most; the oldest leave first. */
const MAX_PENALISED = 1000;

export function createKeyStore(o: KeyStoreOptions): KeyStore {
  const penaltyMs = o.penaltyMs ?? 10_000;
  const minIntervalMs = o.minIntervalMs ?? 1000;
  let byKid = index(o.jwks);
  let version = 0;
  let lastFetch = -Infinity;
  let fetching: Promise<boolean> | undefined;
  const penalised = new Map<string, number>();
  const keyObjects = new Map<string, KeyObject>();

  /** One JWKS fetch; resolves false when the endpoint could not be reached or answered nonsense. */
  const fetchJwks = (nowMs: number): Promise<boolean> => {
    lastFetch = nowMs;
    fetching = o
      .http(o.jwksUri, { method: "GET", timeoutMs: o.timeoutMs, headers: { accept: "application/json" } })
      .then((res) => {
        if (res.status !== 200) return false;
        const fetched = JSON.parse(res.body.toString("utf8")) as Jwks;
        if (!Array.isArray(fetched?.keys)) return false;
        const next = index({ keys: fetched.keys.filter((k) => k && typeof k === "object" && typeof k.kid === "string") });
        if (!sameKeys(byKid, next)) {
          byKid = next;
          keyObjects.clear();
          version++;
        }
        return true;
      })
      .catch(() => false)
      .finally(() => (fetching = undefined));
    return fetching;
  };

  return {
    get version() {
      return version;
    },
    keyObject(jwk) {
      const kid = String(jwk.kid);
      let key = keyObjects.get(kid);
      if (!key) keyObjects.set(kid, (key = createPublicKey({ key: jwk as never, format: "jwk" })));
      return key;
    },
    async get(kid, nowMs) {
      const known = byKid.get(kid);
      if (known) return { ok: true, jwk: known };
      const until = penalised.get(kid);
      if (until !== undefined && until > nowMs) return { ok: false, why: "unknown-key" };
      let fetched: boolean;
      if (fetching) fetched = await fetching;
      else if (nowMs - lastFetch < minIntervalMs) return { ok: false, why: "jwks-unavailable" };
      else fetched = await fetchJwks(nowMs);
      const jwk = byKid.get(kid);
      if (jwk) return { ok: true, jwk };
      if (!fetched) return { ok: false, why: "jwks-unavailable" };
      penalised.delete(kid);
      if (penalised.size >= MAX_PENALISED) penalised.delete(penalised.keys().next().value as string);
      penalised.set(kid, nowMs + penaltyMs);
      return { ok: false, why: "unknown-key" };
    },
  };
}

function index(jwks: Jwks): Map<string, Jwk> {
  const out = new Map<string, Jwk>();
  for (const k of jwks.keys) if (typeof k.kid === "string") out.set(k.kid, k);
  return out;
}

function sameKeys(a: Map<string, Jwk>, b: Map<string, Jwk>): boolean {
  if (a.size !== b.size) return false;
  for (const [kid, k] of a) if (JSON.stringify(b.get(kid)) !== JSON.stringify(k)) return false;
  return true;
}
