/**
 * The outcome of a full verification, remembered per container so the next request with the same cookie costs
 * a map lookup instead of an RSA verification. Bounded by entries and by an estimate of the bytes held (oldest
 * out first), so a flood of distinct tokens cannot take a 128 MB function's memory.
 *
 * `keyOf` decides what is stored as the key: the exact token string for tokens whose signature verified (the hot
 * path pays no hashing), a SHA-256 of it for refused ones (attacker-chosen, up to 16 KB each: the key is then 43
 * bytes whatever the token).
 */
import { createHash } from "node:crypto";

export interface ResultCache<V> {
  get(token: string): V | undefined;
  /** Remembers `value` for `token`; `bytes` is the estimated size of the value. */
  set(token: string, value: V, bytes: number): void;
  clear(): void;
  /** Entries and the estimated bytes held (keys and values). */
  stats(): { entries: number; bytes: number };
}

export interface ResultCacheOptions {
  maxEntries: number;
  maxBytes: number;
  keyOf?: (token: string) => string;
}

/** The key for attacker-chosen tokens: their SHA-256, base64url. */
export const hashKey = (token: string): string => createHash("sha256").update(token).digest("base64url");

export function createResultCache<V>(o: ResultCacheOptions): ResultCache<V> {
  const keyOf = o.keyOf ?? ((t: string) => t);
  const map = new Map<string, { value: V; bytes: number }>();
  let bytes = 0;
  const evictOldest = () => {
    const first = map.entries().next();
    if (first.done) return;
    map.delete(first.value[0]);
    bytes -= first.value[1].bytes;
  };
  return {
    // An empty cache answers without computing the key: a new container's first requests pay no hashing.
    get: (token) => (map.size === 0 ? undefined : map.get(keyOf(token))?.value),
    set(token, value, valueBytes) {
      const key = keyOf(token);
      const size = key.length * 2 + valueBytes + 64;
      if (size > o.maxBytes) return;
      const old = map.get(key);
      if (old) {
        map.delete(key);
        bytes -= old.bytes;
      }
      while (map.size > 0 && (map.size >= o.maxEntries || bytes + size > o.maxBytes)) evictOldest();
      map.set(key, { value, bytes: size });
      bytes += size;
    },
    clear() {
      map.clear();
      bytes = 0;
    },
    stats: () => ({ entries: map.size, bytes }),
  };
}
