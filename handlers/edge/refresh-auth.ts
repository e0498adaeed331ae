/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/edge/refresh-auth.ts. */
import { bundle } from "../../shared/edge/baked-config";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import { createSiteContexts } from "../../shared/edge/deps";
import { refreshAuth } from "../../shared/edge/refresh-auth";
import { createTokenVerifier } from "../../shared/edge/tokens/verifier";

export const handler = viewerHandler(refreshAuth, createSiteContexts(bundle, "refresh-auth", { verifier: createTokenVerifier }));
