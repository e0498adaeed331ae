/**
 * Names of the deployed Lambda@Edge functions. Serverless names a function `<service>-<stage>-<key>` and the key is
 * the catalogue's `slsName` (shared/catalogue.ts), so the names follow from the deploy config alone.
 */
import type { DeployConfig } from "../../shared/config/types";
import { EDGE_FUNCTIONS } from "../../shared/catalogue";
import type { FunctionSpec } from "../../shared/catalogue";

/** The deployed name of one edge function, e.g. `edge-auth-dev-checkAuth`. */
export function edgeFunctionName(d: Pick<DeployConfig, "service" | "stage">, f: Pick<FunctionSpec, "slsName">): string {
  return `${d.service}-${d.stage}-${f.slsName}`;
}

/** Every Lambda@Edge function of the catalogue, whichever hot path a deploy used (a removal must find them all). */
export function edgeFunctionNames(d: Pick<DeployConfig, "service" | "stage">): string[] {
  return EDGE_FUNCTIONS.map((f) => edgeFunctionName(d, f));
}
