/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/check-auth.ts. */
import { config } from "../shared/baked-config";
import { viewerHandler } from "../shared/cloudfront";
import { createContext } from "../shared/context";
import { checkAuth } from "../shared/check-auth";

export const handler = viewerHandler(checkAuth, createContext(config, "check-auth"));
