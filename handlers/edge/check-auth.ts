/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/edge/check-auth.ts. */
import { bundle } from "../../shared/edge/baked-config";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import { createSiteContexts } from "../../shared/edge/deps";
import { checkAuth } from "../../shared/edge/check-auth";
import { createTokenVerifier } from "../../shared/edge/tokens/verifier";

export const handler = viewerHandler(checkAuth, createSiteContexts(bundle, "check-auth", { verifier: createTokenVerifier }));
