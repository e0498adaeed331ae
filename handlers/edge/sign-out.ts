/** Lambda@Edge viewer-request handler: translates the CloudFront event; the decision is shared/edge/sign-out.ts. */
import { config } from "../../shared/edge/baked-config";
import { viewerHandler } from "../../shared/edge/lambda-edge";
import { createContext } from "../../shared/edge/deps";
import { signOut } from "../../shared/edge/sign-out";

export const handler = viewerHandler(signOut, createContext(config, "sign-out"));
