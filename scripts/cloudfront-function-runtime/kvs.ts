/**
 * A key value store's data for the emulator, in the import format CloudFront reads from S3
 * (`{"data":[{"key":…,"value":…}]}`), checked against the key value store quotas: a key is at most 512 bytes, a
 * value at most 1 KB, a store at most 5 MB.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-keyvaluestores
 */
import { CloudFrontFunctionError } from "./errors";

/** The import format of a key value store. */
export interface KvsData {
  data: { key: string; value: string }[];
}

/** A checked store, ready for the sandbox's `cf.kvs()`. */
export interface KvsStore {
  /** When set, `cf.kvs(id)` must name this id (a function may also call `cf.kvs()` for its one associated store). */
  id?: string;
  entries: Record<string, string>;
  /** What `meta()` reports, ISO 8601. */
  creationDateTime: string;
  lastUpdatedDateTime: string;
}

export const KVS_MAX_KEY_BYTES = 512;
export const KVS_MAX_VALUE_BYTES = 1024;
export const KVS_MAX_STORE_BYTES = 5 * 1024 * 1024;

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const refuse = (message: string) => new CloudFrontFunctionError("kvs", message);

/** Checks `data` and turns it into a store; `now` stamps `meta()`'s dates. */
export function toKvsStore(data: KvsData, opts: { id?: string; now?: Date } = {}): KvsStore {
  if (!data || !Array.isArray(data.data)) throw refuse('key value store data must look like {"data":[{"key":…,"value":…}]}');
  const entries: Record<string, string> = Object.create(null);
  let total = 0;
  data.data.forEach((item, i) => {
    const { key, value } = item ?? {};
    if (typeof key !== "string" || typeof value !== "string") throw refuse(`item ${i} needs a string key and a string value`);
    if (key === "" || bytes(key) > KVS_MAX_KEY_BYTES) throw refuse(`item ${i}: a key is 1 to ${KVS_MAX_KEY_BYTES} bytes`);
    if (bytes(value) > KVS_MAX_VALUE_BYTES) throw refuse(`the value of "${key}" is over ${KVS_MAX_VALUE_BYTES} bytes`);
    if (key in entries) throw refuse(`the key "${key}" appears twice`);
    entries[key] = value;
    total += bytes(key) + bytes(value);
  });
  if (total > KVS_MAX_STORE_BYTES) throw refuse(`the store holds ${total} bytes, over ${KVS_MAX_STORE_BYTES}`);
  const stamp = (opts.now ?? new Date()).toISOString();
  return { ...(opts.id ? { id: opts.id } : {}), entries, creationDateTime: stamp, lastUpdatedDateTime: stamp };
}
