/** The lock every osls run in the tests takes (test/helpers/osls-lock.ts): one run at a time, a dead owner's lock taken over. */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { withOslsLock, withOslsLockSync } from "../../helpers/osls-lock";

// A lock of its own: the tests' real one may be held by an integration file running beside this one.
const LOCK = join(mkdtempSync(join(tmpdir(), "edge-auth-lock-")), "osls.lock");

describe("the osls lock", () => {
  it("runs holders one at a time, and frees the lock after each (a throw included)", async () => {
    const events: string[] = [];
    const holder = (name: string) =>
      withOslsLock(async () => {
        events.push(`${name}:in`);
        await sleep(30);
        events.push(`${name}:out`);
      }, LOCK);
    await Promise.all([holder("a"), holder("b")]);
    expect(events).toEqual(expect.arrayContaining(["a:in", "a:out", "b:in", "b:out"]));
    expect(events[1]).toBe(`${events[0]!.split(":")[0]}:out`);
    expect(() =>
      withOslsLockSync(() => {
        throw new Error("boom");
      }, LOCK),
    ).toThrow("boom");
    expect(existsSync(LOCK)).toBe(false);
  });

  it("takes over a lock whose owner is gone (a killed run)", () => {
    mkdirSync(LOCK, { recursive: true });
    writeFileSync(join(LOCK, "pid"), "2147483646");
    expect(withOslsLockSync(() => "ran", LOCK)).toBe("ran");
    expect(existsSync(LOCK)).toBe(false);
  });
});
