/**
 * The plain shapes that handlers translate CloudFront events into and out of. Decisions in shared/edge work on
 * these, never on raw events.
 */
import type { Reason } from "../outcomes/errors";
import type { PlainRequest } from "../viewer/request";

/** A viewer request, reduced to what the decisions need (the both-runtimes shape, `viewer/request.ts`). */
export type EdgeRequest = PlainRequest;

/** Pass the request on to the origin, possibly changed. */
export interface Forward {
  kind: "forward";
  /** New URI (index document or SPA fallback rewrite). */
  uri?: string;
  /** Headers to set on the request to the origin (identity headers). */
  setHeaders?: Record<string, string>;
}

/** Answer the viewer directly. */
export interface Respond {
  kind: "respond";
  status: number;
  /** Single-valued headers, lower-case names. */
  headers: Record<string, string>;
  /** Full `Set-Cookie` values, one per cookie. */
  cookies: string[];
  body?: string;
}

export type Outcome = (Forward | Respond) & {
  /** Reason code for the decision log line (`signed-in`, `no-session`, `expired`, `rejected:<why>`, ...). */
  reason: Reason;
};
