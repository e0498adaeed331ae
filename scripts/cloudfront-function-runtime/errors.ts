/**
 * The ways the local CloudFront Functions emulator refuses a function, as stable codes, each with the AWS page that
 * states the rule. Load-time codes are what CloudFront would refuse (or what the runtime does not document) before a
 * function ever runs; run-time codes carry the HTTP status CloudFront sends the viewer instead.
 */

const GUIDE = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide";

/** The AWS documentation pages behind the emulator's rules. */
export const DOCS = {
  runtime20: `${GUIDE}/functions-javascript-runtime-20.html`,
  quotas: `${GUIDE}/cloudfront-limits.html#limits-functions`,
  kvsQuotas: `${GUIDE}/cloudfront-limits.html#limits-keyvaluestores`,
  kvsHelpers: `${GUIDE}/functions-custom-methods.html`,
  eventStructure: `${GUIDE}/functions-event-structure.html`,
  restrictions: `${GUIDE}/cloudfront-function-restrictions.html`,
  edgeRestrictions: `${GUIDE}/edge-function-restrictions-all.html`,
  purpose: `${GUIDE}/function-code-choose-purpose.html`,
  http503: `${GUIDE}/http-503-service-unavailable.html`,
} as const;

/** Every code, when it is raised (`load` or `run`) and the page behind it. */
export const CFF_ERRORS = {
  "too-large": { at: "load", doc: DOCS.quotas },
  syntax: { at: "load", doc: DOCS.runtime20 },
  "unsupported-syntax": { at: "load", doc: DOCS.runtime20 },
  "dynamic-code": { at: "load", doc: DOCS.runtime20 },
  module: { at: "load", doc: DOCS.runtime20 },
  export: { at: "load", doc: DOCS.purpose },
  "no-handler": { at: "load", doc: DOCS.purpose },
  kvs: { at: "load", doc: DOCS.kvsQuotas },
  budget: { at: "run", doc: DOCS.restrictions },
  "runtime-error": { at: "run", doc: DOCS.http503 },
  unsettled: { at: "run", doc: DOCS.runtime20 },
  "bad-result": { at: "run", doc: DOCS.eventStructure },
} as const satisfies Record<string, { at: "load" | "run"; doc: string }>;

/** A stable reason a function was refused, for callers (and tests) to switch on. */
export type CloudFrontFunctionErrorCode = keyof typeof CFF_ERRORS;

/** The status CloudFront answers the viewer with when a function fails at run time. */
export type CloudFrontFailureStatus = 502 | 503;

/**
 * A function refused at load or failed at run. `line` is the 1-based source line when one is to blame; `status` is set
 * for run-time failures: 502 where the docs say a result "fails CloudFront validation", 503 for an execution error.
 */
export class CloudFrontFunctionError extends Error {
  /** What the function logged before a run-time failure. */
  logs: string[] = [];

  constructor(
    readonly code: CloudFrontFunctionErrorCode,
    message: string,
    readonly line?: number,
    readonly status?: CloudFrontFailureStatus,
  ) {
    super(`${code}: ${line === undefined ? "" : `line ${line}: `}${message} (see ${CFF_ERRORS[code].doc})`);
    this.name = "CloudFrontFunctionError";
  }
}
