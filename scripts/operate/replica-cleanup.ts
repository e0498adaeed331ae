/**
 * Deleting the Lambda@Edge functions once CloudFront has let go of them: the last step of `npm run remove`.
 *
 * A Lambda@Edge function can be deleted only after CloudFront has deleted its replicas, which it does some time
 * (typically a few hours) after the distribution is gone; until then DeleteFunction fails with
 * InvalidParameterValueException "... because it is a replicated function". So the stack keeps the functions
 * (DeletionPolicy Retain), and this module polls DeleteFunction for each of them until all are gone or a time
 * limit passes. Progress is saved after every round in a small state file, so an interrupted or timed-out
 * removal resumes where it stopped when `npm run remove` runs again.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-delete-replicas.html
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { DeleteFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { awsErrorCode, describeAwsError, oneLine } from "./aws-errors";

/** The part of a Lambda client used here (a real client, or one aws-sdk-client-mock stubs). */
export type DeleteClient = Pick<LambdaClient, "send">;

/** Lambda@Edge functions live in us-east-1. */
export function defaultLambdaClient(): DeleteClient {
  return new LambdaClient({ region: "us-east-1" });
}

export interface CleanupOptions {
  /** Function names in us-east-1. */
  functions: readonly string[];
  /** Give up after this long, ms. Default 4 hours (replicas usually go within a few). */
  timeoutMs?: number;
  /** Time between rounds, ms. Default 5 minutes. */
  intervalMs?: number;
  /** Where progress is kept between runs. Default: none (nothing to resume). */
  stateFile?: string;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Try once, then stop (the state file says what is left). */
  once?: boolean;
}

/** Where the cleanup ended. */
export interface CleanupResult {
  /** `done`: every function is gone. `pending`: some are still replicated (timed out, or `once`). */
  state: "done" | "pending";
  /** Deleted by this run. */
  deleted: string[];
  /** Already gone before this run asked (deleted earlier, or never created). */
  absent: string[];
  /** Still replicated. */
  pending: string[];
  /** Rounds of DeleteFunction calls made. */
  rounds: number;
  elapsedMs: number;
}

/** Thrown when going on cannot help (no credentials, no permission): one line, and the state file is kept. */
export class CleanupError extends Error {}

/** What the state file holds: the functions still to delete and when the first attempt was made. */
interface SavedState {
  pending: string[];
  since: number;
}

/** The functions a previous run left to delete, or undefined when there is nothing to resume. */
export function readCleanupState(file: string): SavedState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as SavedState;
    return Array.isArray(s.pending) && s.pending.every((x) => typeof x === "string") && typeof s.since === "number" ? s : undefined;
  } catch {
    return undefined;
  }
}

/** "because it is a replicated function": CloudFront still holds replicas; try again later. */
export function isReplicatedError(err: unknown): boolean {
  return awsErrorCode(err) === "InvalidParameterValueException" && /replicated function/i.test(String((err as Error).message));
}

const minutes = (ms: number) => (ms < 3600_000 ? `${Math.round(ms / 60_000)} min` : `${Math.floor(ms / 3600_000)} h ${Math.round((ms % 3600_000) / 60_000)} min`);

/**
 * Deletes each function, again every `intervalMs` while CloudFront still holds replicas, until all are gone or
 * `timeoutMs` has passed since the first attempt (also across runs, through the state file). Throttling and other
 * passing errors are retried like a replicated function; credentials and permission errors stop it at once.
 */
export async function deleteReplicatedFunctions(opts: CleanupOptions, lambda: DeleteClient = defaultLambdaClient()): Promise<CleanupResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 4 * 3600_000;
  const intervalMs = opts.intervalMs ?? 5 * 60_000;
  const saved = opts.stateFile ? readCleanupState(opts.stateFile) : undefined;
  const since = saved?.since ?? now();
  const started = now();
  let pending = [...new Set([...(saved?.pending ?? []), ...opts.functions])];
  const deleted: string[] = [];
  const absent: string[] = [];
  let rounds = 0;
  const save = () => {
    if (!opts.stateFile) return;
    if (!pending.length) return rmSync(opts.stateFile, { force: true });
    mkdirSync(dirname(opts.stateFile), { recursive: true });
    writeFileSync(opts.stateFile, JSON.stringify({ pending, since } satisfies SavedState, null, 2));
  };
  if (saved) log(`resuming: ${saved.pending.length} function(s) left by an earlier run, first tried ${minutes(now() - saved.since)} ago`);

  for (;;) {
    rounds++;
    const still: string[] = [];
    for (const fn of pending) {
      try {
        await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
        deleted.push(fn);
        log(`  deleted ${fn}`);
      } catch (err) {
        const code = awsErrorCode(err);
        if (code === "ResourceNotFoundException") absent.push(fn);
        else if (describeAwsError(err, "lambda:DeleteFunction", "us-east-1")) {
          pending = [...still, ...pending.slice(pending.indexOf(fn))];
          save();
          throw new CleanupError(oneLine(err, "lambda:DeleteFunction", "us-east-1"));
        } else {
          if (!isReplicatedError(err)) log(`  ${fn}: ${oneLine(err, "lambda:DeleteFunction", "us-east-1")}; will retry`);
          still.push(fn);
        }
      }
    }
    pending = still;
    save();
    const waited = now() - since;
    if (!pending.length) return { state: "done", deleted, absent, pending, rounds, elapsedMs: now() - started };
    if (opts.once || waited + intervalMs > timeoutMs) {
      if (!opts.once) log(`gave up waiting after ${minutes(waited)}: ${pending.length} function(s) still replicated`);
      return { state: "pending", deleted, absent, pending, rounds, elapsedMs: now() - started };
    }
    log(
      `waiting for CloudFront to delete the replicas: ${pending.length} function(s) still replicated, ${deleted.length + absent.length} gone ` +
        `(round ${rounds}, ${minutes(waited)} so far, next try in ${minutes(intervalMs)}, giving up after ${minutes(timeoutMs)})`,
    );
    await sleep(intervalMs);
  }
}
