/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function's build): written in the cloudfront-js-2.0 subset.
 *
 * Text into HTML: every character that could end an element or an attribute becomes a numeric reference.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=/]/g, (c) => `&#${c.charCodeAt(0)};`);
}
