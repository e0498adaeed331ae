/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/refresh-auth.ts. */
import { config } from "../shared/baked-config";
import { viewerHandler } from "../shared/cloudfront";
import { createContext } from "../shared/context";
import { refreshAuth } from "../shared/refresh-auth";

export const handler = viewerHandler(refreshAuth, createContext(config, "refresh-auth"));
