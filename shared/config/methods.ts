/**
 * The HTTP methods the distribution's behaviours allow. CloudFront answers 403 to a method a behaviour's
 * `AllowedMethods` does not list, before any function runs, and without `AllowedMethods` a behaviour allows GET and
 * HEAD only; so a CORS preflight (OPTIONS) never reaches the viewer check unless it is listed. CloudFront accepts
 * three sets for `AllowedMethods` and two for `CachedMethods`:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesAllowedHTTPMethods
 */

/** The sets CloudFront accepts as a behaviour's `AllowedMethods`. */
export const CLOUDFRONT_ALLOWED_METHOD_SETS: readonly (readonly string[])[] = [
  ["GET", "HEAD"],
  ["GET", "HEAD", "OPTIONS"],
  ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
];

/** The sets CloudFront accepts as a behaviour's `CachedMethods`. */
export const CLOUDFRONT_CACHED_METHOD_SETS: readonly (readonly string[])[] = [
  ["GET", "HEAD"],
  ["GET", "HEAD", "OPTIONS"],
];

/**
 * What our distribution's behaviours allow: what the viewer check handles on a static site (GET, HEAD, and the
 * OPTIONS preflight it lets through), GET and HEAD cached. The auth paths' behaviours allow the same (on a
 * distribution of your own, whatever its default behaviour allows: cdk/edge-auth.ts).
 */
export const SITE_METHODS = { AllowedMethods: ["GET", "HEAD", "OPTIONS"], CachedMethods: ["GET", "HEAD"] } as const;

/** The smallest allowed set CloudFront accepts that holds every method of `methods` (undefined means GET, HEAD). */
export function allowedMethodSetFor(methods: readonly string[] | undefined): readonly string[] {
  const want = methods ?? ["GET", "HEAD"];
  return CLOUDFRONT_ALLOWED_METHOD_SETS.find((set) => want.every((m) => set.includes(m))) ?? CLOUDFRONT_ALLOWED_METHOD_SETS[2]!;
}
