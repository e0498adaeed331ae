/**
 * What every bench measurement starts from: a benchmark config built twice (the default hot path and
 * `hotPath: "cloudfront-function"`), fresh keys, Cognito-shaped tokens in a ~4 KB Amplify cookie header, and a
 * token endpoint stand-in in another process (so its work is not counted as parse-auth's).
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { accessClaims, idClaims, makeIssuer, makeKey, sign } from "../test/helpers/tokens";
import type { Issuer, TestKey } from "../test/helpers/tokens";
import { bindingFor } from "../test/helpers/session";
import { bindingCookieName } from "../shared/viewer/cookie-names";

const root = resolve(__dirname, "..");

export const HOST = "www.example.com";
/** The signed-in page the hot-path figures are for. */
export const PAGE = "/reports/2026/q3.html";
export const ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8";
export const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36";

/** A built handler's entry point. */
export type Handler = (event: unknown) => Promise<Record<string, unknown>>;

/** The token endpoint stand-in: answers each code with tokens precomputed in the file named by ANSWERS. */
const TOKEN_ENDPOINT = `
const http = require("node:http"), fs = require("node:fs");
let answers;
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const code = new URLSearchParams(body).get("code") || "";
    // Read on the first request of each run of callbacks (its codes are new), not on every request.
    if (!answers || !(code in answers)) answers = JSON.parse(fs.readFileSync(process.env.ANSWERS, "utf8"));
    res.writeHead(200, { "content-type": "application/json" }).end(answers[code] || "{}");
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

/** Everything the measurements share. `close()` stops the stand-in and removes the work folder. */
export interface BenchSetup {
  work: string;
  key: TestKey;
  iss: Issuer;
  user: { username: string; email: string; groups: string[] };
  /** The configs as written (no logLevel: the default, info, which the log figures are for). */
  rawConfig: Record<string, unknown>;
  rawFnConfig: Record<string, unknown>;
  /** Build output of each config. */
  outdir: string;
  fnOutdir: string;
  /** The token endpoint stand-in's port, and the file its answers are read from (on its first request). */
  port: number;
  answersPath: string;
  idToken: string;
  cookies: { filler: string; signedIn: string; expired: string; forged: string };
  close(): void;
}

/** A Lambda@Edge viewer-request event for `uri` with `cookie`. */
export function edgeEvent(cookie: string, uri = PAGE, querystring = "") {
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: "d1.cloudfront.net", distributionId: "E1", eventType: "viewer-request", requestId: "r" },
          request: {
            clientIp: "203.0.113.1",
            method: "GET",
            uri,
            querystring,
            headers: {
              host: [{ key: "Host", value: HOST }],
              accept: [{ key: "Accept", value: ACCEPT }],
              "user-agent": [{ key: "User-Agent", value: USER_AGENT }],
              ...(cookie ? { cookie: [{ key: "Cookie", value: cookie }] } : {}),
            },
          },
        },
      },
    ],
  };
}

/** Runs `npm run build` with the config in `configPath` into `outdir`. */
function build(configPath: string, outdir: string) {
  const b = spawnSync("npm", ["run", "-s", "build"], { cwd: root, env: { ...process.env, AUTH_CONFIG: configPath, AUTH_OUTDIR: outdir }, encoding: "utf8" });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}${b.stdout}`);
}

/** Starts the stand-in, writes both configs and builds them. */
export async function setUpBench(): Promise<BenchSetup> {
  const work = mkdtempSync(join(tmpdir(), "edge-auth-bench-"));
  const answersPath = join(work, "answers.json");
  let stand: ChildProcess | undefined;
  try {
    stand = spawn(process.execPath, ["-e", TOKEN_ENDPOINT], { env: { ...process.env, ANSWERS: answersPath }, stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((done, fail) => {
      stand!.once("exit", (code) => fail(new Error(`token endpoint stand-in exited (${code})`)));
      stand!.stdout!.once("data", (d: Buffer) => done(Number(String(d).trim())));
    });
    const key = makeKey("bench-key");
    const iss = makeIssuer({ key, region: "us-east-1", userPoolId: "us-east-1_Bench1", clientId: "benchclient0123456789abcd" });
    const rawConfig = {
      region: iss.region,
      userPoolId: iss.userPoolId,
      clientId: iss.clientId,
      domain: `http://127.0.0.1:${port}`,
      issuer: iss.issuer,
      jwks: { keys: [key.jwk] },
      publicPaths: ["/public/*", "/favicon.ico"],
      rules: [{ path: "/admin/*", groups: ["admins"] }],
      // Known here so the signed-in browser below can carry the binding cookie parse-auth writes.
      nonceSigningSecret: "bench-nonce-signing-secret-0123456789",
    };
    const rawFnConfig = { ...rawConfig, hotPath: "cloudfront-function" };
    const outdir = join(work, "dist");
    const fnOutdir = join(work, "dist-function");
    writeFileSync(join(work, "auth.config.json"), JSON.stringify(rawConfig));
    writeFileSync(join(work, "auth.config.function.json"), JSON.stringify(rawFnConfig));
    build(join(work, "auth.config.json"), outdir);
    build(join(work, "auth.config.function.json"), fnOutdir);

    const user = { username: "7d1e7c3a-1c2b-4f2e-9a55-0c3b1c1e9f00", email: "reader@example.com", groups: ["readers"] };
    const idToken = sign(idClaims(iss, user), key);
    const accessToken = sign(accessClaims(iss, user), key);
    const prefix = `CognitoIdentityServiceProvider.${iss.clientId}`;
    const filler = `_ga=GA1.1.1234567890.1700000000; _gid=GA1.1.987654321.1700000000; theme=dark; consent=${"x".repeat(600)}`;
    const sessionCookie = (id: string, access: string) =>
      `${filler}; ${prefix}.LastAuthUser=${user.username}; ${prefix}.${user.username}.idToken=${id}; ${prefix}.${user.username}.accessToken=${access}; ${prefix}.${user.username}.refreshToken=${"r".repeat(1700)}; ${bindingCookieName({}, iss.clientId)}=${bindingFor(iss.clientId, id, rawConfig.nonceSigningSecret)}`;
    const old = { ...user, iat: Math.floor(Date.now() / 1000) - 7200 };
    const cookies = {
      filler,
      signedIn: sessionCookie(idToken, accessToken),
      expired: sessionCookie(sign(idClaims(iss, old), key), sign(accessClaims(iss, old), key)),
      forged: sessionCookie(sign(idClaims(iss, user), makeKey("bench-key")), accessToken),
    };
    const s = stand;
    return {
      work, key, iss, user, rawConfig, rawFnConfig, outdir, fnOutdir, port, answersPath, idToken, cookies,
      close() {
        s.kill();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    stand?.kill();
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

/** Loads a built Lambda@Edge bundle afresh (its own module state, as a new container has). */
export function loadHandler(file: string): Handler {
  delete require.cache[require.resolve(file)];
  return (require(file) as { handler: Handler }).handler;
}
