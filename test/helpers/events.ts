/**
 * CloudFront Lambda@Edge events shaped like AWS's documented samples
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html).
 */
import type { CloudFrontRequestEvent, CloudFrontResponseEvent, CloudFrontHeaders } from "aws-lambda";

export interface RequestSpec {
  uri?: string;
  querystring?: string;
  method?: string;
  host?: string;
  /** Cookie header values (each becomes one `cookie` header entry). */
  cookies?: string[];
  headers?: Record<string, string>;
}

/** The `cf.config` of an event: AWS's sample distribution and request id, with the event type. */
function cfConfig(eventType: "viewer-request" | "origin-response") {
  return { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType, requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==" };
}

export function viewerRequest(spec: RequestSpec = {}): CloudFrontRequestEvent {
  const headers: CloudFrontHeaders = {
    host: [{ key: "Host", value: spec.host ?? "d111111abcdef8.cloudfront.net" }],
    "user-agent": [{ key: "User-Agent", value: "Mozilla/5.0" }],
    accept: [{ key: "Accept", value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" }],
  };
  for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k.toLowerCase()] = [{ key: k, value: v }];
  if (spec.cookies?.length) headers.cookie = spec.cookies.map((value) => ({ key: "Cookie", value }));
  return {
    Records: [
      {
        cf: {
          config: cfConfig("viewer-request"),
          request: {
            clientIp: "203.0.113.178",
            headers,
            method: spec.method ?? "GET",
            querystring: spec.querystring ?? "",
            uri: spec.uri ?? "/",
          },
        },
      },
    ],
  } as CloudFrontRequestEvent;
}

export function originResponse(headers: CloudFrontHeaders = {}, status = "200"): CloudFrontResponseEvent {
  return {
    Records: [
      {
        cf: {
          config: cfConfig("origin-response"),
          request: { clientIp: "203.0.113.178", headers: {}, method: "GET", querystring: "", uri: "/index.html" },
          response: { status, statusDescription: "OK", headers },
        },
      },
    ],
  } as CloudFrontResponseEvent;
}

/** Set-Cookie values of a CloudFront response. */
export function setCookies(res: unknown): string[] {
  const h = (res as { headers?: CloudFrontHeaders }).headers?.["set-cookie"] ?? [];
  return h.map((x) => x.value);
}

export function header(res: unknown, name: string): string | undefined {
  return (res as { headers?: CloudFrontHeaders }).headers?.[name]?.[0]?.value;
}
