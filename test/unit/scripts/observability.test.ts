import { describe, expect, it } from "vitest";
import { resolveDeployConfig } from "../../../shared/config/resolve";
import type { DeployConfig } from "../../../shared/config/types";
import { QUERIES, dashboardBody, observabilityResources, withObservability } from "../../../scripts/observability";
import { kindMetric } from "../../../shared/log";

function deploy(d: Record<string, unknown> = {}): DeployConfig {
  const r = resolveDeployConfig({ region: "eu-west-1", deploy: d });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config;
}

describe("dashboard and alarms", () => {
  it("are left out when turned off", () => {
    expect(observabilityResources(deploy({ alarms: { enabled: false }, dashboard: { enabled: false } }))).toEqual({ Resources: {}, Outputs: {} });
    expect(Object.keys(observabilityResources(deploy({ alarms: { enabled: false } })).Resources)).toEqual(["EdgeAuthDashboard"]);
  });

  it("merge into the edge resources without touching them", () => {
    const edge = { Resources: { SiteBucket: { Type: "AWS::S3::Bucket" } }, Outputs: { SiteUrl: { Value: "x" } } };
    const merged = withObservability(edge, deploy());
    expect(merged.Resources.SiteBucket).toBe(edge.Resources.SiteBucket);
    expect(Object.keys(merged.Resources)).toEqual(["SiteBucket", "EdgeAuthDashboard", "TokenRejectionsAlarm", "CognitoUnavailableAlarm"]);
    expect(Object.keys(merged.Outputs)).toEqual(["SiteUrl", "DashboardUrl"]);
  });

  it("draw the alarm thresholds on the us-east-1 row only (the alarms watch us-east-1)", () => {
    const widgets = dashboardBody(deploy({ dashboard: { regions: ["us-east-1", "eu-west-1"] }, alarms: { rejectionsPerMinute: 7 } })).widgets;
    const annotated = widgets.filter((w) => w.properties.annotations).map((w) => [w.properties.region, (w.properties.annotations as { horizontal: { value: number }[] }).horizontal[0]!.value]);
    expect(annotated).toEqual([["us-east-1", 7], ["us-east-1", 5]]);
  });

  it("query the metric names and dimensions the decision lines carry", () => {
    // The EMF record: Dimensions [["Function","Reason"]], metrics Decisions + SignIns/Refreshes/Rejections (shared/log.ts).
    expect(kindMetric("rejected:signature")).toBe("Rejections");
    expect(kindMetric("signed-in:callback")).toBe("SignIns");
    expect(kindMetric("refreshed")).toBe("Refreshes");
    for (const q of Object.values(QUERIES)) expect(q).toContain('FROM SCHEMA("EdgeAuth", "Function", "Reason")');
    expect(QUERIES.unavailable).toContain("'cognito-unavailable', 'cognito-unavailable:jwks'");
  });
});
