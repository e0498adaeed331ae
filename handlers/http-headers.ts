/** Lambda@Edge origin-response handler: adds the configured security headers (shared/http-headers.ts). */
import type { CloudFrontResponseEvent, CloudFrontResponseResult } from "aws-lambda";
import { config } from "../shared/baked-config";
import { canonicalName } from "../shared/cloudfront";
import { securityHeaders } from "../shared/http-headers";

const headers = Object.entries(securityHeaders(config)).map(([name, value]) => [name, [{ key: canonicalName(name), value }]] as const);

export const handler = async (event: CloudFrontResponseEvent): Promise<CloudFrontResponseResult> => {
  const response = event?.Records?.[0]?.cf?.response;
  if (!response) return { status: "502", statusDescription: "Bad Gateway" };
  response.headers ??= {};
  for (const [name, value] of headers) response.headers[name] = value.map((h) => ({ ...h }));
  return response;
};
