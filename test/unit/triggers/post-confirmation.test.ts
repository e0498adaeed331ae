import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../../../shared/log";
import { postConfirmation } from "../../../shared/triggers/post-confirmation";
import type { GroupMembership } from "../../../shared/triggers/post-confirmation";
import { postConfirmationEvent } from "../../fixtures/cognito-events";

function setup(add: GroupMembership["addUserToGroup"] = async () => {}) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("post-confirmation", "info", (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  const groups = { addUserToGroup: vi.fn(add) };
  return { groups, logger, lines };
}

describe("post-confirmation", () => {
  it("adds a newly signed-up user to the default group", async () => {
    const { groups, logger, lines } = setup();
    const outcome = await postConfirmation(postConfirmationEvent("PostConfirmation_ConfirmSignUp"), { defaultGroup: "readers", groups, logger });
    expect(outcome).toBe("added");
    expect(groups.addUserToGroup).toHaveBeenCalledExactlyOnceWith({ userPoolId: "us-east-1_EXAMPLE", username: "testuser", group: "readers" });
    expect(lines).toEqual([expect.objectContaining({ level: "info", user: "testuser", group: "readers" })]);
  });

  it("does nothing after a forgotten password is confirmed", async () => {
    const { groups, logger } = setup();
    const outcome = await postConfirmation(postConfirmationEvent("PostConfirmation_ConfirmForgotPassword"), { defaultGroup: "readers", groups, logger });
    expect(outcome).toBe("not-sign-up");
    expect(groups.addUserToGroup).not.toHaveBeenCalled();
  });

  it("does nothing without a default group", async () => {
    const { groups, logger } = setup();
    expect(await postConfirmation(postConfirmationEvent("PostConfirmation_ConfirmSignUp"), { defaultGroup: undefined, groups, logger })).toBe("no-default-group");
    expect(groups.addUserToGroup).not.toHaveBeenCalled();
  });

  it("is idempotent: a retried event adds again, which Cognito accepts", async () => {
    const { groups, logger } = setup();
    const event = postConfirmationEvent("PostConfirmation_ConfirmSignUp");
    await postConfirmation(event, { defaultGroup: "readers", groups, logger });
    await postConfirmation(event, { defaultGroup: "readers", groups, logger });
    expect(groups.addUserToGroup).toHaveBeenCalledTimes(2);
  });

  it("logs a failure as one line (user, group, why) and rethrows it", async () => {
    const err = Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException", $metadata: { attempts: 3 } });
    const { groups, logger, lines } = setup(async () => {
      throw err;
    });
    await expect(postConfirmation(postConfirmationEvent("PostConfirmation_ConfirmSignUp"), { defaultGroup: "readers", groups, logger })).rejects.toBe(err);
    expect(lines).toEqual([
      {
        level: "error",
        fn: "post-confirmation",
        msg: "adding the user to the default group failed",
        userPoolId: "us-east-1_EXAMPLE",
        user: "testuser",
        group: "readers",
        error: "TooManyRequestsException",
        why: "Rate exceeded",
        attempts: 3,
      },
    ]);
  });

  it("fails clearly on an event without a user", async () => {
    const { groups, logger, lines } = setup();
    const event = { ...postConfirmationEvent("PostConfirmation_ConfirmSignUp"), userName: undefined };
    await expect(postConfirmation(event, { defaultGroup: "readers", groups, logger })).rejects.toThrow(/no userPoolId or userName/);
    expect(groups.addUserToGroup).not.toHaveBeenCalled();
    expect(lines[0]).toMatchObject({ level: "error", group: "readers" });
  });
});
