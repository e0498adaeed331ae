/**
 * The post-confirmation trigger: a newly confirmed user joins the default group. Confirming a forgotten password
 * does nothing. Cognito calls the trigger synchronously (5 s limit) and may retry it; adding a user to a group
 * they are already in succeeds, so a retry is harmless.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html
 */
import type { Logger } from "../log";

/** A post-confirmation event, typed loosely (emulators send less than Cognito does). */
export interface PostConfirmationEvent {
  version?: string;
  triggerSource?: string;
  region?: string;
  userPoolId?: string;
  userName?: string;
  request?: { userAttributes?: Record<string, string> | null } | null;
  response?: Record<string, unknown> | null;
}

/** Adds a user to a group: `AdminAddUserToGroup` in production, a stand-in in tests. */
export interface GroupMembership {
  addUserToGroup(input: { userPoolId: string; username: string; group: string }): Promise<void>;
}

/** What the trigger did, for the log and the tests. */
export type PostConfirmationOutcome = "added" | "not-sign-up" | "no-default-group";

/**
 * Decides and does the work for one event. A failure is logged as one line (user, group, error name and
 * message; the event carries no tokens) and rethrown, so Cognito reports it instead of losing it silently.
 */
export async function postConfirmation(
  event: PostConfirmationEvent,
  deps: { defaultGroup: string | undefined; groups: GroupMembership; logger: Logger },
): Promise<PostConfirmationOutcome> {
  if (event.triggerSource !== "PostConfirmation_ConfirmSignUp") return "not-sign-up";
  const group = deps.defaultGroup;
  if (!group) return "no-default-group";
  const userPoolId = event.userPoolId ?? "";
  const username = event.userName ?? "";
  try {
    if (!userPoolId || !username) throw new Error("event has no userPoolId or userName");
    await deps.groups.addUserToGroup({ userPoolId, username, group });
  } catch (err) {
    const e = err as Error & { $metadata?: { attempts?: number } };
    deps.logger.log("error", "adding the user to the default group failed", {
      userPoolId,
      user: username,
      group,
      error: e?.name ?? "Error",
      why: e?.message,
      attempts: e?.$metadata?.attempts,
    });
    throw err;
  }
  deps.logger.log("info", "user added to default group", { userPoolId, user: username, group });
  return "added";
}
