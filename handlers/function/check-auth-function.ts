/**
 * CloudFront Function (cloudfront-js-2.0), viewer request on the default behaviour with the cloudfront-function
 * hot path: reads the session key from the function's KeyValueStore and runs the check (shared/function/check.ts).
 * The build wraps this module into the top-level `handler` CloudFront expects and adds `import cf from 'cloudfront'`.
 */
import { checkRequest } from "../../shared/function/check";
import type { CfRequest, CfResponse } from "../../shared/function/check";
import { SESSION_KEY } from "../../shared/viewer/session-cookie";
import { PAGE_STYLE_KEY, STYLE_SLOT } from "../../shared/viewer/page";
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
  const r = checkRequest(event.request, __FUNCTION_CONFIG__, key, now, (event.viewer || {}).ip);
  // An HTML page of ours: its stylesheet is in the store, not in this code (shared/viewer/page.ts). Without it the
  // page goes out unstyled.
  const body = "statusCode" in r ? r.body : undefined;
  if (body && body.data.indexOf(STYLE_SLOT) !== -1) {
    let style = "";
    try {
      style = await cf.kvs().get(PAGE_STYLE_KEY);
    } catch (e) {
      // No stylesheet in the store: the page is readable without it.
    }
    body.data = body.data.replace(STYLE_SLOT, `<style>${style}</style>`);
  }
  return r;
}
