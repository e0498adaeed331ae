import { describe, expect, it } from "vitest";
import { COMMERCIAL_REGIONS } from "../../../shared/config/edge-regions";
import { LOGS_HELP, LogsArgsError, formatEvent, isPlatformLine, parseLogsArgs, parseWhen } from "../../../scripts/operate/logs-cli";

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

describe("npm run logs options", () => {
  it("defaults to the last hour of every edge function in every commercial region", () => {
    const a = parseLogsArgs([], NOW);
    expect(a).toMatchObject({ since: NOW - 3600_000, follow: false, intervalMs: 5000, json: false, help: false });
    expect(a.until).toBeUndefined();
    expect(a.functions).toEqual(["check-auth", "sign-in", "parse-auth", "refresh-auth", "sign-out", "http-headers"]);
    expect(a.regions).toEqual([...COMMERCIAL_REGIONS]);
  });

  it("takes every option", () => {
    const a = parseLogsArgs(["--since", "2d", "--until", "2029-12-31T00:00:00Z", "--reason", "rejected:*", "--function", "check-auth,refresh-auth", "--regions", "eu-west-1,us-east-1", "-f", "--interval", "10", "--json"], NOW);
    expect(a).toEqual({
      since: NOW - 2 * 86_400_000,
      until: Date.UTC(2029, 11, 31),
      reason: "rejected:*",
      functions: ["check-auth", "refresh-auth"],
      regions: ["eu-west-1", "us-east-1"],
      follow: true,
      intervalMs: 10_000,
      json: true,
      help: false,
    });
  });

  it.each([
    [["--since", "yesterday"], '--since: "yesterday" is neither a duration'],
    [["--since", "1h", "--until", "2h"], "--until: must be after --since"],
    [["--function", "check-auth-function"], '--function: "check-auth-function" is not an edge function'],
    [["--regions", "us-gov-west-1"], '--regions: "us-gov-west-1" is not a commercial AWS region'],
    [["--interval", "0"], "--interval: must be a number of seconds between 1 and 3600"],
    [["--reason", "a b"], "--reason: must be a reason code or a glob"],
    [["--tail"], "Unknown option '--tail'"],
  ])("refuses %j naming the option", (argv, message) => {
    expect(() => parseLogsArgs(argv, NOW)).toThrow(LogsArgsError);
    expect(() => parseLogsArgs(argv, NOW)).toThrow(message);
  });

  it.each([
    ["30s", NOW - 30_000],
    ["15m", NOW - 900_000],
    ["2025-06-01T12:00:00Z", Date.UTC(2025, 5, 1, 12)],
  ])("reads %s", (v, t) => expect(parseWhen(v, NOW, "--since")).toBe(t));

  it("--help lists every option", () => {
    expect(parseLogsArgs(["--help"], NOW).help).toBe(true);
    for (const o of ["--since", "--until", "--reason", "--function", "--regions", "--follow", "--interval", "--json"]) expect(LOGS_HELP).toContain(o);
  });
});

describe("printing", () => {
  const base = { timestamp: NOW, region: "eu-west-1", function: "edge-auth-dev-checkAuth", eventId: "1" };
  it("prints a decision as time, region, function, level, reason and the other fields, without the EMF part", () => {
    const record = { level: "info", fn: "check-auth", msg: "decision", reason: "rejected:signature", path: "/x", ms: 3, _aws: {}, Function: "check-auth", Reason: "rejected:signature", Decisions: 1, Rejections: 1 };
    expect(formatEvent({ ...base, message: JSON.stringify(record), record }, () => "check-auth")).toBe("2030-01-01T12:00:00.000Z eu-west-1      check-auth   info  rejected:signature path=/x ms=3");
    expect(JSON.parse(formatEvent({ ...base, message: "", record }, () => "check-auth", true))).toMatchObject({ region: "eu-west-1", function: "check-auth", reason: "rejected:signature" });
  });

  it("hides Lambda's START/END/REPORT lines, keeps other plain lines", () => {
    expect(isPlatformLine({ ...base, message: "REPORT RequestId: x Duration: 2 ms" })).toBe(true);
    expect(isPlatformLine({ ...base, message: "2030-01-01T12:00:00Z x ERROR Invoke Error" })).toBe(false);
  });
});
