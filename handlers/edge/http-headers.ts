/** Lambda@Edge origin-response handler: adds the configured security headers (shared/edge/security-headers.ts). */
import type { CloudFrontResponseEvent, CloudFrontResponseResult } from "aws-lambda";
import { bundle } from "../../shared/edge/baked-config";
import { canonicalName } from "../../shared/edge/lambda-edge";
import { securityHeaders } from "../../shared/edge/security-headers";
import { siteFor } from "../../shared/viewer/sites";

export const handler = async (event: CloudFrontResponseEvent): Promise<CloudFrontResponseResult> => {
  const response = event?.Records?.[0]?.cf?.response;
  if (!response) return { status: "502", statusDescription: "Bad Gateway", headers: { "cache-control": [{ key: "Cache-Control", value: "no-cache, no-store" }] } };
  const host = event.Records[0]!.cf.request?.headers?.host?.[0]?.value;
  const config = (siteFor(bundle.sites, host) ?? bundle.sites[0]!).config;
  const headers = (response.headers ??= {});
  const originValue = (name: string) => {
    const values = headers[name];
    return Array.isArray(values) && values.length ? values.map((h) => String(h?.value ?? "")).join(", ") : undefined;
  };
  for (const [name, value] of Object.entries(securityHeaders(config, originValue))) headers[name] = [{ key: canonicalName(name), value }];
  return response;
};
