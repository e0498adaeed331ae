/**
 * The trigger bundles against a real Cognito emulator (cognito-local 5.3.0), all on loopback: the emulator
 * invokes the built bundles through local/lambda-invoke.ts; post-confirmation calls AdminAddUserToGroup back on
 * the emulator through the SDK's standard AWS_ENDPOINT_URL.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startLambdaInvokeServer } from "../../local/lambda-invoke";
import type { LambdaInvokeServer } from "../../local/lambda-invoke";
import { buildAll } from "../../scripts/build";

const root = resolve(__dirname, "../..");
const ENV_KEYS = ["AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"] as const;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

function decode(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("Cognito triggers with cognito-local", () => {
  let dir: string;
  let cognito: ChildProcess | undefined;
  let invoker: LambdaInvokeServer | undefined;
  let endpoint: string;
  const savedEnv: Record<string, string | undefined> = {};
  const invocations: string[] = [];

  const api = async (op: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${op}` },
      body: JSON.stringify(body),
    });
    const data = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${op}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "triggers-it-"));
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = { ...publicKey.export({ format: "jwk" }), kid: "test", alg: "RS256", use: "sig" };
    const config = {
      ...JSON.parse(readFileSync(join(root, "auth.config.example.json"), "utf8")),
      // The example creates a new pool at deploy time; a build needs an existing pool's edge keys.
      deploy: { createUserPool: false },
      userPoolId: "us-east-1_TestPool1",
      clientId: "testclient1234567890",
      domain: "auth.example.com",
      jwks: { keys: [jwk] },
      logLevel: "warn",
      triggers: {
        preTokenGeneration: {
          attributeClaims: { "custom:tenant": "tenant" },
          groupClaims: { claim: "roles", map: { admins: ["admin", "editor"], editors: ["editor"], readers: ["reader"] } },
          staticClaims: { site: "docs" },
          suppressClaims: ["event_id"],
        },
        postConfirmation: { defaultGroup: "readers" },
      },
    };
    writeFileSync(join(dir, "auth.config.json"), JSON.stringify(config));
    await buildAll({
      configPath: join(dir, "auth.config.json"),
      outdir: join(dir, "dist"),
      only: ["pre-token-generation", "post-confirmation"],
      log: () => {},
    });

    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    // The post-confirmation bundle creates its SDK client when first required, which happens at its first invocation.
    for (const k of ENV_KEYS) savedEnv[k] = process.env[k];
    Object.assign(process.env, { AWS_ENDPOINT_URL: endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    invoker = await startLambdaInvokeServer({
      functionsDir: join(dir, "dist"),
      cognitoEndpoint: endpoint,
      log: (l) => (invocations.push(l), process.env.DEBUG_COGNITO && console.error(l)),
    });

    const work = join(dir, "cognito");
    mkdirSync(join(work, ".cognito"), { recursive: true });
    writeFileSync(
      join(work, ".cognito", "config.json"),
      JSON.stringify({
        LambdaClient: { endpoint: invoker.url, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } },
        TriggerFunctions: { PreTokenGeneration: "pre-token-generation", PostConfirmation: "post-confirmation" },
      }),
    );
    cognito = spawn(process.execPath, [join(root, "node_modules/cognito-local/lib/bin/start.js")], {
      cwd: work,
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", AWS_ENDPOINT_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    cognito.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    cognito.stdout?.on("data", (d: Buffer) => process.env.DEBUG_COGNITO && process.stdout.write(d));
    const until = Date.now() + 20_000;
    for (;;) {
      try {
        await api("ListUserPools", { MaxResults: 1 });
        break;
      } catch {
        if (Date.now() > until || cognito.exitCode !== null) throw new Error(`cognito-local did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  });

  afterAll(async () => {
    await invoker?.close();
    if (cognito && cognito.exitCode === null) {
      const exited = new Promise((r) => cognito!.once("exit", r));
      cognito.kill("SIGTERM");
      await exited;
    }
    for (const k of ENV_KEYS) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("puts a confirmed user in the default group and issues tokens with the configured claims", async () => {
    const pool = (await api("CreateUserPool", {
      PoolName: "it",
      Schema: [{ Name: "tenant", AttributeDataType: "String", Mutable: true }],
    })) as { UserPool: { Id: string } };
    const userPoolId = pool.UserPool.Id;
    const client = (await api("CreateUserPoolClient", {
      UserPoolId: userPoolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    })) as { UserPoolClient: { ClientId: string } };
    const clientId = client.UserPoolClient.ClientId;
    for (const GroupName of ["readers", "admins"]) await api("CreateGroup", { UserPoolId: userPoolId, GroupName });

    const email = "jane@example.com";
    const password = "Correct-Horse-9";
    const signUp = (await api("SignUp", {
      ClientId: clientId,
      Username: email,
      Password: password,
      UserAttributes: [
        { Name: "email", Value: email },
        { Name: "custom:tenant", Value: "acme" },
      ],
    })) as { UserSub: string };
    await api("AdminConfirmSignUp", { UserPoolId: userPoolId, Username: email });

    // cognito-local 5.3.0 matches group members by the literal Username given here, which is the sub.
    const groups = (await api("AdminListGroupsForUser", { UserPoolId: userPoolId, Username: signUp.UserSub })) as { Groups: { GroupName: string }[] };
    expect(groups.Groups.map((g) => g.GroupName)).toEqual(["readers"]);
    expect(invocations.some((l) => l.includes('"fn":"post-confirmation"') && l.includes('"ok":true'))).toBe(true);

    await api("AdminAddUserToGroup", { UserPoolId: userPoolId, Username: email, GroupName: "admins" });
    const auth = (await api("InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: email, PASSWORD: password },
    })) as { AuthenticationResult: { IdToken: string; RefreshToken: string } };
    const id = decode(auth.AuthenticationResult.IdToken);
    expect(id).toMatchObject({
      sub: signUp.UserSub,
      token_use: "id",
      site: "docs",
      tenant: "acme",
      // cognito-local sends V1 events (after lambda-invoke's fix), where a list becomes one string, in the order of the config map.
      roles: "admin,editor,reader",
    });
    expect(id).not.toHaveProperty("event_id");

    // The trigger runs again on refresh and gives the same claims.
    const refreshed = (await api("InitiateAuth", {
      ClientId: clientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: auth.AuthenticationResult.RefreshToken },
    })) as { AuthenticationResult: { IdToken: string } };
    expect(decode(refreshed.AuthenticationResult.IdToken)).toMatchObject({ site: "docs", tenant: "acme", roles: "admin,editor,reader" });
  });

  it("logs a post-confirmation failure as one line naming user and group, and reports it to Cognito", async () => {
    const pool = (await api("CreateUserPool", { PoolName: "no-default-group" })) as { UserPool: { Id: string } };
    const userPoolId = pool.UserPool.Id;
    await api("CreateGroup", { UserPoolId: userPoolId, GroupName: "others" });
    const client = (await api("CreateUserPoolClient", { UserPoolId: userPoolId, ClientName: "web" })) as { UserPoolClient: { ClientId: string } };
    const signUp = (await api("SignUp", {
      ClientId: client.UserPoolClient.ClientId,
      Username: "max@example.com",
      Password: "Correct-Horse-9",
      UserAttributes: [{ Name: "email", Value: "max@example.com" }],
    })) as { UserSub: string };
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((l: unknown) => void lines.push(String(l)));
    try {
      // This pool has no "readers" group: AdminAddUserToGroup fails and the trigger rethrows. (Cognito would refuse
      // the confirmation; cognito-local 5.3.0 logs the trigger's error and confirms anyway.)
      await api("AdminConfirmSignUp", { UserPoolId: userPoolId, Username: "max@example.com" });
    } finally {
      spy.mockRestore();
    }
    expect(invocations.at(-1)).toMatch(/"fn":"post-confirmation".*"ok":false/);
    const failures = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === "error");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ fn: "post-confirmation", userPoolId, user: signUp.UserSub, group: "readers" });
    expect(failures[0]!.error).toEqual(expect.any(String));
  });
});
