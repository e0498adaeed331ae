// Serverless plugin: the Lambda@Edge functions' logs.
// - Package: the functions set `disableLogs` (scripts/sls-values.ts), because osls would otherwise create
//   `/aws/lambda/<function>`, which Lambda@Edge never writes (it writes `/aws/lambda/us-east-1.<function>` in each
//   region it runs in). With every function's logs disabled, osls leaves two statements with an empty `Resource`
//   in the execution role, which IAM refuses: they are dropped here (osls's own Lambda@Edge statement, logs in
//   every region, stays).
// - Deploy (`npm run deploy` and `sls deploy` alike): after the stack, each function's log group is created in
//   every edge cache region with its retention (scripts/edge-log-retention.ts), since no us-east-1 template can.
"use strict";

const ROLE_ID = "IamRoleLambdaExecution";

class EdgeLogs {
  constructor(serverless, options, utils = {}) {
    this.serverless = serverless;
    this.provider = serverless.getProvider("aws");
    this.log = (utils.log && utils.log.notice) || ((line) => console.log(line));
    this.hooks = {
      "after:aws:package:finalize:mergeCustomProviderResources": () => this.tidy(),
      "after:deploy:deploy": () => this.retention(),
    };
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

  /** Deployed names of the functions with a cloudFront event. */
  edgeFunctionNames() {
    const service = this.serverless.service;
    return service
      .getAllFunctions()
      .map((key) => service.getFunction(key))
      .filter((fn) => (fn.events || []).some((e) => e.cloudFront))
      .map((fn) => fn.name);
  }

  /** CloudWatch Logs clients with osls's credentials, one per region (a seam for tests). */
  async clients() {
    const { CloudWatchLogsClient } = require("@aws-sdk/client-cloudwatch-logs");
    const config = await this.provider.getAwsSdkV3Config();
    const cache = new Map();
    return { logs: (region) => cache.get(region) || cache.set(region, new CloudWatchLogsClient({ ...config, region })).get(region) };
  }

  async retention() {
    const functions = this.edgeFunctionNames();
    if (!functions.length) return;
    const { require: tsxRequire } = require("tsx/cjs/api");
    const { setEdgeLogRetention } = tsxRequire("../scripts/edge-log-retention.ts", __filename);
    const { EDGE_LOG_RETENTION_DAYS } = tsxRequire("../shared/config/edge-logging.ts", __filename);
    const res = await setEdgeLogRetention({ functions }, await this.clients());
    const skipped = res.skippedRegions.length ? ` (regions not enabled, skipped: ${res.skippedRegions.join(", ")})` : "";
    this.log(`Lambda@Edge log retention: ${EDGE_LOG_RETENTION_DAYS} days on ${res.set.length} log groups in every edge cache region${skipped}`);
  }
}

module.exports = EdgeLogs;
