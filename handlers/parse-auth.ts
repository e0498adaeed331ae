/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/parse-auth.ts. */
import { config } from "../shared/baked-config";
import { viewerHandler } from "../shared/cloudfront";
import { createContext } from "../shared/context";
import { parseAuth } from "../shared/parse-auth";

export const handler = viewerHandler(parseAuth, createContext(config, "parse-auth"));
