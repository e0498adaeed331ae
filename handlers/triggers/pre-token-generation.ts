/** Cognito pre-token-generation trigger (an ordinary Lambda): the decision is shared/triggers/pre-token-generation.ts. */
import { triggers } from "../../shared/triggers/baked-triggers";
import { claimsFunction } from "../../shared/triggers/claims-module";
import { createLogger } from "../../shared/log";
import { preTokenGeneration } from "../../shared/triggers/pre-token-generation";

export const handler = preTokenGeneration(
  triggers.preTokenGeneration,
  claimsFunction,
  createLogger("pre-token-generation", triggers.logLevel),
);
