/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/edge/sign-out.ts. */
import { bundle } from "../../shared/edge/baked-config";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import { createSiteContexts } from "../../shared/edge/deps";
import { signOut } from "../../shared/edge/sign-out";

export const handler = viewerHandler(signOut, createSiteContexts(bundle, "sign-out"));
