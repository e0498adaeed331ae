/**
 * `npm start`'s environment: `EDGE_AUTH_HOT_PATH` is validated like `EDGE_AUTH_MODE`, and the generated local config
 * carries the hot path through the config pipeline.
 */
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../../shared/config/resolve";
import { localConfig } from "../../../local/stack";
import { hotPathFromEnv, startFailure } from "../../../local/start";

describe("EDGE_AUTH_HOT_PATH", () => {
  it.each([
    [undefined, "lambda-edge"],
    ["", "lambda-edge"],
    ["lambda-edge", "lambda-edge"],
    ["cloudfront-function", "cloudfront-function"],
  ] as const)("%s is %s", (value, hotPath) => {
    expect(hotPathFromEnv(value)).toBe(hotPath);
  });

  it.each(["cloudfront", "CloudFront-Function", " lambda-edge", "function"])("%s is refused, naming the variable and the choices", (value) => {
    let message = "";
    try {
      hotPathFromEnv(value);
    } catch (err) {
      message = startFailure(err);
    }
    expect(message).toBe(`npm start failed: EDGE_AUTH_HOT_PATH=${value} is not a hot path (lambda-edge or cloudfront-function)`);
  });
});

describe("the local config", () => {
  const base = { userPoolId: "local_abc", clientId: "client123", authUrl: "http://localhost:9230", cognitoUrl: "http://localhost:9229" };
  const resolve = (raw: Record<string, unknown>) => {
    const r = resolveConfig({ ...raw, jwks: { keys: [] } }, { nonceSigningSecret: "n".repeat(32), sessionSigningSecret: "s".repeat(43) });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    return r.config;
  };

  it.each([
    [{}, "lambda-edge", "static"],
    [{ hotPath: "cloudfront-function" as const }, "cloudfront-function", "static"],
    [{ hotPath: "cloudfront-function" as const, mode: "spa" as const }, "cloudfront-function", "spa"],
  ])("%j resolves with hotPath %s and mode %s, sign-in on /signin", (extra, hotPath, mode) => {
    const config = resolve(localConfig({ ...base, ...extra }));
    expect([config.hotPath, config.mode, config.paths.signIn, config.mergeOriginCsp]).toEqual([hotPath, mode, "/signin", false]);
  });
});
