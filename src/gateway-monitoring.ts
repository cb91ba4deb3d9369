import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { GatewayAlarmOptions } from './gateway-alarm-options';
import { propError } from './validation';

/** Namespace of the metrics the proxy writes (CloudWatch embedded metric format). */
export const METRICS_NAMESPACE = 'BedrockAccessGateway';

const PERIOD = Duration.minutes(5);

/** What the dashboard and alarms watch. */
export interface GatewayMonitoringProps {
  /** The gateway's `Gateway` dimension value (`GATEWAY_NAME`). */
  readonly gatewayName: string;
  readonly dashboard: boolean;
  readonly alarms?: GatewayAlarmOptions;
  /** Whether some key may have a monthly token budget. */
  readonly monthlyBudgets: boolean;
}

/**
 * The gateway's CloudWatch dashboard and alarms, built on the metrics the proxy writes: per key and per
 * model through search expressions (so keys added at runtime appear too), the gateway as a whole through
 * plain metrics.
 */
export class GatewayMonitoring extends Construct {
  public readonly dashboard?: cloudwatch.Dashboard;
  public readonly serverErrorsAlarm?: cloudwatch.Alarm;
  public readonly monthlyBudgetAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: GatewayMonitoringProps) {
    super(scope, id);
    const name = props.gatewayName;
    if (props.dashboard) this.dashboard = this.createDashboard(name);
    if (props.alarms) {
      const serverErrors = props.alarms.serverErrorsPerFiveMinutes ?? 5;
      const budgetPercent = props.alarms.monthlyBudgetPercent ?? 80;
      validatePositive('serverErrorsPerFiveMinutes', serverErrors, 'e.g. 5');
      validatePositive('monthlyBudgetPercent', budgetPercent, 'e.g. 80 to hear of a key at four fifths of its budget');
      if (props.alarms.monthlyBudgetPercent !== undefined && !props.monthlyBudgets) {
        throw propError('alarms.monthlyBudgetPercent', 'needs a key with a monthly token budget to watch', String(budgetPercent),
          'give a key limits.tokensPerMonth (or use keysDocument), or omit monthlyBudgetPercent');
      }
      this.serverErrorsAlarm = new cloudwatch.Alarm(this, 'ServerErrorsAlarm', {
        alarmDescription: 'The Bedrock Access Gateway answered with server errors (5xx).',
        metric: gatewayMetric(name, 'Errors5xx', 'Sum'),
        threshold: serverErrors,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (props.monthlyBudgets) {
        // A Metrics Insights query: alarms cannot use search expressions, and it covers keys added at runtime.
        this.monthlyBudgetAlarm = new cloudwatch.Alarm(this, 'MonthlyBudgetAlarm', {
          alarmDescription: `A key of the Bedrock Access Gateway used ${budgetPercent}% or more of its monthly token budget `
            + '(see the dashboard for which one).',
          metric: new cloudwatch.MathExpression({
            expression: `SELECT MAX(MonthlyTokenBudgetUsedPercent) FROM SCHEMA(${METRICS_NAMESPACE}, Gateway, KeyName) WHERE Gateway = '${name}'`,
            period: PERIOD,
            label: 'Highest share of a monthly token budget used (%)',
          }),
          threshold: budgetPercent,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
    }
  }

  private createDashboard(name: string): cloudwatch.Dashboard {
    const graph = (title: string, left: cloudwatch.IMetric[], width = 12) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6, period: PERIOD });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    dashboard.addWidgets(
      graph('Requests per key', [search(name, 'KeyName', 'Requests', 'Sum')]),
      graph('Tokens per key (input, output)', [search(name, 'KeyName', 'InputTokens', 'Sum'), search(name, 'KeyName', 'OutputTokens', 'Sum')]),
    );
    dashboard.addWidgets(
      graph('Requests per model', [search(name, 'Model', 'Requests', 'Sum')]),
      graph('Tokens per model (input, output, cache read)', [
        search(name, 'Model', 'InputTokens', 'Sum'), search(name, 'Model', 'OutputTokens', 'Sum'), search(name, 'Model', 'CacheReadTokens', 'Sum'),
      ]),
    );
    dashboard.addWidgets(
      graph('Throttled by the gateway\'s limits (429) per key', [search(name, 'KeyName', 'Throttled', 'Sum')]),
      graph('Monthly token budget used per key (%)', [search(name, 'KeyName', 'MonthlyTokenBudgetUsedPercent', 'Maximum')]),
    );
    dashboard.addWidgets(
      graph('Errors (4xx, 5xx)', [gatewayMetric(name, 'Errors4xx', 'Sum'), gatewayMetric(name, 'Errors5xx', 'Sum')]),
      graph('Latency (p50, p99)', [gatewayMetric(name, 'Latency', 'p50'), gatewayMetric(name, 'Latency', 'p99')]),
    );
    return dashboard;
  }
}

/** One metric of the whole gateway (dimension set `[Gateway]`). */
function gatewayMetric(gatewayName: string, metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { Gateway: gatewayName },
    statistic,
    period: PERIOD,
    label: `${metricName} ${statistic}`,
  });
}

/** One line per key or per model (dimension set `[Gateway, <by>]`), found by a search expression. */
function search(gatewayName: string, by: 'KeyName' | 'Model', metricName: string, statistic: string): cloudwatch.SearchExpression {
  return new cloudwatch.SearchExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},Gateway,${by}} MetricName="${metricName}" Gateway="${gatewayName}"', '${statistic}', ${PERIOD.toSeconds()})`,
    label: metricName,
    period: PERIOD,
  });
}

function validatePositive(field: keyof GatewayAlarmOptions, value: number, example: string): void {
  if (!Token.isUnresolved(value) && !(value > 0)) {
    throw propError(`alarms.${field}`, 'must be a positive number', String(value), `set a threshold above 0, ${example}`);
  }
}
