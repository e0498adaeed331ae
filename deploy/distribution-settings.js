// Serverless plugin: merges `custom.distribution` into the DistributionConfig that osls builds from the
// cloudFront events. (`resources.extensions...DistributionConfig` would replace the generated one, not merge.)
"use strict";

class DistributionSettings {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { "after:package:compileEvents": () => this.merge() };
  }

  merge() {
    const settings = this.serverless.service.custom && this.serverless.service.custom.distribution;
    if (!settings) return;
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const distribution = resources.CloudFrontDistribution;
    if (!distribution) throw new Error("distribution-settings: no CloudFrontDistribution in the template (no cloudFront events?)");
    Object.assign(distribution.Properties.DistributionConfig, settings);
  }
}

module.exports = DistributionSettings;
