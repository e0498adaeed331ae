// Serverless plugin: the Lambda@Edge functions' logs.
// The functions set `disableLogs` (scripts/sls-values.ts): osls would otherwise create `/aws/lambda/<function>`,
// which Lambda@Edge never writes (it writes `/aws/lambda/us-east-1.<function>` in each region it runs in; the
// retention there is set by `npm run deploy`, scripts/edge-log-retention.ts). With every function's logs disabled,
// osls leaves two statements with an empty `Resource` in the execution role, which IAM refuses: they are dropped
// here (osls's own Lambda@Edge statement, logs in every region, stays).
"use strict";

const ROLE_ID = "IamRoleLambdaExecution";

class EdgeLogs {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { "after:aws:package:finalize:mergeCustomProviderResources": () => this.tidy() };
  }

  tidy() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const role = resources[ROLE_ID];
    if (!role) return;
    for (const policy of role.Properties.Policies || []) {
      const doc = policy.PolicyDocument;
      doc.Statement = doc.Statement.filter((s) => !Array.isArray(s.Resource) || s.Resource.length > 0);
    }
  }
}

module.exports = EdgeLogs;
