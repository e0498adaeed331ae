/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/edge/parse-auth.ts. */
import { config } from "../../shared/edge/baked-config";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import { createContext } from "../../shared/edge/deps";
import { parseAuth } from "../../shared/edge/parse-auth";
import { createTokenVerifier } from "../../shared/edge/tokens/verifier";

export const handler = viewerHandler(parseAuth, createContext(config, "parse-auth", { verifier: createTokenVerifier }));
