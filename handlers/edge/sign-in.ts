/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/edge/sign-in.ts. */
import { bundle } from "../../shared/edge/baked-config";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import { createSiteContexts } from "../../shared/edge/deps";
import { signIn } from "../../shared/edge/sign-in";

export const handler = viewerHandler(signIn, createSiteContexts(bundle, "sign-in"));
