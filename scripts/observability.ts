/**
 * The edge stack's CloudWatch dashboard and alarms, built on the EMF decision records of shared/log.ts
 * (namespace `EdgeAuth`, metric `Decisions` with dimensions `Function` and `Reason`, plus `SignIns`, `Refreshes`
 * and `Rejections` on the lines they concern).
 *
 * Regions. Lambda@Edge logs in the region of the regional edge cache that served the viewer, and the EMF records
 * become metrics there, so there is no single place with every request's metrics:
 * - the dashboard (one per account, shown from us-east-1) has one row of widgets per region of
 *   `deploy.dashboard.regions` (default: the regional edge cache regions of the price class); a widget may read
 *   another region's metrics;
 * - an alarm can only watch metrics of its own region, and the stack is in us-east-1, so the alarms count the
 *   requests served through us-east-1 only. That is the busiest region for North American viewers, but a spike
 *   that stays in, say, eu-west-1 does not trip them (docs/operate.md says so, and how to add more).
 *
 * The queries are CloudWatch Metrics Insights (`SELECT SUM(m) FROM SCHEMA(...)`): one alarm covers every function
 * and every rejection reason without listing them, and a new reason is counted the day it first appears.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-alarms.html
 */
import { NAMESPACE } from "../shared/log";
import type { DeployConfig } from "../shared/config/types";

type Cfn = Record<string, unknown>;

/** The reasons that mean Cognito (its token endpoint or its keys) could not be reached in time. */
export const UNAVAILABLE_REASONS = ["cognito-unavailable", "cognito-unavailable:jwks"] as const;

const FROM = `FROM SCHEMA("${NAMESPACE}", "Function", "Reason")`;

/** Metrics Insights queries of the dashboard and the alarms. */
export const QUERIES = {
  decisionsByReason: `SELECT SUM(Decisions) ${FROM} GROUP BY Reason`,
  signIns: `SELECT SUM(SignIns) ${FROM}`,
  refreshes: `SELECT SUM(Refreshes) ${FROM}`,
  rejections: `SELECT SUM(Rejections) ${FROM}`,
  rejectionsByReason: `SELECT SUM(Rejections) ${FROM} GROUP BY Reason`,
  unavailable: `SELECT SUM(Decisions) ${FROM} WHERE Reason IN (${UNAVAILABLE_REASONS.map((r) => `'${r}'`).join(", ")})`,
} as const;

/** Logical ids of the resources this module adds. */
export const LOGICAL_IDS = { dashboard: "EdgeAuthDashboard", rejections: "TokenRejectionsAlarm", unavailable: "CognitoUnavailableAlarm" } as const;

/** The dashboard and alarms the config asks for (none when both are turned off). */
export function observabilityResources(d: DeployConfig): { Resources: Cfn; Outputs: Cfn } {
  const Resources: Cfn = {};
  const Outputs: Cfn = {};
  const name = `${d.service}-${d.stage}`;
  if (d.dashboard.enabled) {
    Resources[LOGICAL_IDS.dashboard] = {
      Type: "AWS::CloudWatch::Dashboard",
      Properties: { DashboardName: name, DashboardBody: JSON.stringify(dashboardBody(d)) },
    };
    Outputs.DashboardUrl = {
      Description: "CloudWatch dashboard of the edge functions' decisions",
      Value: { "Fn::Sub": `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards/dashboard/\${${LOGICAL_IDS.dashboard}}` },
    };
  }
  if (d.alarms.enabled) {
    const actions = d.alarms.snsTopicArn ? { AlarmActions: [d.alarms.snsTopicArn], OKActions: [d.alarms.snsTopicArn] } : {};
    Resources[LOGICAL_IDS.rejections] = alarm({
      name: `${name}-token-rejections`,
      description: `More than ${d.alarms.rejectionsPerMinute} tokens a minute rejected (rejected:*) by the edge functions served from us-east-1, in 2 of 5 minutes: forged or foreign tokens, or a misconfigured pool or client.`,
      query: QUERIES.rejections,
      threshold: d.alarms.rejectionsPerMinute,
      actions,
    });
    Resources[LOGICAL_IDS.unavailable] = alarm({
      name: `${name}-cognito-unavailable`,
      description: `More than ${d.alarms.unavailablePerMinute} requests a minute could not reach Cognito (cognito-unavailable, cognito-unavailable:jwks) from us-east-1, in 2 of 5 minutes: visitors see a "try again" page.`,
      query: QUERIES.unavailable,
      threshold: d.alarms.unavailablePerMinute,
      actions,
    });
  }
  return { Resources, Outputs };
}

/** Adds the dashboard and alarms to the edge stack's resources (the one call scripts/sls-values.ts makes). */
export function withObservability(edge: { Resources: Cfn; Outputs: Cfn }, d: DeployConfig): { Resources: Cfn; Outputs: Cfn } {
  const o = observabilityResources(d);
  return { Resources: { ...edge.Resources, ...o.Resources }, Outputs: { ...edge.Outputs, ...o.Outputs } };
}

/** A spike alarm on a Metrics Insights query: over `threshold` a minute in 2 of the last 5 minutes. */
function alarm(a: { name: string; description: string; query: string; threshold: number; actions: Cfn }): Cfn {
  return {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      AlarmName: a.name,
      AlarmDescription: a.description,
      Metrics: [{ Id: "q1", Expression: a.query, Period: 60, ReturnData: true }],
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: a.threshold,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 2,
      // No traffic, no metric: quiet is not an incident.
      TreatMissingData: "notBreaching",
      ...a.actions,
    },
  };
}

/** One CloudWatch dashboard widget (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html). */
interface Widget {
  type: "metric" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

/** A text header, then one row per region: decisions by reason, sign-ins and refreshes, rejections by reason, Cognito unreachable. */
export function dashboardBody(d: DeployConfig): { widgets: Widget[] } {
  const widgets: Widget[] = [
    {
      type: "text",
      x: 0,
      y: 0,
      width: 24,
      height: 2,
      properties: {
        markdown:
          `## ${d.service}-${d.stage}: edge decisions\n` +
          `Lambda@Edge logs, and so these metrics, land in the region that served the viewer: one row per region. ` +
          `Alarms watch us-east-1 only. Logs of every region: \`npm run logs\`.`,
      },
    },
  ];
  d.dashboard.regions.forEach((region, i) => {
    const y = 2 + i * 6;
    const metric = (x: number, title: string, metrics: unknown[][], extra: Record<string, unknown> = {}): Widget => ({
      type: "metric",
      x,
      y,
      width: 6,
      height: 6,
      properties: { title: `${title} · ${region}`, region, view: "timeSeries", stat: "Sum", period: 60, metrics, ...extra },
    });
    const q = (id: string, expression: string, label?: string) => [{ id, expression, ...(label !== undefined ? { label } : {}) }];
    const threshold = (value: number, label: string) => (region === "us-east-1" && d.alarms.enabled ? { annotations: { horizontal: [{ label, value }] } } : {});
    widgets.push(
      metric(0, "Decisions by reason", [q("d", QUERIES.decisionsByReason)], { stacked: true }),
      metric(6, "Sign-ins and refreshes", [q("s", QUERIES.signIns, "SignIns"), q("r", QUERIES.refreshes, "Refreshes")]),
      metric(12, "Rejections by reason", [q("j", QUERIES.rejectionsByReason)], { stacked: true, ...threshold(d.alarms.rejectionsPerMinute, "alarm") }),
      metric(18, "Cognito unreachable", [q("u", QUERIES.unavailable, "cognito-unavailable")], threshold(d.alarms.unavailablePerMinute, "alarm")),
    );
  });
  return { widgets };
}
