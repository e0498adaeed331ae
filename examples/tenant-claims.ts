/**
 * Example claims module for `triggers.preTokenGeneration.module`: looks up the user's tenant and plan in a
 * DynamoDB table and returns them as claims. Use it from auth.config.json:
 *
 *   "triggers": { "preTokenGeneration": { "module": "examples/tenant-claims.ts" } }
 *
 * The build bundles this file into dist/pre-token-generation/index.js. `@aws-sdk/*` stays out of the bundle
 * (the nodejs24.x Lambda runtime provides SDK v3), so building needs neither AWS nor network.
 *
 * Deploying it needs: a table (here `TENANTS_TABLE`, default `user-tenants`) keyed by `sub`, the environment
 * variable on the trigger function, and `dynamodb:GetItem` on that table in the function's role.
 *
 * Rules the trigger applies to whatever this returns (see docs/triggers.md):
 * - reserved claims (`sub`, `cognito:groups`, `exp`, ...) and claims the config already produces are dropped
 *   and logged, as are values that are not strings, numbers, booleans or arrays of those;
 * - claims past `maxClaimsBytes` are dropped and logged;
 * - a throw fails the sign-in (Cognito shows an error) rather than issuing tokens without the claims.
 *
 * It runs on every sign-in and token refresh inside Cognito's 5 s limit: keep it to one fast call, with a
 * timeout, and create clients once, outside the function.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { ClaimsFunction } from "../shared/triggers/pre-token-generation";

const table = process.env.TENANTS_TABLE ?? "user-tenants";
const dynamo = new DynamoDBClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 300, requestTimeout: 800 } });

const claims: ClaimsFunction = async (event) => {
  const sub = event.request?.userAttributes?.sub;
  if (!sub) return undefined;
  const { Item } = await dynamo.send(
    new GetItemCommand({ TableName: table, Key: { sub: { S: sub } }, ProjectionExpression: "tenant, #p", ExpressionAttributeNames: { "#p": "plan" } }),
  );
  if (!Item) return undefined; // not provisioned yet: no tenant claims
  return {
    ...(Item.tenant?.S ? { tenant: Item.tenant.S } : {}),
    ...(Item.plan?.S ? { plan: Item.plan.S } : {}),
  };
};

export default claims;
