// Serverless plugin: merges our settings into the DistributionConfig that osls builds from the cloudFront events.
// (`resources.extensions...DistributionConfig` would replace the generated one, not merge.)
//   custom.distribution         top-level DistributionConfig keys (root object, price class, HTTP/2+3, domain)
//   custom.behaviours.default   keys set on the default behaviour (a CloudFront Function, its cache policy)
//   custom.behaviours.every     keys set on every behaviour, the default one and each path (a response headers policy)
// Once the stack's own resources are merged in, every Ref / Fn::GetAtt these settings name is checked to exist, and
// no behaviour may run a CloudFront Function and a Lambda@Edge on the same event (CloudFront refuses that), and every
// path behaviour allows at least the default behaviour's methods (an auth path must take what the site sends it,
// e.g. check-auth's 307 of an expired POST to the refresh path).
"use strict";

class DistributionSettings {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      "after:package:compileEvents": () => this.merge(),
      "after:aws:package:finalize:mergeCustomProviderResources": () => this.check(),
    };
  }

  custom() {
    return this.serverless.service.custom || {};
  }

  resources() {
    return this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
  }

  distributionConfig() {
    const distribution = this.resources().CloudFrontDistribution;
    if (!distribution) throw new Error("distribution-settings: no CloudFrontDistribution in the template (no cloudFront events?)");
    return distribution.Properties.DistributionConfig;
  }

  merge() {
    const { distribution: settings, behaviours = {} } = this.custom();
    if (!settings && !behaviours.default && !behaviours.every) return;
    const config = this.distributionConfig();
    Object.assign(config, settings || {});
    Object.assign(config.DefaultCacheBehavior, behaviours.every || {}, behaviours.default || {});
    for (const b of config.CacheBehaviors || []) Object.assign(b, behaviours.every || {});
  }

  check() {
    const { behaviours = {} } = this.custom();
    if (!behaviours.default && !behaviours.every) return;
    const resources = this.resources();
    for (const id of referencedIds([behaviours.default, behaviours.every])) {
      if (!resources[id]) throw new Error(`distribution-settings: custom.behaviours names ${id}, which is not a resource of the stack`);
    }
    const config = this.distributionConfig();
    const methods = (b) => b.AllowedMethods || ["GET", "HEAD"];
    for (const b of config.CacheBehaviors || []) {
      const missing = methods(config.DefaultCacheBehavior).filter((m) => !methods(b).includes(m));
      if (missing.length) throw new Error(`distribution-settings: behaviour ${b.PathPattern} does not allow ${missing.join(", ")}, which the default behaviour allows`);
    }
    for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors || [])]) {
      const lambdaEvents = new Set((b.LambdaFunctionAssociations || []).map((a) => a.EventType));
      for (const a of b.FunctionAssociations || []) {
        if (lambdaEvents.has(a.EventType))
          throw new Error(`distribution-settings: behaviour ${b.PathPattern || "default"} has a CloudFront Function and a Lambda@Edge on ${a.EventType}`);
      }
    }
  }
}

/** Logical ids named by `Ref` and `Fn::GetAtt` anywhere in a value. */
function referencedIds(value, out = new Set()) {
  if (Array.isArray(value)) for (const v of value) referencedIds(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "Ref" && typeof v === "string" && !v.startsWith("AWS::")) out.add(v);
      else if (k === "Fn::GetAtt" && Array.isArray(v)) out.add(v[0]);
      else referencedIds(v, out);
    }
  }
  return out;
}

module.exports = DistributionSettings;
