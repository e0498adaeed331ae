/**
 * osls writes through `<repo>/.serverless/` whatever `--package` says, so two test files that package at the same
 * time (vitest runs files side by side) can overwrite each other's templates. Every osls run in the tests goes
 * through this lock: a folder made atomically under .build/, holding the pid of its owner, removed when the run ends,
 * and taken over when its owner is gone (a killed run).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { repoRoot } from "./build";
import { isRunning } from "./run-temp-dir";

/** The lock the tests' osls runs share. */
export const OSLS_LOCK = join(repoRoot, ".build", "osls.lock");
const WAIT_MS = 100;
/** Longer than any osls run the tests start (each has a 120 s timeout). */
const GIVE_UP_MS = 600_000;

/** Takes the lock if it is free (or its owner is gone); true when this process holds it. */
function tryLock(lock: string): boolean {
  mkdirSync(dirname(lock), { recursive: true });
  try {
    mkdirSync(lock);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(lock, "pid"), "utf8"));
    } catch {
      // Made a moment ago, its pid not written yet: its owner is alive.
      return false;
    }
    if (!owner || isRunning(owner)) return false;
    rmSync(lock, { recursive: true, force: true });
    return tryLock(lock);
  }
  writeFileSync(join(lock, "pid"), String(process.pid));
  return true;
}

const unlock = (lock: string) => rmSync(lock, { recursive: true, force: true });

/** Runs `fn` (an osls run that blocks: spawnSync) while holding the lock (`lock`: its folder; the tests' own by default). */
export function withOslsLockSync<T>(fn: () => T, lock = OSLS_LOCK): T {
  const waiter = new Int32Array(new SharedArrayBuffer(4));
  const until = Date.now() + GIVE_UP_MS;
  while (!tryLock(lock)) {
    if (Date.now() > until) throw new Error(`osls lock ${lock} held for over ${GIVE_UP_MS / 1000} s`);
    Atomics.wait(waiter, 0, 0, WAIT_MS);
  }
  try {
    return fn();
  } finally {
    unlock(lock);
  }
}

/** Runs `fn` (an osls run that returns a promise) while holding the lock (`lock` as for `withOslsLockSync`). */
export async function withOslsLock<T>(fn: () => Promise<T>, lock = OSLS_LOCK): Promise<T> {
  const until = Date.now() + GIVE_UP_MS;
  while (!tryLock(lock)) {
    if (Date.now() > until) throw new Error(`osls lock ${lock} held for over ${GIVE_UP_MS / 1000} s`);
    await sleep(WAIT_MS);
  }
  try {
    return await fn();
  } finally {
    unlock(lock);
  }
}
