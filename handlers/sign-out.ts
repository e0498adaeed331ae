/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/sign-out.ts. */
import { config } from "../shared/baked-config";
import { viewerHandler } from "../shared/cloudfront";
import { createContext } from "../shared/context";
import { signOut } from "../shared/sign-out";

export const handler = viewerHandler(signOut, createContext(config, "sign-out"));
