/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * The `crypto` module, loaded the one way both runtimes accept: `require('crypto')`. (The CloudFront Function
 * build puts that call at the top of the function and hands the module in instead of this file.)
 */
export interface Digest {
  update(data: string): Digest;
  digest(encoding: "base64url"): string;
}
export interface Crypto {
  createHmac(algorithm: "sha256", key: string): Digest;
  createHash(algorithm: "sha256"): Digest;
}

export const crypto = (): Crypto => require("crypto") as Crypto;
