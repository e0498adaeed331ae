/**
 * The AWS CDK constructs of cloudfront-cognito-edge-auth (`import { EdgeAuth } from "cloudfront-cognito-edge-auth/cdk"`).
 * See docs/deploy-cdk.md.
 */
export { EdgeAuth } from "./edge-auth";
export type { EdgeAuthProps } from "./edge-auth";
export { EdgeAuthUserPool, configCreatesUserPool, poolIdsFromOutputs, siteHostsFromOutputs } from "./user-pool";
export type { EdgeAuthUserPoolProps } from "./user-pool";
export type { AuthConfigInput, PoolIds } from "./config";
export { ConfigError } from "../shared/config/load";
