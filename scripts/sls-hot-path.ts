/**
 * The edge stack's parts that depend on the hot path (config `hotPath`), for scripts/sls-values.ts.
 *
 * With `cloudfront-function`, CloudFront runs no Lambda on a page view:
 * - the CloudFront Function from the catalogue on the default behaviour's viewer request, published to LIVE on
 *   every change (`AutoPublish`). Its code (`dist/check-auth-function/index.js`) is put into the template at
 *   package time by deploy/function-code.js: the Serverless variable resolver would take the code's template
 *   literals (`${...}`) for variables;
 * - its key value store, holding the session key. The key must never be in the template, so the store is created
 *   from an S3 object (`ImportSource`) that deploy/kvs-import.js uploads during `sls deploy` (see there);
 * - a response headers policy with the configured security headers on every behaviour (see
 *   shared/config/response-headers.ts for what it keeps of the origin's headers).
 * With `lambda-edge`, everything comes from the catalogue's cloudFront events and nothing is added here.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cloudFrontName, stackNames } from "../shared/config/deploy";
import { SITE_METHODS } from "../shared/config/methods";
import { policyHeaders } from "../shared/config/response-headers";
import type { DeployConfig, ResolvedConfig } from "../shared/config/types";
import { deployedEdgeFunctions } from "../shared/functions";
import type { FunctionSpec } from "../shared/functions";

type Cfn = Record<string, unknown>;

/** Logical ids of what this module adds. */
export const KEY_VALUE_STORE_ID = "SessionKeyValueStore";
export const RESPONSE_HEADERS_POLICY_ID = "SecurityHeadersPolicy";

/**
 * Where osls keeps a stage's deployment artifacts (`provider.deploymentPrefix`, default `serverless`), in the
 * deployment bucket osls creates in the stack (logical id `ServerlessDeploymentBucket`).
 */
const DEPLOYMENT_PREFIX = "serverless";
const DEPLOYMENT_BUCKET_ID = "ServerlessDeploymentBucket";

/** A CloudFront Function whose `FunctionCode` deploy/function-code.js reads from `file` at package time. */
export interface FunctionCodeFile {
  logicalId: string;
  /** Relative to the repository root, e.g. `dist/check-auth-function/index.js`. */
  file: string;
}

/** One file deploy/kvs-import.js puts in the deployment bucket for a key value store's `ImportSource`. */
export interface KeyValueStoreImport {
  /** The built file, relative to the repository root (e.g. `dist/check-auth-function/kvs.json`). */
  file: string;
  /** Its object key in the deployment bucket; ends in `<hash>.json`. */
  key: string;
  /** First 16 hex digits of the file's SHA-256: names the store and the object. */
  hash: string;
}

export interface HotPathParts {
  /** Merged into the edge stack's `resources`. */
  resources: Cfn;
  /** Merged by deploy/distribution-settings.js into the default behaviour, and into every behaviour. */
  behaviours: { default: Cfn; every: Cfn };
  /** Read by deploy/kvs-import.js. */
  keyValueStoreImports: KeyValueStoreImport[];
  /** Read by deploy/function-code.js. */
  functionCode: FunctionCodeFile[];
}

/** Set on every behaviour, whatever the hot path: the methods the viewer check handles (shared/config/methods.ts). */
const EVERY_BEHAVIOUR: Cfn = { AllowedMethods: [...SITE_METHODS.AllowedMethods], CachedMethods: [...SITE_METHODS.CachedMethods] };

/** Nothing but the methods: the lambda-edge hot path, or a command that reads no build (see scripts/sls-values.ts). */
export function noHotPathParts(): HotPathParts {
  return { resources: {}, behaviours: { default: {}, every: { ...EVERY_BEHAVIOUR } }, keyValueStoreImports: [], functionCode: [] };
}

/** `{ "Ref": id }` */
const ref = (id: string) => ({ Ref: id });

/** Logical id of a CloudFront Function resource: its catalogue key, capitalised (`CheckAuthFunction`). */
export function cloudFrontFunctionId(f: Pick<FunctionSpec, "slsName">): string {
  return f.slsName[0]!.toUpperCase() + f.slsName.slice(1);
}

/** First 16 hex digits of a SHA-256: enough to tell one key's store from the next. */
export function contentHash(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex").slice(0, 16);
}

/**
 * The hot path's resources and behaviour settings. `root` is the repository root, `distDir` the bundle folder
 * relative to it, `siteCachePolicy` the logical id of the default behaviour's cache policy. Throws when a built
 * file the template needs is missing (run the build first) or a header cannot go into a policy.
 */
export function hotPathParts(root: string, distDir: string, edge: ResolvedConfig, d: DeployConfig, siteCachePolicy: string): HotPathParts {
  if (edge.hotPath !== "cloudfront-function") return noHotPathParts();
  const stack = stackNames(d).edge;
  /** A built file's path relative to the root, after checking the build made it. */
  const built = (f: FunctionSpec, file: string) => {
    const path = `${distDir}/${f.name}/${file}`;
    if (!existsSync(join(root, path))) throw new Error(`${path} not found: run the build first (it builds ${f.entry})`);
    return path;
  };

  const resources: Cfn = {};
  const functionAssociations: Cfn[] = [];
  const imports: KeyValueStoreImport[] = [];
  const functionCode: FunctionCodeFile[] = [];
  for (const f of deployedEdgeFunctions(edge).filter((x) => x.runtime === "cloudfront-function")) {
    if (f.behaviour !== "default" || f.trigger !== "viewer-request") throw new Error(`${f.name}: only a viewer request on the default behaviour is wired up`);
    const kvsFile = built(f, "kvs.json");
    const hash = contentHash(readFileSync(join(root, kvsFile)));
    const imported: KeyValueStoreImport = { file: kvsFile, key: `${DEPLOYMENT_PREFIX}/${d.service}/${d.stage}/kvs-import/${hash}.json`, hash };
    imports.push(imported);
    // ImportSource is read once, when the store is created, and cannot be updated: a new key (another hash) must
    // make a new store. The name carries the hash, and a changed name replaces the store.
    resources[KEY_VALUE_STORE_ID] = {
      Type: "AWS::CloudFront::KeyValueStore",
      Properties: {
        Name: cloudFrontName(stack, `session-${hash}`),
        Comment: `Session key of ${f.name}; created from the deployment bucket, a new key makes a new store`,
        ImportSource: { SourceType: "S3", SourceArn: { "Fn::Sub": `arn:\${AWS::Partition}:s3:::\${${DEPLOYMENT_BUCKET_ID}}/${imported.key}` } },
      },
    };
    const id = cloudFrontFunctionId(f);
    functionCode.push({ logicalId: id, file: built(f, "index.js") });
    resources[id] = {
      Type: "AWS::CloudFront::Function",
      Properties: {
        Name: cloudFrontName(stack, f.name),
        AutoPublish: true,
        // FunctionCode: set by deploy/function-code.js.
        FunctionConfig: {
          Comment: f.description,
          Runtime: "cloudfront-js-2.0",
          KeyValueStoreAssociations: [{ KeyValueStoreARN: { "Fn::GetAtt": [KEY_VALUE_STORE_ID, "Arn"] } }],
        },
      },
    };
    functionAssociations.push({ EventType: f.trigger, FunctionARN: { "Fn::GetAtt": [id, "FunctionMetadata.FunctionARN"] } });
  }

  const policy = policyHeaders(edge.headers);
  if (!policy.ok) throw new Error(policy.problems.map((p) => `${p.field}: ${p.why}`).join("; "));
  const hasHeaders = Object.keys(policy.config).length > 0;
  if (hasHeaders) {
    resources[RESPONSE_HEADERS_POLICY_ID] = {
      Type: "AWS::CloudFront::ResponseHeadersPolicy",
      Properties: {
        ResponseHeadersPolicyConfig: { Name: cloudFrontName(stack, "security-headers"), Comment: "Security headers of edge-auth (config headers)", ...policy.config },
      },
    };
  }

  return {
    resources,
    behaviours: {
      // Set in full: with no Lambda on the default behaviour, osls builds it from a path behaviour's settings.
      default: { ViewerProtocolPolicy: "redirect-to-https", Compress: true, CachePolicyId: ref(siteCachePolicy), FunctionAssociations: functionAssociations },
      every: { ...EVERY_BEHAVIOUR, ...(hasHeaders ? { ResponseHeadersPolicyId: ref(RESPONSE_HEADERS_POLICY_ID) } : {}) },
    },
    keyValueStoreImports: imports,
    functionCode,
  };
}
