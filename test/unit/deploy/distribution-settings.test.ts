/**
 * deploy/distribution-settings.js merges our settings into the distribution osls generates, and refuses settings
 * that name a resource the stack lacks or that put a CloudFront Function and a Lambda@Edge on one event.
 */
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

interface Plugin {
  hooks: Record<string, () => unknown>;
}
const DistributionSettings = createRequire(join(resolve(__dirname, "../../.."), "package.json"))("./deploy/distribution-settings.js") as new (sls: unknown) => Plugin;

type Json = Record<string, unknown>;

function stack(custom: Json, defaultBehaviour: Json = {}) {
  const Resources: Record<string, Json> = {
    CloudFrontDistribution: {
      Type: "AWS::CloudFront::Distribution",
      Properties: {
        DistributionConfig: {
          DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: "disabled", ...defaultBehaviour },
          CacheBehaviors: [{ PathPattern: "/signin", TargetOriginId: "s3", ViewerProtocolPolicy: "redirect-to-https" }],
        },
      },
    },
    Policy: { Type: "AWS::CloudFront::ResponseHeadersPolicy" },
    Fn: { Type: "AWS::CloudFront::Function" },
  };
  const plugin = new DistributionSettings({ service: { custom, provider: { compiledCloudFormationTemplate: { Resources } } } });
  const config = (Resources.CloudFrontDistribution!.Properties as { DistributionConfig: Json }).DistributionConfig as {
    DefaultCacheBehavior: Json;
    CacheBehaviors: Json[];
    [k: string]: unknown;
  };
  return { merge: plugin.hooks["after:package:compileEvents"]!, check: plugin.hooks["after:aws:package:finalize:mergeCustomProviderResources"]!, config };
}

const fnAssociation = { EventType: "viewer-request", FunctionARN: { "Fn::GetAtt": ["Fn", "FunctionMetadata.FunctionARN"] } };

describe("distribution-settings", () => {
  it("merges top-level settings, the default behaviour's and every behaviour's", () => {
    const s = stack({
      distribution: { PriceClass: "PriceClass_100" },
      behaviours: { default: { CachePolicyId: "site", FunctionAssociations: [fnAssociation] }, every: { ResponseHeadersPolicyId: { Ref: "Policy" } } },
    });
    s.merge();
    s.check();
    expect(s.config.PriceClass).toBe("PriceClass_100");
    expect(s.config.DefaultCacheBehavior).toMatchObject({ CachePolicyId: "site", FunctionAssociations: [fnAssociation], ResponseHeadersPolicyId: { Ref: "Policy" } });
    expect(s.config.CacheBehaviors[0]).toEqual({ PathPattern: "/signin", TargetOriginId: "s3", ViewerProtocolPolicy: "redirect-to-https", ResponseHeadersPolicyId: { Ref: "Policy" } });
  });

  it("leaves the distribution as generated with empty behaviour settings (hot path lambda-edge)", () => {
    const s = stack({ behaviours: { default: {}, every: {} } });
    const before = JSON.stringify(s.config);
    s.merge();
    s.check();
    expect(JSON.stringify(s.config)).toBe(before);
  });

  it("puts the viewer check's methods on every behaviour, so a preflight reaches it and an auth path takes the default's", () => {
    const methods = { AllowedMethods: ["GET", "HEAD", "OPTIONS"], CachedMethods: ["GET", "HEAD"] };
    const s = stack({ behaviours: { default: {}, every: methods } });
    s.merge();
    s.check();
    for (const b of [s.config.DefaultCacheBehavior, ...s.config.CacheBehaviors]) expect(b).toMatchObject(methods);
  });

  it.each([
    ["a Ref to a missing resource", { every: { ResponseHeadersPolicyId: { Ref: "Nope" } } }, {}, /names Nope, which is not a resource/],
    ["a GetAtt of a missing resource", { default: { FunctionAssociations: [{ EventType: "viewer-request", FunctionARN: { "Fn::GetAtt": ["Gone", "Arn"] } }] } }, {}, /names Gone/],
    [
      "a CloudFront Function and a Lambda@Edge on the same event",
      { default: { FunctionAssociations: [fnAssociation] } },
      { LambdaFunctionAssociations: [{ EventType: "viewer-request", LambdaFunctionARN: { Ref: "V" } }] },
      /default has a CloudFront Function and a Lambda@Edge on viewer-request/,
    ],
    [
      "a path behaviour that allows fewer methods than the default one",
      { default: { AllowedMethods: ["GET", "HEAD", "OPTIONS"] } },
      {},
      /behaviour \/signin does not allow OPTIONS, which the default behaviour allows/,
    ],
  ])("refuses %s", (_, behaviours, defaultBehaviour, message) => {
    const s = stack({ behaviours }, defaultBehaviour);
    s.merge();
    expect(() => s.check()).toThrow(message);
  });
});
