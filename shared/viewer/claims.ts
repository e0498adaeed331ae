/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): types only.
 *
 * The claims of a verified token, as the viewer decisions read them (identity headers, groups). The token
 * verifier (`shared/edge/tokens/claim-rules.ts`) produces them and re-exports this type.
 */
import type { JwtPayload } from "aws-jwt-verify/jwt-model";

export type Claims = JwtPayload & Record<string, unknown>;
