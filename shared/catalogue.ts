/**
 * The function catalogue: every function the product ships, where it runs, what triggers it, on which path and
 * which secrets it is given. The build, the Serverless values, `npm run remove`, the benchmark, the local
 * CloudFront and the tests all read this one list instead of keeping their own.
 *
 * Build-time metadata only: no bundle imports it.
 */
import type { HotPath, Paths } from "./config/types";

/**
 * Where a function runs. Lambda@Edge functions are created in us-east-1 and replicated by CloudFront; the
 * CloudFront Function (`cloudfront-js-2.0`) runs in CloudFront itself; Cognito triggers are ordinary Lambdas.
 */
export type FunctionRuntime = "lambda-edge" | "cloudfront-function" | "lambda";

/** What calls the function: a CloudFront event on a cache behaviour, or a Cognito user pool trigger. */
export type FunctionTrigger = "viewer-request" | "origin-response" | "cognito-pre-token-generation" | "cognito-post-confirmation";

/** A secret of the config that a bundle is given only when it uses it (a leaked bundle leaks as little as possible). */
export type FunctionSecret = "clientSecret" | "nonceSigningSecret" | "sessionSigningSecret";

export interface FunctionSpec {
  /** Output folder name: `dist/<name>/index.js`. */
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  runtime: FunctionRuntime;
  trigger: FunctionTrigger;
  /** The cache behaviour it is attached to: the default one, or the path in `paths.<key>` (viewer triggers). */
  behaviour?: "default" | keyof Omit<Paths, "afterSignOut">;
  /** Secrets baked into this bundle. */
  secrets: readonly FunctionSecret[];
  /** Whether the bundle verifies tokens, so it needs the provider's keys baked in. */
  verifiesTokens: boolean;
  /** Function key in the Serverless files (and part of the deployed function's name, `<stack>-<slsName>`). */
  slsName: string;
  description: string;
  /** The hot paths it is deployed with (default: both). */
  hotPaths?: readonly HotPath[];
}

export const FUNCTIONS = [
  {
    name: "check-auth",
    entry: "handlers/edge/check-auth.ts",
    runtime: "lambda-edge",
    trigger: "viewer-request",
    behaviour: "default",
    secrets: ["nonceSigningSecret"],
    verifiesTokens: true,
    slsName: "checkAuth",
    description: "Verifies the session cookies; redirects to sign-in, refresh or 403",
    hotPaths: ["lambda-edge"],
  },
  {
    name: "check-auth-function",
    entry: "handlers/function/check-auth-function.ts",
    runtime: "cloudfront-function",
    trigger: "viewer-request",
    behaviour: "default",
    // Its HMAC key lives in the CloudFront KeyValueStore (kvs.json), never in the function's code.
    secrets: [],
    verifiesTokens: false,
    slsName: "checkAuthFunction",
    description: "Checks the signed session cookie; redirects to sign-in, refresh or 403",
    hotPaths: ["cloudfront-function"],
  },
  {
    name: "sign-in",
    entry: "handlers/edge/sign-in.ts",
    runtime: "lambda-edge",
    trigger: "viewer-request",
    behaviour: "signIn",
    secrets: ["nonceSigningSecret"],
    verifiesTokens: false,
    slsName: "signIn",
    description: "Starts a sign-in (state, nonce, PKCE) and redirects to the Hosted UI",
  },
  {
    name: "parse-auth",
    entry: "handlers/edge/parse-auth.ts",
    runtime: "lambda-edge",
    trigger: "viewer-request",
    behaviour: "callback",
    secrets: ["clientSecret", "nonceSigningSecret", "sessionSigningSecret"],
    verifiesTokens: true,
    slsName: "parseAuth",
    description: "Sign-in callback; exchanges the code with PKCE and sets the cookies",
  },
  {
    name: "refresh-auth",
    entry: "handlers/edge/refresh-auth.ts",
    runtime: "lambda-edge",
    trigger: "viewer-request",
    behaviour: "refresh",
    // nonceSigningSecret: the binding cookie's key (shared/edge/session-binding.ts).
    secrets: ["clientSecret", "nonceSigningSecret", "sessionSigningSecret"],
    verifiesTokens: true,
    slsName: "refreshAuth",
    description: "Refreshes expired tokens with the refresh token",
  },
  {
    name: "sign-out",
    entry: "handlers/edge/sign-out.ts",
    runtime: "lambda-edge",
    trigger: "viewer-request",
    behaviour: "signOut",
    secrets: ["clientSecret"],
    verifiesTokens: false,
    slsName: "signOut",
    description: "Revokes the refresh token, clears the cookies, signs out at Cognito",
  },
  {
    name: "http-headers",
    entry: "handlers/edge/http-headers.ts",
    runtime: "lambda-edge",
    trigger: "origin-response",
    behaviour: "default",
    secrets: [],
    verifiesTokens: false,
    slsName: "httpHeaders",
    description: "Adds security headers to the origin's responses",
  },
  {
    name: "pre-token-generation",
    entry: "handlers/triggers/pre-token-generation.ts",
    runtime: "lambda",
    trigger: "cognito-pre-token-generation",
    secrets: [],
    verifiesTokens: false,
    slsName: "preTokenGeneration",
    description: "Cognito pre-token-generation trigger (edge-auth)",
  },
  {
    name: "post-confirmation",
    entry: "handlers/triggers/post-confirmation.ts",
    runtime: "lambda",
    trigger: "cognito-post-confirmation",
    secrets: [],
    verifiesTokens: false,
    slsName: "postConfirmation",
    description: "Cognito post-confirmation trigger (edge-auth)",
  },
] as const satisfies readonly FunctionSpec[];

export type FunctionName = (typeof FUNCTIONS)[number]["name"];

/** The Lambda@Edge functions, in catalogue order. */
export const EDGE_FUNCTIONS: readonly FunctionSpec[] = FUNCTIONS.filter((f) => f.runtime === "lambda-edge");

/** The CloudFront Functions (code with its own size limit, no bundle of ours around it). */
export const CLOUDFRONT_FUNCTIONS: readonly FunctionSpec[] = FUNCTIONS.filter((f) => f.runtime === "cloudfront-function");

/**
 * The functions CloudFront runs for a config: the hot path's viewer check and the Lambda@Edge functions on the
 * paths. http-headers runs with the lambda-edge hot path, and with the other only when `mergeOriginCsp` asks
 * (a response headers policy sets the headers there).
 */
export function deployedEdgeFunctions(c: { hotPath: HotPath; mergeOriginCsp: boolean }): FunctionSpec[] {
  return (FUNCTIONS as readonly FunctionSpec[]).filter((f) => {
    if (f.runtime === "lambda") return false;
    if (f.hotPaths && !f.hotPaths.includes(c.hotPath)) return false;
    if (f.name === "http-headers") return c.hotPath === "lambda-edge" || c.mergeOriginCsp;
    return true;
  });
}

/** The Cognito trigger functions (ordinary Lambdas in the pool's region). */
export const TRIGGER_FUNCTIONS: readonly FunctionSpec[] = FUNCTIONS.filter((f) => f.runtime === "lambda");

/** One function by name; throws for a name that is not in the catalogue (a programming error). */
export function functionSpec(name: string): FunctionSpec {
  const f = FUNCTIONS.find((x) => x.name === name);
  if (!f) throw new Error(`unknown function ${name}`);
  return f;
}

/**
 * The viewer-request function for a URI: the one on its path behaviour (`callback`, `refresh`, `signOut`,
 * `signIn`), else the hot path's check on the default behaviour.
 */
export function viewerFunctionFor(uri: string, paths: Paths, hotPath: HotPath = "lambda-edge"): FunctionSpec {
  for (const f of EDGE_FUNCTIONS) {
    if (f.trigger === "viewer-request" && f.behaviour !== undefined && f.behaviour !== "default" && paths[f.behaviour] === uri) return f;
  }
  return functionSpec(hotPath === "cloudfront-function" ? "check-auth-function" : "check-auth");
}
