/**
 * The rules AWS enforces on our templates that cfn-lint and cdk-nag do not know, as checks over the generated
 * CloudFormation (both deploy paths: `npm run package`'s Serverless templates and the CDK constructs' synth).
 * Each rule names the AWS documentation page it comes from. A rule returns its violations as sentences; none
 * means it holds. test/integration/aws-rules.test.ts runs every rule over a matrix of configs, and each rule
 * over a template mutated to break it.
 *
 * What no template can show (the nodejs24.x association, the real key value store import) is in the deploy
 * guide's "What gets deployed".
 */
import { APPLICATION_LOG_LEVEL, EDGE_SYSTEM_LOG_LEVEL } from "../../shared/config/edge-logging";
import { CLOUDFRONT_ALLOWED_METHOD_SETS, CLOUDFRONT_CACHED_METHOD_SETS, SITE_METHODS } from "../../shared/config/methods";

// `any`: CloudFormation JSON is untyped; every rule checks the shapes it reads.
export type Json = Record<string, any>;
export interface Resource {
  Type: string;
  Properties?: Json;
  [k: string]: unknown;
}
export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Json;
}

/** One deployment of one config: its stacks, and what the templates point at (code sizes, import files). */
export interface Deployment {
  /** The matrix case, e.g. `serverless/existing`. */
  name: string;
  path: "serverless" | "cdk";
  stacks: { name: string; region: string; template: Template }[];
  /** The config's auth paths (paths.callback, refresh, signIn, signOut): each needs its own behaviour. */
  authPaths: string[];
  /** Bytes of a Lambda function's deployment package (zip, or the asset folder's files), if known. */
  codeBytes(stack: string, logicalId: string): number | undefined;
  /** The key value store import files (their content), as the deploy uploads them. */
  kvsImports: string[];
}

export interface Rule {
  /** Stable id: a skip list or a report names rules by it. */
  id: string;
  /** The AWS page the rule comes from. */
  doc: string;
  /** What must hold, in one sentence. */
  says: string;
  check(d: Deployment): string[];
}

const CF = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide";
/** The managed CachingDisabled policy (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html). */
export const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

// ---- walking templates -------------------------------------------------------------------------------------------

const entries = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const props = (r: Resource | undefined): Json => r?.Properties ?? {};
/** The logical id a `{Ref}` or `{Fn::GetAtt}` names, if the value is one. */
export function refId(v: unknown): string | undefined {
  if (!v || typeof v !== "object") return undefined;
  const o = v as Json;
  if (typeof o.Ref === "string") return o.Ref;
  if (Array.isArray(o["Fn::GetAtt"])) return o["Fn::GetAtt"][0];
  if (typeof o["Fn::GetAtt"] === "string") return o["Fn::GetAtt"].split(".")[0];
  return undefined;
}
/** True when a value mentions logical id `id` anywhere (a Ref, GetAtt or `${id}` in a Sub). */
function mentions(v: unknown, id: string): boolean {
  const s = JSON.stringify(v ?? null);
  return s.includes(`"Ref":"${id}"`) || s.includes(`"Fn::GetAtt":["${id}"`) || s.includes(`\${${id}}`) || s.includes(`\${${id}.`);
}
const behaviours = (dc: Json): Json[] => [dc.DefaultCacheBehavior, ...(dc.CacheBehaviors ?? [])].filter(Boolean);
const label = (b: Json) => (b.PathPattern ? `behaviour ${b.PathPattern}` : "the default behaviour");
const methodsOf = (b: Json): string[] => b.AllowedMethods ?? ["GET", "HEAD"];
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((m) => b.includes(m));

interface Distribution {
  stack: string;
  id: string;
  config: Json;
}
function distributions(d: Deployment): Distribution[] {
  return d.stacks.flatMap((s) => entries(s.template, "AWS::CloudFront::Distribution").map(([id, r]) => ({ stack: s.name, id, config: props(r).DistributionConfig ?? {} })));
}

interface EdgeAssociation {
  stack: string;
  behaviour: Json;
  eventType: string;
  arn: unknown;
  /** The function the association runs, when the template holds it. */
  fn?: { id: string; resource: Resource };
}
/** Every Lambda@Edge association, resolved through its AWS::Lambda::Version to the function where possible. */
function edgeAssociations(d: Deployment): EdgeAssociation[] {
  const out: EdgeAssociation[] = [];
  for (const s of d.stacks) {
    for (const [, r] of entries(s.template, "AWS::CloudFront::Distribution")) {
      for (const b of behaviours(props(r).DistributionConfig ?? {})) {
        for (const a of b.LambdaFunctionAssociations ?? []) {
          const target = refId(a.LambdaFunctionARN);
          const version = target ? s.template.Resources[target] : undefined;
          const fnId = version?.Type === "AWS::Lambda::Version" ? refId(props(version).FunctionName) : undefined;
          const fn = fnId ? s.template.Resources[fnId] : undefined;
          out.push({ stack: s.name, behaviour: b, eventType: a.EventType, arn: a.LambdaFunctionARN, ...(fn && fnId ? { fn: { id: fnId, resource: fn } } : {}) });
        }
      }
    }
  }
  return out;
}
const isViewer = (eventType: string) => eventType === "viewer-request" || eventType === "viewer-response";

/** Lambda functions of a deployment that run at the edge, by stack and id (once each). */
export function edgeFunctions(d: Deployment): { stack: string; id: string; resource: Resource; viewer: boolean }[] {
  const seen = new Map<string, { stack: string; id: string; resource: Resource; viewer: boolean }>();
  for (const a of edgeAssociations(d)) {
    if (!a.fn) continue;
    const key = `${a.stack}/${a.fn.id}`;
    const prev = seen.get(key);
    seen.set(key, { stack: a.stack, id: a.fn.id, resource: a.fn.resource, viewer: (prev?.viewer ?? false) || isViewer(a.eventType) });
  }
  return [...seen.values()];
}

// ---- the rules ---------------------------------------------------------------------------------------------------

const RESTRICTIONS = `${CF}/edge-functions-restrictions.html`;

export const RULES: readonly Rule[] = [
  {
    id: "lambda-edge-us-east-1",
    doc: RESTRICTIONS,
    says: "Lambda@Edge functions are created in us-east-1",
    check: (d) => edgeFunctions(d).flatMap((f) => (d.stacks.find((s) => s.name === f.stack)!.region === "us-east-1" ? [] : [`${f.id} is in stack ${f.stack}, not in us-east-1`])),
  },
  {
    id: "lambda-edge-published-version",
    doc: `${CF}/lambda-edge-add-triggers.html`,
    says: "an association names a published version (AWS::Lambda::Version, or a numbered version ARN), never $LATEST or an alias",
    check: (d) =>
      edgeAssociations(d).flatMap((a) => {
        const target = refId(a.arn);
        const stack = d.stacks.find((s) => s.name === a.stack)!.template;
        if (target) {
          const type = stack.Resources[target]?.Type;
          if (type === "AWS::Lambda::Version" || type === "Custom::CrossRegionStringParameterReader") return [];
          return [`${label(a.behaviour)} ${a.eventType} names ${target} (${type ?? "not in the stack"}), not a published version`];
        }
        return typeof a.arn === "string" && /:function:[^:]+:\d+$/.test(a.arn) ? [] : [`${label(a.behaviour)} ${a.eventType} names ${JSON.stringify(a.arn)}, not a published version`];
      }),
  },
  {
    id: "lambda-edge-no-environment",
    doc: RESTRICTIONS,
    says: "Lambda@Edge functions have no environment variables",
    check: (d) => edgeFunctions(d).flatMap((f) => (props(f.resource).Environment ? [`${f.id} sets Environment`] : [])),
  },
  {
    id: "lambda-edge-function-settings",
    doc: RESTRICTIONS,
    says: "Lambda@Edge functions run on x86_64, without layers, VPC or dead-letter queue",
    check: (d) =>
      edgeFunctions(d).flatMap((f) => {
        const p = props(f.resource);
        const out: string[] = [];
        if (p.Architectures && !sameSet(p.Architectures, ["x86_64"])) out.push(`${f.id} runs on ${p.Architectures.join(", ")}`);
        for (const k of ["Layers", "VpcConfig", "DeadLetterConfig", "FileSystemConfigs"]) if (p[k]) out.push(`${f.id} sets ${k}`);
        return out;
      }),
  },
  {
    id: "lambda-edge-limits",
    doc: `${CF}/cloudfront-limits.html#limits-lambda-at-edge`,
    says: "viewer-event functions have at most 128 MB and 5 s, origin-event functions at most 30 s",
    check: (d) =>
      edgeFunctions(d).flatMap((f) => {
        const p = props(f.resource);
        const memory = p.MemorySize ?? 128;
        const timeout = p.Timeout ?? 3;
        const out: string[] = [];
        if (f.viewer && memory > 128) out.push(`${f.id} (viewer event) has ${memory} MB`);
        if (f.viewer && timeout > 5) out.push(`${f.id} (viewer event) has a ${timeout} s timeout`);
        if (!f.viewer && timeout > 30) out.push(`${f.id} (origin event) has a ${timeout} s timeout`);
        return out;
      }),
  },
  {
    id: "lambda-edge-package-size",
    doc: `${CF}/cloudfront-limits.html#limits-lambda-at-edge`,
    says: "a viewer-event function's package is at most 1 MB (origin events: 50 MB)",
    check: (d) =>
      edgeFunctions(d).flatMap((f) => {
        const bytes = d.codeBytes(f.stack, f.id);
        if (bytes === undefined) return [`${f.id}: package size unknown`];
        const max = f.viewer ? 1024 * 1024 : 50 * 1024 * 1024;
        return bytes > max ? [`${f.id} is ${bytes} bytes, over ${max}`] : [];
      }),
  },
  {
    id: "cloudfront-function-runtime",
    doc: `${CF}/functions-javascript-runtime-20.html`,
    says: "the CloudFront Function runs on cloudfront-js-2.0 (key value stores need it)",
    check: (d) =>
      d.stacks.flatMap((s) => entries(s.template, "AWS::CloudFront::Function").flatMap(([id, r]) => (props(r).FunctionConfig?.Runtime === "cloudfront-js-2.0" ? [] : [`${id} runs on ${props(r).FunctionConfig?.Runtime}`]))),
  },
  {
    id: "cloudfront-function-size",
    doc: `${CF}/cloudfront-limits.html#limits-functions`,
    says: "a CloudFront Function's code is at most 10 KB",
    check: (d) =>
      d.stacks.flatMap((s) =>
        entries(s.template, "AWS::CloudFront::Function").flatMap(([id, r]) => {
          const code = props(r).FunctionCode;
          if (typeof code !== "string") return [`${id}: FunctionCode is not inline code`];
          const bytes = Buffer.byteLength(code);
          return bytes > 10 * 1024 ? [`${id} is ${bytes} bytes, over 10240`] : [];
        }),
      ),
  },
  {
    id: "cloudfront-function-one-kvs",
    doc: `${CF}/kvs-with-functions-associate.html`,
    says: "a CloudFront Function is associated with at most one key value store",
    check: (d) =>
      d.stacks.flatMap((s) =>
        entries(s.template, "AWS::CloudFront::Function").flatMap(([id, r]) => {
          const n = (props(r).FunctionConfig?.KeyValueStoreAssociations ?? []).length;
          return n > 1 ? [`${id} has ${n} key value stores`] : [];
        }),
      ),
  },
  {
    id: "cloudfront-function-event",
    doc: `${CF}/edge-functions-choosing.html`,
    says: "a behaviour's event runs a CloudFront Function or a Lambda@Edge, not both; CloudFront Functions only on viewer events",
    check: (d) =>
      distributions(d).flatMap((dist) =>
        behaviours(dist.config).flatMap((b) => {
          const lambdaEvents = new Set((b.LambdaFunctionAssociations ?? []).map((a: Json) => a.EventType));
          return (b.FunctionAssociations ?? []).flatMap((a: Json) => [
            ...(lambdaEvents.has(a.EventType) ? [`${label(b)} runs a CloudFront Function and a Lambda@Edge on ${a.EventType}`] : []),
            ...(isViewer(a.EventType) ? [] : [`${label(b)} runs a CloudFront Function on ${a.EventType}`]),
          ]);
        }),
      ),
  },
  {
    id: "kvs-import-format",
    doc: `${CF}/kvs-with-functions-create-s3-kvp.html`,
    says: 'a key value store\'s import file is {"data":[{"key","value"}]}: keys of 1-512 bytes, values up to 1 KB, unique keys, at most 5 MB',
    check: (d) =>
      d.kvsImports.flatMap((text, i) => {
        const where = `import file ${i + 1}`;
        if (Buffer.byteLength(text) > 5 * 1024 * 1024) return [`${where} is over 5 MB`];
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return [`${where} is not JSON`];
        }
        const data = (parsed as Json | null)?.data;
        if (!Array.isArray(data) || Object.keys(parsed as Json).length !== 1) return [`${where} is not {"data":[...]}`];
        const seen = new Set<string>();
        return data.flatMap((e: Json, j: number) => {
          if (!e || typeof e.key !== "string" || typeof e.value !== "string" || Object.keys(e).length !== 2) return [`${where} entry ${j} is not {"key","value"} strings`];
          const out: string[] = [];
          const kb = Buffer.byteLength(e.key);
          if (kb < 1 || kb > 512) out.push(`${where} key ${j} is ${kb} bytes`);
          if (Buffer.byteLength(e.value) > 1024) out.push(`${where} value of ${e.key} is over 1 KB`);
          if (seen.has(e.key)) out.push(`${where} repeats key ${e.key}`);
          seen.add(e.key);
          return out;
        });
      }),
  },
  {
    id: "auth-path-behaviours",
    doc: `${CF}/lambda-event-structure.html#example-viewer-request`,
    says: "every auth path has its own behaviour, caching disabled, whose viewer-request Lambda@Edge sees the query string",
    check: (d) =>
      distributions(d).flatMap((dist) =>
        d.authPaths.flatMap((path) => {
          const found = (dist.config.CacheBehaviors ?? []).filter((b: Json) => b.PathPattern === path);
          if (found.length !== 1) return [`${dist.id} has ${found.length} behaviours for ${path}`];
          const b = found[0];
          const out: string[] = [];
          const legacyNoCache = b.ForwardedValues?.QueryString === true && (b.MaxTTL ?? 1) === 0;
          if (b.CachePolicyId !== CACHING_DISABLED && !legacyNoCache) out.push(`${label(b)} caches (cache policy ${JSON.stringify(b.CachePolicyId)})`);
          if (!(b.LambdaFunctionAssociations ?? []).some((a: Json) => a.EventType === "viewer-request")) out.push(`${label(b)} has no viewer-request Lambda@Edge`);
          return out;
        }),
      ),
  },
  {
    id: "oac-bucket-policy",
    doc: `${CF}/private-content-restricting-access-to-s3.html`,
    says: "an S3 origin with Origin Access Control uses no OAI, and its bucket policy lets cloudfront.amazonaws.com read on the condition AWS:SourceArn = this distribution",
    check: (d) =>
      d.stacks.flatMap((s) =>
        entries(s.template, "AWS::CloudFront::Distribution").flatMap(([distId, r]) =>
          (props(r).DistributionConfig?.Origins ?? [])
            .filter((o: Json) => o.OriginAccessControlId)
            .flatMap((o: Json) => {
              const out: string[] = [];
              if (o.S3OriginConfig?.OriginAccessIdentity) out.push(`origin ${o.Id} has an OAI as well as OAC`);
              const oac = s.template.Resources[refId(o.OriginAccessControlId) ?? ""];
              const c = props(oac).OriginAccessControlConfig ?? {};
              if (c.OriginAccessControlOriginType !== "s3" || c.SigningBehavior !== "always" || c.SigningProtocol !== "sigv4") out.push(`origin ${o.Id}: OAC is not s3/always/sigv4`);
              const bucket = refId(o.DomainName);
              const policies = entries(s.template, "AWS::S3::BucketPolicy").filter(([, p]) => refId(props(p).Bucket) === bucket);
              const allows = policies.flatMap(([, p]) => props(p).PolicyDocument?.Statement ?? []).filter((st: Json) => st.Effect === "Allow" && JSON.stringify(st.Principal ?? "").includes("cloudfront.amazonaws.com"));
              const scoped = allows.filter((st: Json) => mentions(st.Condition?.StringEquals?.["AWS:SourceArn"], distId));
              if (!allows.length) out.push(`bucket ${bucket}: no policy lets cloudfront.amazonaws.com read`);
              else if (scoped.length !== allows.length) out.push(`bucket ${bucket}: a cloudfront.amazonaws.com statement is not conditioned on AWS:SourceArn = ${distId}`);
              return out;
            }),
        ),
      ),
  },
  {
    id: "cognito-trigger-permission",
    doc: "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html",
    says: "each trigger lets cognito-idp.amazonaws.com invoke it (lambda:InvokeFunction), with SourceArn = the pool",
    check: (d) =>
      d.stacks.flatMap((s) =>
        entries(s.template, "AWS::Cognito::UserPool").flatMap(([poolId, r]) => {
          const config = props(r).LambdaConfig ?? {};
          const fns = Object.entries(config).flatMap(([k, v]) => {
            const id = refId(k === "PreTokenGenerationConfig" || k === "CustomSMSSender" || k === "CustomEmailSender" ? (v as Json).LambdaArn : v);
            return id ? [[k, id] as const] : [];
          });
          const perms = entries(s.template, "AWS::Lambda::Permission").map(([, p]) => props(p));
          return fns.flatMap(([k, fn]) =>
            perms.some((p) => refId(p.FunctionName) === fn && p.Action === "lambda:InvokeFunction" && p.Principal === "cognito-idp.amazonaws.com" && mentions(p.SourceArn, poolId))
              ? []
              : [`${k} (${fn}) has no lambda:InvokeFunction permission for cognito-idp.amazonaws.com with SourceArn ${poolId}`],
          );
        }),
      ),
  },
  {
    id: "cognito-lambda-version-plan",
    doc: "https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html",
    says: "pre-token generation events V2_0 and V3_0 need the Essentials or Plus plan",
    check: (d) =>
      d.stacks.flatMap((s) =>
        entries(s.template, "AWS::Cognito::UserPool").flatMap(([id, r]) => {
          const version = props(r).LambdaConfig?.PreTokenGenerationConfig?.LambdaVersion;
          const tier = props(r).UserPoolTier ?? "ESSENTIALS";
          return (version === "V2_0" || version === "V3_0") && tier === "LITE" ? [`${id}: ${version} pre-token events on the LITE plan`] : [];
        }),
      ),
  },
  {
    id: "cognito-managed-login-plan",
    doc: "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-managed-login.html",
    says: "managed login (ManagedLoginVersion 2, its branding) needs the Essentials or Plus plan: on Lite the classic hosted UI is the only option",
    check: (d) =>
      d.stacks.flatMap((s) =>
        entries(s.template, "AWS::Cognito::UserPool").flatMap(([poolId, r]) => {
          if ((props(r).UserPoolTier ?? "ESSENTIALS") !== "LITE") return [];
          const v2 = entries(s.template, "AWS::Cognito::UserPoolDomain").filter(([, dm]) => refId(props(dm).UserPoolId) === poolId && props(dm).ManagedLoginVersion === 2);
          const branding = entries(s.template, "AWS::Cognito::ManagedLoginBranding").filter(([, b]) => refId(props(b).UserPoolId) === poolId);
          return [...v2.map(([id]) => `${id}: ManagedLoginVersion 2 on the LITE plan`), ...branding.map(([id]) => `${id}: managed login branding on the LITE plan`)];
        }),
      ),
  },
  {
    id: "csp-override-false",
    doc: `${CF}/understanding-response-headers-policies.html#understanding-response-headers-policies-security`,
    says: "the response headers policy keeps the site's own Content-Security-Policy (Override false)",
    check: (d) =>
      d.stacks.flatMap((s) =>
        entries(s.template, "AWS::CloudFront::ResponseHeadersPolicy").flatMap(([id, r]) => {
          const csp = props(r).ResponseHeadersPolicyConfig?.SecurityHeadersConfig?.ContentSecurityPolicy;
          return csp && csp.Override !== false ? [`${id} overrides the origin's Content-Security-Policy`] : [];
        }),
      ),
  },
  {
    id: "methods-site",
    doc: `${CF}/DownloadDistValuesCacheBehavior.html#DownloadDistValuesAllowedHTTPMethods`,
    says: "every behaviour allows at least GET, HEAD, OPTIONS (a preflight must reach the viewer check), as one of CloudFront's method sets",
    check: (d) =>
      distributions(d).flatMap((dist) =>
        behaviours(dist.config).flatMap((b) => {
          const out: string[] = [];
          const allowed = methodsOf(b);
          if (!CLOUDFRONT_ALLOWED_METHOD_SETS.some((set) => sameSet(set, allowed))) out.push(`${label(b)}: AllowedMethods ${allowed.join(",")} is not a set CloudFront accepts`);
          const cached = b.CachedMethods ?? ["GET", "HEAD"];
          if (!CLOUDFRONT_CACHED_METHOD_SETS.some((set) => sameSet(set, cached))) out.push(`${label(b)}: CachedMethods ${cached.join(",")} is not a set CloudFront accepts`);
          if (!cached.every((m: string) => allowed.includes(m))) out.push(`${label(b)}: caches a method it does not allow`);
          const missing = SITE_METHODS.AllowedMethods.filter((m) => !allowed.includes(m));
          if (missing.length) out.push(`${label(b)} does not allow ${missing.join(", ")}`);
          return out;
        }),
      ),
  },
  {
    id: "methods-auth-superset",
    doc: `${CF}/DownloadDistValuesCacheBehavior.html#DownloadDistValuesAllowedHTTPMethods`,
    says: "every auth path's behaviour allows whatever the default behaviour allows (check-auth's 307 keeps the method)",
    check: (d) =>
      distributions(d).flatMap((dist) => {
        const want = methodsOf(dist.config.DefaultCacheBehavior ?? {});
        return (dist.config.CacheBehaviors ?? [])
          .filter((b: Json) => d.authPaths.includes(b.PathPattern))
          .flatMap((b: Json) => {
            const missing = want.filter((m) => !methodsOf(b).includes(m));
            return missing.length ? [`${label(b)} does not allow ${missing.join(", ")}, which the default behaviour allows`] : [];
          });
      }),
  },
  {
    id: "edge-log-groups",
    doc: `${CF}/edge-functions-logs.html`,
    says: "no log group /aws/lambda/<edge function>: Lambda@Edge writes /aws/lambda/us-east-1.<function> in each region, and that one stays empty",
    check: (d) =>
      edgeFunctions(d).flatMap((f) => {
        const template = d.stacks.find((s) => s.name === f.stack)!.template;
        const name = props(f.resource).FunctionName;
        const dead = [JSON.stringify(`/aws/lambda/${typeof name === "string" ? name : "\u0000"}`), JSON.stringify({ "Fn::Join": ["", ["/aws/lambda/", { Ref: f.id }]] })];
        return Object.entries(template.Resources)
          .filter(([, r]) => r.Type === "AWS::Logs::LogGroup" || r.Type === "Custom::LogRetention")
          .filter(([, r]) => dead.includes(JSON.stringify(props(r).LogGroupName)))
          .map(([id]) => `${id} is /aws/lambda/<${f.id}>, which Lambda@Edge never writes`);
      }),
  },
  {
    id: "lambda-edge-logging-controls",
    doc: `${CF}/edge-functions-logs.html`,
    says:
      "every Lambda@Edge function sets LoggingConfig: LogFormat JSON (which log-level filtering needs, https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html), " +
      `SystemLogLevel ${EDGE_SYSTEM_LOG_LEVEL} (no START/END/REPORT lines), one ApplicationLogLevel for all of them, and no LogGroup (Lambda@Edge would write that name, unprefixed, in every region, where the retention step and \`npm run logs\` do not look)`,
    check: (d) => {
      const fns = edgeFunctions(d);
      const levels = new Set<unknown>();
      const found = fns.flatMap((f) => {
        const lc = props(f.resource).LoggingConfig as Json | undefined;
        if (!lc) return [`${f.id} sets no LoggingConfig`];
        levels.add(lc.ApplicationLogLevel);
        const out: string[] = [];
        if (lc.LogFormat !== "JSON") out.push(`${f.id}: LogFormat ${String(lc.LogFormat)}, not JSON`);
        if (lc.SystemLogLevel !== EDGE_SYSTEM_LOG_LEVEL) out.push(`${f.id}: SystemLogLevel ${String(lc.SystemLogLevel)}, not ${EDGE_SYSTEM_LOG_LEVEL}`);
        if (!(Object.values(APPLICATION_LOG_LEVEL) as unknown[]).includes(lc.ApplicationLogLevel)) out.push(`${f.id}: ApplicationLogLevel ${String(lc.ApplicationLogLevel)} is none of ours`);
        if (lc.LogGroup !== undefined) out.push(`${f.id} sets LogGroup`);
        return out;
      });
      if (levels.size > 1) found.push(`the edge functions' ApplicationLogLevels differ (${[...levels].map(String).join(", ")}); the config has one logLevel`);
      return found;
    },
  },
];

/** Every rule's violations for a deployment, by rule id (only rules with some). */
export function violations(d: Deployment, rules: readonly Rule[] = RULES): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of rules) {
    const found = r.check(d);
    if (found.length) out[r.id] = found;
  }
  return out;
}
