/**
 * The pre-token-generation trigger: turns a Cognito event of any version into `ClaimsInput`, asks
 * `decideClaims`, and writes the decision back in the response shape of that version.
 *
 * - V1 (`version "1"`; cognito-local sends `"0"`): `claimsOverrideDetails`, id token only, string values.
 * - V2/V3 (`"2"`, `"3"`): `claimsAndScopeOverrideDetails`, claims in both tokens, scopes on the access token.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
 */
import type { ClaimsDecision, ClaimsInput } from "./claims";
import { decideClaims, toV1Value } from "./claims";
import type { Logger } from "../log";
import type { PreTokenGenerationConfig } from "../config/types";

/** A pre-token-generation event, typed loosely: emulators send less than Cognito does, and every part may be missing. */
export interface TokenGenerationEvent {
  version?: string;
  triggerSource?: string;
  region?: string;
  userPoolId?: string;
  userName?: string;
  callerContext?: { awsSdkVersion?: string; clientId?: string | null };
  request?: {
    userAttributes?: Record<string, string> | null;
    groupConfiguration?: { groupsToOverride?: string[] | null; iamRolesToOverride?: string[] | null; preferredRole?: string | null } | null;
    scopes?: string[] | null;
    clientMetadata?: Record<string, string> | null;
  } | null;
  response?: Record<string, unknown> | null;
}

/**
 * A site owner's claims function (the `module` option): called with the event, returns extra claims (or
 * nothing). Keep it fast; it runs on every sign-in and refresh within Cognito's 5 s limit.
 */
export type ClaimsFunction = (event: Readonly<TokenGenerationEvent>) => Promise<Record<string, unknown> | undefined | void> | Record<string, unknown> | undefined | void;

/** True for the event versions whose response can change the access token. */
export function isV2Event(event: TokenGenerationEvent): boolean {
  return event.version === "2" || event.version === "3";
}

/** The user as the claims see it; a missing `groupConfiguration` or attribute means none. */
export function claimsInput(event: TokenGenerationEvent): ClaimsInput {
  return {
    userAttributes: event.request?.userAttributes ?? {},
    groups: event.request?.groupConfiguration?.groupsToOverride ?? [],
  };
}

/** The `response` for the event's version. */
export function tokenResponse(event: TokenGenerationEvent, d: ClaimsDecision): Record<string, unknown> {
  const suppress = d.suppress.length ? { claimsToSuppress: d.suppress } : {};
  if (!isV2Event(event)) {
    const claims = Object.fromEntries(Object.entries(d.claims).map(([k, v]) => [k, toV1Value(v)]));
    return { claimsOverrideDetails: { claimsToAddOrOverride: claims, ...suppress } };
  }
  return {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: d.claims, ...suppress },
      accessTokenGeneration: { claimsToAddOrOverride: d.claims, ...suppress, ...(d.scopes.length ? { scopesToAdd: d.scopes } : {}) },
    },
  };
}

/** The trigger: decides the claims for the event's user and returns the event with its `response` set. */
export function preTokenGeneration(cfg: PreTokenGenerationConfig, claimsFn: ClaimsFunction | undefined, logger: Logger) {
  return async <E extends TokenGenerationEvent>(event: E): Promise<E> => {
    let extra: Record<string, unknown> | undefined;
    if (claimsFn) {
      try {
        const r = await claimsFn(event);
        if (r !== undefined && r !== null && (typeof r !== "object" || Array.isArray(r)))
          logger.log("warn", "claims module returned something other than an object; ignored", { user: event.userName });
        else extra = r ?? undefined;
      } catch (err) {
        // Fail the sign-in rather than issue tokens without claims the site may rely on; Cognito shows an error.
        logger.log("error", "claims module failed", { user: event.userName, error: (err as Error)?.name, why: (err as Error)?.message });
        throw err;
      }
    }
    const decision = decideClaims(cfg, claimsInput(event), extra);
    if (decision.dropped.length)
      logger.log("warn", "claims dropped", {
        user: event.userName,
        claims: decision.dropped.map((d) => `${d.claim}:${d.why}`).join(","),
      });
    logger.log("debug", "claims", {
      source: event.triggerSource,
      version: event.version,
      claims: Object.keys(decision.claims).join(","),
      scopes: decision.scopes.join(" "),
    });
    event.response = tokenResponse(event, decision);
    return event;
  };
}
