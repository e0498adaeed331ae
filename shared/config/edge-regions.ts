/**
 * Where Lambda@Edge leaves its traces. A replica runs in the regional edge cache that served the viewer and logs to
 * CloudWatch Logs in that region (`/aws/lambda/us-east-1.<function>`), so the EMF metrics land there too.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html
 */
import { AWS_REGIONS } from "./regions";
import type { PriceClass } from "./types";

/**
 * Regions with a CloudFront regional edge cache, grouped by the cheapest price class whose edge locations use
 * them (PriceClass_100: North America and Europe; _200 adds Asia; _All adds South America and Oceania).
 */
const EDGE_CACHE_REGIONS: Record<PriceClass, readonly string[]> = {
  PriceClass_100: ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1"],
  PriceClass_200: ["ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-south-1"],
  PriceClass_All: ["ap-southeast-2", "sa-east-1"],
};

/** The regional edge cache regions a distribution of this price class is likely to log in, us-east-1 first. */
export function edgeCacheRegions(priceClass: PriceClass): string[] {
  const order: PriceClass[] = ["PriceClass_100", "PriceClass_200", "PriceClass_All"];
  return order.slice(0, order.indexOf(priceClass) + 1).flatMap((p) => EDGE_CACHE_REGIONS[p]);
}

/**
 * Every commercial region (not GovCloud, China or the European Sovereign Cloud, which a distribution in the
 * commercial partition never logs in): where `npm run logs` looks for log groups. Regions that are not enabled in
 * the account answer with an error and are skipped.
 */
export const COMMERCIAL_REGIONS: readonly string[] = AWS_REGIONS.filter((r) => !/^(us-gov-|cn-|eusc-)/.test(r));
