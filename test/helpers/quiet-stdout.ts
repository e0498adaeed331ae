/**
 * Every test file's setup: the log lines a function under test writes straight to stdout (the edge functions'
 * `stdoutSink`, shared/log.ts) go through `console.log` instead, so vitest treats them as the test's console output:
 * printed when the test fails, kept out of the report when it passes (`silent: "passed-only"`). Tests that assert
 * on those lines capture them themselves (test/helpers/log-capture.ts spies on stdout over this).
 */
const write = process.stdout.write.bind(process.stdout);

/** A chunk that is one or more of our JSON log lines. */
const isLogLine = (chunk: unknown): chunk is string => typeof chunk === "string" && chunk.startsWith('{"level":');

process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  if (isLogLine(chunk)) {
    for (const line of chunk.split("\n")) if (line) console.log(line);
    return true;
  }
  return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;
