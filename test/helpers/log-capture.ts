/**
 * Captures the log lines functions write in-process: the edge functions write theirs straight to stdout
 * (shared/log.ts `stdoutSink`), anything else goes through `console.log`. Both land in `lines`, one entry a line.
 */
import { vi } from "vitest";

/** Starts capturing into `lines`; `restore()` (or vitest's `restoreAllMocks`) stops it. */
export function captureLogLines(lines: string[]): { restore(): void } {
  let pending = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array) => {
    pending += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const parts = pending.split("\n");
    pending = parts.pop()!;
    lines.push(...parts);
    return true;
  }) as typeof process.stdout.write);
  const log = vi.spyOn(console, "log").mockImplementation((l: unknown) => void lines.push(String(l)));
  return {
    restore() {
      out.mockRestore();
      log.mockRestore();
    },
  };
}
