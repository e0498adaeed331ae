// Serverless plugin: puts each CloudFront Function's built code into the template at package time
// (`custom.cloudFrontFunctionCode`: `[{ logicalId, file }]`, from scripts/sls-hot-path.ts). It cannot come in
// through the Serverless values like everything else: the variable resolver would read the code's template
// literals (`${...}`) as variables.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

class FunctionCode {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { "after:aws:package:finalize:mergeCustomProviderResources": () => this.insert() };
  }

  insert() {
    const list = (this.serverless.service.custom || {}).cloudFrontFunctionCode || [];
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const { logicalId, file } of list) {
      const resource = resources[logicalId];
      if (!resource || resource.Type !== "AWS::CloudFront::Function") throw new Error(`function-code: ${logicalId} is not an AWS::CloudFront::Function of the stack`);
      resource.Properties.FunctionCode = fs.readFileSync(path.resolve(this.serverless.serviceDir, file), "utf8");
    }
  }
}

module.exports = FunctionCode;
