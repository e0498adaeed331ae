/**
 * shared/config/edge-logging.ts: Lambda's advanced logging controls for the Lambda@Edge functions, one value for
 * both deploy paths. The table of controls says what the templates set (one source), and the Serverless values
 * carry it on every edge function. The CDK path and the templates themselves are checked by the
 * AWS rule `lambda-edge-logging-controls` (test/integration/aws-rules.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { APPLICATION_LOG_LEVEL, EDGE_LOGGING_CONTROLS, EDGE_PLATFORM_LINES_WRITTEN, EDGE_SYSTEM_LOG_LEVEL, edgeLoggingConfig } from "../../../shared/config/edge-logging";
import type { LogLevel } from "../../../shared/config/types";
import { slsValues } from "../../../scripts/sls-values";

describe("edgeLoggingConfig", () => {
  it.each<[LogLevel, string]>([
    ["debug", "DEBUG"],
    ["info", "INFO"],
    ["warn", "WARN"],
    ["error", "ERROR"],
    // Our logger writes nothing; the runtime's report of an uncaught error (ERROR) still gets through.
    ["silent", "ERROR"],
  ])("logLevel %s: JSON, system lines at WARN, application lines at %s", (level, app) => {
    expect(edgeLoggingConfig(level)).toEqual({ LogFormat: "JSON", SystemLogLevel: "WARN", ApplicationLogLevel: app });
  });

  it("drops Lambda's START/END/REPORT lines (INFO-level platform events)", () => {
    expect(EDGE_SYSTEM_LOG_LEVEL).toBe("WARN");
    expect(EDGE_PLATFORM_LINES_WRITTEN).toBe(false);
  });

  it("the table of controls says applied exactly for the keys edgeLoggingConfig sets, all honoured by Lambda@Edge", () => {
    const set = Object.keys(edgeLoggingConfig("info")).sort();
    expect(EDGE_LOGGING_CONTROLS.filter((c) => c.applied).map((c) => c.key).sort()).toEqual(set);
    expect(EDGE_LOGGING_CONTROLS.map((c) => c.key).sort()).toEqual(["ApplicationLogLevel", "LogFormat", "LogGroup", "SystemLogLevel"]);
    for (const c of EDGE_LOGGING_CONTROLS) expect(c.honouredByLambdaEdge, c.key).toBe(true);
  });

  it("Lambda's filter never drops a line our logger writes: it is at or below the logger's level", () => {
    const rank = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 } as const;
    const ours = { debug: 1, info: 2, warn: 3, error: 4, silent: 6 } as const;
    for (const [level, app] of Object.entries(APPLICATION_LOG_LEVEL)) expect(rank[app], level).toBeLessThanOrEqual(ours[level as LogLevel]);
  });
});

describe("Serverless values: every Lambda@Edge function has the controls, in osls's `logs` spelling", () => {
  const root = resolve(__dirname, "../../..");
  const dir = mkdtempSync(join(tmpdir(), "edge-logging-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const values = (raw: Record<string, unknown>) => {
    const configPath = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(configPath, JSON.stringify(raw));
    return slsValues({ AUTH_CONFIG: configPath, AUTH_OUTDIR: join(root, ".build", "no-such-build"), EDGE_AUTH_WITHOUT_BUILD: "1" });
  };
  const existing = { region: "eu-west-1", userPoolId: "eu-west-1_Abc123", clientId: "abc123", domain: "auth.example.com", jwks: { keys: [] } };

  it.each<[string, Record<string, unknown>, LogLevel]>([
    ["lambda-edge, default level", existing, "info"],
    ["lambda-edge at debug", { ...existing, logLevel: "debug" }, "debug"],
    ["cloudfront-function with mergeOriginCsp, silent", { ...existing, hotPath: "cloudfront-function", mergeOriginCsp: true, logLevel: "silent" }, "silent"],
  ])("%s", (_, raw, level) => {
    const fns = values(raw).edgeFunctions as Record<string, { logs?: unknown; events: { cloudFront?: unknown }[] }>;
    const edge = Object.values(fns).filter((f) => f.events.some((e) => e.cloudFront));
    expect(edge.length).toBeGreaterThan(3);
    const want = edgeLoggingConfig(level);
    for (const f of edge) expect(f.logs).toEqual({ logFormat: want.LogFormat, systemLogLevel: want.SystemLogLevel, applicationLogLevel: want.ApplicationLogLevel });
  });
});
