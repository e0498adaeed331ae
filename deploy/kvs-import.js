// Serverless plugin: puts a CloudFront KeyValueStore's initial content (the built kvs.json, which holds the
// session key) where the template's `ImportSource` points, so the key never enters a template, a stack output or
// a CloudFormation event. `custom.keyValueStoreImports` (scripts/sls-hot-path.ts) lists each file with its object
// key in the deployment bucket (`serverless/<service>/<stage>/kvs-import/<hash>.json`) and its content hash.
//
// - `sls package` (offline): checks that the template's store imports exactly that key, and copies the file into
//   the package (`kvs-import-<hash>.json`, beside the function zips, which carry the other secrets), so a
//   package deploys what was packaged even if dist/ is built again in between.
// - `sls deploy`: after osls has uploaded the artifacts (on a new stack it creates the deployment bucket first) and
//   before it creates or updates the stack, uploads the copy to that key. Nothing is uploaded when osls skips an
//   unchanged deployment (the store exists already).
//
// Why this way, and what it costs:
// - ImportSource is read once, when CloudFront creates the store, and cannot be updated. The template therefore
//   names the store after the content hash: a new key makes a new store (and the function moves to it in the same
//   stack update), the same key changes nothing.
// - The alternatives put the key in the template (a custom resource's properties, visible in the console and in
//   every template copy) or leave the store empty until a step after the stack update (every request fails in
//   between, and a failed step leaves it so).
// - The object stays in the deployment bucket (private, encrypted, like the function zips there, which carry the
//   other secrets) under a prefix osls's clean-up of old deployments does not touch, so a store that has to be
//   created again later (a deploy back to an earlier key) can still read it. `sls remove` deletes the stage's
//   objects, these included.
// - Whoever deploys needs s3:GetObject and s3:GetBucketLocation on the deployment bucket, or CloudFront cannot
//   create the store (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-create.html).
"use strict";

const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const DEPLOYMENT_BUCKET_ID = "ServerlessDeploymentBucket";

/** First 16 hex digits of a SHA-256 (as scripts/sls-hot-path.ts computes them). */
function contentHash(buf) {
  return createHash("sha256").update(buf).digest("hex").slice(0, 16);
}

class KvsImport {
  constructor(serverless, options, utils = {}) {
    this.serverless = serverless;
    this.options = options || {};
    this.provider = serverless.getProvider("aws");
    this.log = (utils.log && utils.log.notice) || ((line) => console.log(line));
    this.hooks = {
      "before:aws:package:finalize:saveServiceState": () => this.pack(),
      "after:aws:deploy:deploy:uploadArtifacts": () => this.upload(),
    };
  }

  imports() {
    const list = (this.serverless.service.custom || {}).keyValueStoreImports || [];
    if (!Array.isArray(list)) throw new Error("kvs-import: custom.keyValueStoreImports must be a list");
    return list;
  }

  /** Where osls keeps the artifacts while it works: the package is copied from and to here. */
  workDir() {
    return path.join(this.serverless.serviceDir, ".serverless");
  }

  packaged(item) {
    return path.join(this.workDir(), `kvs-import-${item.hash}.json`);
  }

  /** The deployment bucket's own prefix for this stage, which osls clears of old deployments (not of ours). */
  prefix() {
    return `${this.provider.getDeploymentPrefix()}/${this.serverless.service.service}/${this.provider.getStage()}/`;
  }

  pack() {
    const items = this.imports();
    if (!items.length) return;
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    if (this.serverless.service.provider.deploymentBucket || !template.Resources[DEPLOYMENT_BUCKET_ID])
      throw new Error(`kvs-import: the key value store is imported from the deployment bucket osls creates in the stack (${DEPLOYMENT_BUCKET_ID}); provider.deploymentBucket.name is not supported`);
    const stores = Object.values(template.Resources).filter((r) => r.Type === "AWS::CloudFront::KeyValueStore");
    for (const item of items) {
      if (!item.key.startsWith(`${this.prefix()}kvs-import/`) || !item.key.endsWith(`/${item.hash}.json`))
        throw new Error(`kvs-import: ${item.key} must be ${this.prefix()}kvs-import/<hash>.json`);
      const arn = `arn:\${AWS::Partition}:s3:::\${${DEPLOYMENT_BUCKET_ID}}/${item.key}`;
      if (!stores.some((s) => JSON.stringify((s.Properties.ImportSource || {}).SourceArn) === JSON.stringify({ "Fn::Sub": arn })))
        throw new Error(`kvs-import: no AWS::CloudFront::KeyValueStore in the template imports ${item.key}`);
      const content = fs.readFileSync(path.resolve(this.serverless.serviceDir, item.file));
      if (contentHash(content) !== item.hash) throw new Error(`kvs-import: ${item.file} changed while packaging; run the package again`);
      fs.mkdirSync(this.workDir(), { recursive: true });
      fs.writeFileSync(this.packaged(item), content, { mode: 0o600 });
    }
  }

  /** An S3 client with osls's credentials and region (a seam for tests). */
  async s3() {
    const { S3Client } = require("@aws-sdk/client-s3");
    return new S3Client(await this.provider.getAwsSdkV3Config());
  }

  async upload() {
    const items = this.imports();
    if (!items.length || this.serverless.service.provider.shouldNotDeploy) return;
    const bucket = await this.provider.getServerlessDeploymentBucketName();
    const encryption = this.serverless.service.provider.deploymentBucketObject || {};
    const s3 = await this.s3();
    const { PutObjectCommand } = require("@aws-sdk/client-s3");
    for (const item of items) {
      const file = this.packaged(item);
      if (!fs.existsSync(file)) throw new Error(`kvs-import: ${path.basename(file)} is not in the package; run the package again`);
      const body = fs.readFileSync(file);
      if (contentHash(body) !== item.hash) throw new Error(`kvs-import: ${path.basename(file)} does not match its hash; run the package again`);
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: item.key,
          Body: body,
          ContentType: "application/json",
          ...(encryption.serverSideEncryption ? { ServerSideEncryption: encryption.serverSideEncryption } : {}),
          ...(encryption.sseKMSKeyId ? { SSEKMSKeyId: encryption.sseKMSKeyId } : {}),
        }),
      );
      // The key is the content hash, never the content.
      this.log(`Key value store content uploaded: s3://${bucket}/${item.key}`);
    }
  }
}

module.exports = KvsImport;
