/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * The kinds of a rule's selector, as numbers in the baked data (shared/viewer/rules.ts). A module with no imports,
 * so esbuild writes the numbers in place of the names in the CloudFront Function (it inlines a constant only
 * from such a module), not a variable for each.
 */

export const GROUPS = 0;
export const EMAILS = 1;
export const EMAIL_DOMAINS = 2;
export const CLAIM = 3;
export const IP_RANGES = 4;
