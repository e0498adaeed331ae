/** Cognito pre-token-generation trigger (an ordinary Lambda): the decision is shared/pre-token-generation.ts. */
import { triggers } from "../shared/baked-triggers";
import { claimsFunction } from "../shared/claims-module";
import { createLogger } from "../shared/log";
import { preTokenGeneration } from "../shared/pre-token-generation";

export const handler = preTokenGeneration(
  triggers.preTokenGeneration,
  claimsFunction,
  createLogger("pre-token-generation", triggers.logLevel),
);
