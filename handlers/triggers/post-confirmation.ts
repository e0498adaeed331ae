/** Cognito post-confirmation trigger (an ordinary Lambda): the decision is shared/triggers/post-confirmation.ts. */
import { AdminAddUserToGroupCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { triggers } from "../../shared/triggers/baked-triggers";
import { createLogger } from "../../shared/log";
import type { PostConfirmationEvent } from "../../shared/triggers/post-confirmation";
import { postConfirmation } from "../../shared/triggers/post-confirmation";

// Created once per container. Region, credentials and endpoint come from the SDK's standard settings
// (AWS_REGION, AWS_ENDPOINT_URL, ...), so an emulator works without code changes. Three attempts of at most
// 1.2 s each, plus the SDK's backoff, stay inside Cognito's 5 s limit for triggers.
const client = new CognitoIdentityProviderClient({
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 500, requestTimeout: 1200 },
});

const groups = {
  async addUserToGroup(input: { userPoolId: string; username: string; group: string }): Promise<void> {
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: input.userPoolId, Username: input.username, GroupName: input.group }));
  },
};

const logger = createLogger("post-confirmation", triggers.logLevel);

export const handler = async <E extends PostConfirmationEvent>(event: E): Promise<E> => {
  await postConfirmation(event, { defaultGroup: triggers.postConfirmation.defaultGroup, groups, logger });
  return event;
};
