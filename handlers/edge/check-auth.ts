/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/edge/check-auth.ts. */
import { config } from "../../shared/edge/baked-config";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import { createContext } from "../../shared/edge/deps";
import { checkAuth } from "../../shared/edge/check-auth";
import { createTokenVerifier } from "../../shared/edge/tokens/verifier";

export const handler = viewerHandler(checkAuth, createContext(config, "check-auth", { verifier: createTokenVerifier }));
