/**
 * The site owner's claims function (`triggers.preTokenGeneration.module`). Without a module this file is bundled
 * as is; with one, the build replaces it by a module that imports the owner's file (scripts/build-steps.ts).
 */
import type { ClaimsFunction } from "./pre-token-generation";

export const claimsFunction: ClaimsFunction | undefined = undefined;
