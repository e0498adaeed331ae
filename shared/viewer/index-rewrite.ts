/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * Static-site conveniences applied after the auth decision, on the request that goes on to the origin:
 * S3 behind Origin Access Control has no index documents, so `/docs/` and `/docs` become `/docs/index.html`;
 * with `spaFallback`, extension-less paths (client-side routes) become `/index.html`.
 */
import type { ResolvedConfig } from "../config/types";

/** The URI to request from the origin, or undefined to keep it. */
export function originUri(uri: string, config: Partial<Pick<ResolvedConfig, "indexRewrite" | "spaFallback">>): string | undefined {
  const last = uri.slice(uri.lastIndexOf("/") + 1);
  // A file name with an extension is served as it is.
  if (last.includes(".")) return undefined;
  // A client-side route (not a directory: `/docs/` is the docs' index even in an SPA).
  if (config.spaFallback && last) return "/index.html";
  return config.indexRewrite ? uri + (last ? "/" : "") + "index.html" : undefined;
}
