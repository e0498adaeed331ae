/**
 * CloudFront Function (cloudfront-js-2.0), viewer request on the default behaviour with the cloudfront-function
 * hot path: reads the session key from the function's KeyValueStore and runs the check (shared/function/check.ts).
 * The build wraps this module into the top-level `handler` CloudFront expects and adds `import cf from 'cloudfront'`.
 */
import { checkRequest } from "../../shared/function/check";
import type { CfRequest, CfResponse } from "../../shared/function/check";
import { SESSION_KEY } from "../../shared/viewer/session-cookie";
import type { FunctionConfig } from "../../shared/function/config";

declare const __FUNCTION_CONFIG__: FunctionConfig;
/** The `cloudfront` module (key value store helpers), bound by the import the build adds. */
declare const cf: { kvs(): { get(key: string): Promise<string> } };


export async function handler(event: { request: CfRequest; viewer?: { ip?: string } }): Promise<CfRequest | CfResponse> {
  const now = Math.floor(Date.now() / 1000);
  let key = "";
  try {
    key = await cf.kvs().get(SESSION_KEY);
  } catch (e) {
    // No key (a store without it, or none at all): every session is unverifiable; the check answers 503.
  }
  return checkRequest(event.request, __FUNCTION_CONFIG__, key, now, (event.viewer || {}).ip);
}
