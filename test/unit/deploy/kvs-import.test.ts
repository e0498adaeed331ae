/**
 * deploy/kvs-import.js, the Serverless plugin that puts the key value store's initial content where the template's
 * ImportSource points: checked and copied into the package by `sls package`, uploaded by `sls deploy` (here to a
 * stand-in S3 on loopback, through the real AWS SDK client).
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const root = resolve(__dirname, "../../..");

interface Plugin {
  hooks: Record<string, () => unknown>;
  s3: () => Promise<{ send: (cmd: { input: Record<string, unknown> }) => Promise<unknown> }>;
}
// The plugin is plain CommonJS, loaded as osls loads it.
const KvsImport = createRequire(join(root, "package.json"))("./deploy/kvs-import.js") as new (sls: unknown, options: unknown, utils: unknown) => Plugin;

const BUCKET_ARN = (key: string) => ({ "Fn::Sub": `arn:\${AWS::Partition}:s3:::\${ServerlessDeploymentBucket}/${key}` });

let dir: string;
let secret: string;
let content: string;
let hash: string;
let logged: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kvs-import-"));
  secret = randomBytes(32).toString("base64url");
  content = `${JSON.stringify({ data: [{ key: "session-key", value: secret }] })}\n`;
  hash = createHash("sha256").update(content).digest("hex").slice(0, 16);
  mkdirSync(join(dir, "dist", "check-auth-function"), { recursive: true });
  writeFileSync(join(dir, "dist", "check-auth-function", "kvs.json"), content);
  logged = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setup(over: { key?: string; file?: string; sourceArn?: unknown; provider?: Record<string, unknown>; imports?: unknown[] } = {}) {
  const key = over.key ?? `serverless/edge-auth/dev/kvs-import/${hash}.json`;
  const provider: Record<string, unknown> = {
    compiledCloudFormationTemplate: {
      Resources: {
        ServerlessDeploymentBucket: { Type: "AWS::S3::Bucket" },
        SessionKeyValueStore: { Type: "AWS::CloudFront::KeyValueStore", Properties: { Name: "s", ImportSource: { SourceType: "S3", SourceArn: over.sourceArn ?? BUCKET_ARN(key) } } },
      },
    },
    deploymentBucketObject: { blockPublicAccess: true },
    ...over.provider,
  };
  const serverless = {
    serviceDir: dir,
    service: { service: "edge-auth", custom: { keyValueStoreImports: over.imports ?? [{ file: over.file ?? "dist/check-auth-function/kvs.json", key, hash }] }, provider },
    getProvider: () => ({
      getDeploymentPrefix: () => "serverless",
      getStage: () => "dev",
      getServerlessDeploymentBucketName: async () => "edge-auth-dev-serverlessdeploymentbucket-abc",
      getAwsSdkV3Config: async () => ({}),
    }),
  };
  const plugin = new KvsImport(serverless, {}, { log: { notice: (l: string) => logged.push(l) } });
  return { plugin, provider, key };
}

const pack = (p: Plugin) => p.hooks["before:aws:package:finalize:saveServiceState"]!();
const upload = (p: Plugin) => p.hooks["after:aws:deploy:deploy:uploadArtifacts"]!();
const packaged = () => join(dir, ".serverless", `kvs-import-${hash}.json`);

describe("sls package", () => {
  it("copies the file into the package, readable by its owner only", () => {
    const { plugin } = setup();
    pack(plugin);
    expect(readFileSync(packaged(), "utf8")).toBe(content);
    expect(statSync(packaged()).mode & 0o077).toBe(0);
  });

  it("does nothing without imports (hotPath lambda-edge)", () => {
    const { plugin } = setup({ imports: [] });
    pack(plugin);
    expect(() => statSync(join(dir, ".serverless"))).toThrow();
  });

  it.each([
    ["the template imports another object", () => ({ sourceArn: BUCKET_ARN("serverless/edge-auth/dev/kvs-import/0000000000000000.json") }), /no AWS::CloudFront::KeyValueStore in the template imports/],
    ["the key is outside the stage's prefix", () => ({ key: `serverless/other/dev/kvs-import/${hash}.json` }), /must be serverless\/edge-auth\/dev\/kvs-import\/<hash>.json/],
    ["the file changed since the values were computed", () => ({ file: "dist/other.json" }), /changed while packaging/],
    ["a named deployment bucket", () => ({ provider: { deploymentBucket: "my-bucket" } }), /provider.deploymentBucket.name is not supported/],
  ])("refuses when %s", (_, over: () => Parameters<typeof setup>[0], message) => {
    writeFileSync(join(dir, "dist", "other.json"), "{}");
    const { plugin } = setup(over());
    expect(() => pack(plugin)).toThrow(message);
  });
});

describe("sls deploy", () => {
  function withSentTo(plugin: Plugin) {
    const sent: Record<string, unknown>[] = [];
    plugin.s3 = async () => ({ send: async (cmd) => void sent.push(cmd.input) });
    return sent;
  }

  it("uploads the packaged copy to the key the template imports, encrypted as the bucket says, logging no secret", async () => {
    const { plugin, provider, key } = setup();
    pack(plugin);
    // A build after packaging must not change what is deployed.
    writeFileSync(join(dir, "dist", "check-auth-function", "kvs.json"), "{}");
    provider.deploymentBucketObject = { serverSideEncryption: "aws:kms", sseKMSKeyId: "alias/deploy" };
    const sent = withSentTo(plugin);
    await upload(plugin);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ Bucket: "edge-auth-dev-serverlessdeploymentbucket-abc", Key: key, ContentType: "application/json", ServerSideEncryption: "aws:kms", SSEKMSKeyId: "alias/deploy" });
    expect(Buffer.from(sent[0]!.Body as Buffer).toString("utf8")).toBe(content);
    expect(logged.join("\n")).toContain(key);
    expect(logged.join("\n")).not.toContain(secret);
  });

  it("uploads nothing when osls skips an unchanged deployment", async () => {
    const { plugin, provider } = setup();
    pack(plugin);
    provider.shouldNotDeploy = true;
    const sent = withSentTo(plugin);
    await upload(plugin);
    expect(sent).toEqual([]);
  });

  it.each([
    ["missing from the package", () => rmSync(packaged()), /not in the package/],
    ["changed in the package", () => writeFileSync(packaged(), "{}"), /does not match its hash/],
  ])("refuses a copy %s", async (_, spoil, message) => {
    const { plugin } = setup();
    pack(plugin);
    spoil();
    const sent = withSentTo(plugin);
    await expect(upload(plugin)).rejects.toThrow(message);
    expect(sent).toEqual([]);
  });

  it("sends a PutObject through the AWS SDK (to a stand-in S3 on loopback)", async () => {
    const requests: { method: string; url: string; body: string; headers: Record<string, unknown> }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        requests.push({ method: req.method ?? "", url: req.url ?? "", body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
        res.writeHead(200, { etag: '"x"' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { plugin, key } = setup();
      const { port } = server.address() as AddressInfo;
      const sdkConfig = { region: "us-east-1", endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
      (plugin as unknown as { provider: { getAwsSdkV3Config: () => Promise<unknown> } }).provider.getAwsSdkV3Config = async () => sdkConfig;
      pack(plugin);
      await upload(plugin);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ method: "PUT", url: expect.stringMatching(new RegExp(`^/edge-auth-dev-serverlessdeploymentbucket-abc/${key}(\\?|$)`)) });
      expect(requests[0]!.body).toContain(secret);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
