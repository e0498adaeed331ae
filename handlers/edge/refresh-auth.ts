/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/edge/refresh-auth.ts. */
import { config } from "../../shared/edge/baked-config";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import { createContext } from "../../shared/edge/deps";
import { refreshAuth } from "../../shared/edge/refresh-auth";
import { createTokenVerifier } from "../../shared/edge/tokens/verifier";

export const handler = viewerHandler(refreshAuth, createContext(config, "refresh-auth", { verifier: createTokenVerifier }));
