/**
 * The CloudFront Functions event and result shapes, as documented (version "1.0" of the event object).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 */

/** One query string parameter, header or request cookie; `multiValue` appears only when the name repeats. */
export interface CffValue {
  value: string;
  multiValue?: { value: string }[];
}

/** One response cookie (a `Set-Cookie` line): `attributes` holds everything after the name-value pair. */
export interface CffSetCookie {
  value: string;
  attributes?: string;
  multiValue?: { value: string; attributes?: string }[];
}

/** The `request` object. Header names are lower case; `Cookie` headers appear only in `cookies`. */
export interface CffRequest {
  method: string;
  uri: string;
  /** An object when CloudFront builds it; a function may also return a string (AWS's own examples do). */
  querystring: Record<string, CffValue> | string;
  headers: Record<string, CffValue>;
  cookies: Record<string, CffValue>;
}

/** A response a viewer-request function generates instead of forwarding the request. */
export interface CffResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: Record<string, CffValue>;
  cookies?: Record<string, CffSetCookie>;
  /** Plain text, or `{ data, encoding }` with encoding `text` or `base64`. */
  body?: string | { data: string; encoding: "text" | "base64" };
}

/** The event a viewer-request function receives. */
export interface CffViewerRequestEvent {
  version: "1.0";
  context: { distributionDomainName: string; distributionId: string; eventType: "viewer-request"; requestId: string };
  viewer: { ip: string };
  request: CffRequest & { querystring: Record<string, CffValue> };
}

/**
 * What a function run produced: the request to forward, or a response for the viewer, plus its log lines and how
 * many key value store reads (`get`) it made (each one billed by CloudFront).
 */
export type CffRunResult =
  | { kind: "request"; request: CffRequest; logs: string[]; kvsReads: number }
  | { kind: "response"; response: CffResponse; logs: string[]; kvsReads: number };
