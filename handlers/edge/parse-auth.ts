/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/edge/parse-auth.ts. */
import { bundle } from "../../shared/edge/baked-config";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import { createSiteContexts } from "../../shared/edge/deps";
import { parseAuth } from "../../shared/edge/parse-auth";
import { createTokenVerifier } from "../../shared/edge/tokens/verifier";

export const handler = viewerHandler(parseAuth, createSiteContexts(bundle, "parse-auth", { verifier: createTokenVerifier }));
