import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { joinCfnString, newStack, useSynthChecks } from './support';
import { BedrockAccessGateway, KeysDocument } from '../../src';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/keys-AbCdEf';
/** What `GATEWAY_NAME` and the `Gateway` dimension resolve to in a stack named "Stack". */
const GATEWAY = 'Stack-Gateway';

interface Widget {
  readonly properties: { readonly title: string; readonly metrics: unknown[][] };
}

/**
 * The dashboard body as deployed in a stack named "Stack": the `Fn::Join` joined with
 * `AWS::StackName` → "Stack" and `AWS::Region` → "us-east-1", then parsed.
 */
function dashboardWidgets(template: Template): Widget[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  return (JSON.parse(deployed(dashboards[0].Properties.DashboardBody)) as { widgets: Widget[] }).widgets;
}

/** A value with its pseudo-parameter references replaced as CloudFormation would in stack "Stack", region us-east-1. */
function deployed(value: unknown): string {
  const pseudo: { [name: string]: string } = { 'AWS::StackName': 'Stack', 'AWS::Region': 'us-east-1' };
  return joinCfnString(value, (node) => {
    if (node.Ref && pseudo[node.Ref]) return pseudo[node.Ref];
    throw new Error(`no deployed value for ${JSON.stringify(node)}`);
  });
}

/** A search expression of the dashboard for one metric over one dimension, as a widget lists it. */
const search = (by: string, metric: string, statistic: string) => [{
  label: metric,
  expression: `SEARCH('{BedrockAccessGateway,Gateway,${by}} MetricName="${metric}" Gateway="${GATEWAY}"', '${statistic}', 300)`,
}];

/** A plain metric of the whole gateway, as a widget lists it. */
const gatewayMetric = (metric: string, statistic: string) =>
  ['BedrockAccessGateway', metric, 'Gateway', GATEWAY, { label: `${metric} ${statistic}`, stat: statistic }];

describe('BedrockAccessGateway dashboard and alarms', () => {
  const synthClean = useSynthChecks();

  test('with keys: a dashboard of requests and tokens per key and per model, throttling, budgets, errors and latency', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { keys: [{ name: 'a' }] });
    // THEN
    const template = synthClean(stack);
    expect(deployed(stack.resolve(gateway.gatewayName))).toBe(GATEWAY);
    const widgets = dashboardWidgets(template);
    expect(widgets.map((w) => [w.properties.title, w.properties.metrics])).toEqual([
      ['Requests per key', [search('KeyName', 'Requests', 'Sum')]],
      ['Tokens per key (input, output)', [search('KeyName', 'InputTokens', 'Sum'), search('KeyName', 'OutputTokens', 'Sum')]],
      ['Requests per model', [search('Model', 'Requests', 'Sum')]],
      ['Tokens per model (input, output, cache read)',
        [search('Model', 'InputTokens', 'Sum'), search('Model', 'OutputTokens', 'Sum'), search('Model', 'CacheReadTokens', 'Sum')]],
      ['Throttled by the gateway\'s limits (429) per key', [search('KeyName', 'Throttled', 'Sum')]],
      ['Monthly token budget used per key (%)', [search('KeyName', 'MonthlyTokenBudgetUsedPercent', 'Maximum')]],
      ['Errors (4xx, 5xx)', [gatewayMetric('Errors4xx', 'Sum'), gatewayMetric('Errors5xx', 'Sum')]],
      ['Latency (p50, p99)', [gatewayMetric('Latency', 'p50'), gatewayMetric('Latency', 'p99')]],
    ]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    // The proxy labels its metrics with the same name.
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(deployed(fn.Properties.Environment.Variables.GATEWAY_NAME)).toBe(GATEWAY);
  });

  test('a single key: no dashboard unless asked for', () => {
    // GIVEN
    const quiet = newStack();
    const asked = newStack();
    // WHEN
    const without = new BedrockAccessGateway(quiet, 'Gateway');
    new BedrockAccessGateway(asked, 'Gateway', { dashboard: true });
    // THEN
    synthClean(quiet).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(without.dashboard).toBeUndefined();
    expect(dashboardWidgets(synthClean(asked))).toHaveLength(8);
  });

  test('keys with dashboard false: no dashboard', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { keys: [{ name: 'a' }], dashboard: false });
    // THEN
    synthClean(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('alarms with a keys document: 5xx of the gateway, and a Metrics Insights query over every key\'s budget', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', {
      keysDocument: KeysDocument.fromSecretArn(SECRET_ARN),
      alarms: { serverErrorsPerFiveMinutes: 3, monthlyBudgetPercent: 90 },
    });
    // THEN
    const template = synthClean(stack);
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const [serverErrors, budget] = Object.values(alarms).map((alarm) => alarm.Properties);
    expect(serverErrors).toMatchObject({
      Threshold: 3,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(serverErrors.Metrics).toHaveLength(1);
    const { Metric: metric, ...stat } = serverErrors.Metrics[0].MetricStat;
    expect(stat).toEqual({ Period: 300, Stat: 'Sum' });
    expect([metric.Namespace, metric.MetricName, metric.Dimensions.length, metric.Dimensions[0].Name]).toEqual(['BedrockAccessGateway', 'Errors5xx', 1, 'Gateway']);
    expect(deployed(metric.Dimensions[0].Value)).toBe(GATEWAY);
    expect(budget).toMatchObject({ Threshold: 90, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(budget.Metrics).toHaveLength(1);
    expect(deployed(budget.Metrics[0].Expression)).toBe(
      `SELECT MAX(MonthlyTokenBudgetUsedPercent) FROM SCHEMA(BedrockAccessGateway, Gateway, KeyName) WHERE Gateway = '${GATEWAY}'`);
    expect(budget.Metrics[0].Period).toBe(300);
    expect(gateway.serverErrorsAlarm).toBeDefined();
    expect(gateway.monthlyBudgetAlarm).toBeDefined();
  });

  test('alarms with defaults: 5 server errors; declared keys without a monthly budget get no budget alarm', () => {
    // GIVEN
    const budgeted = newStack();
    const unbudgeted = newStack();
    // WHEN
    new BedrockAccessGateway(budgeted, 'Gateway', { keys: [{ name: 'a', limits: { tokensPerMonth: 1000 } }], alarms: {} });
    const gateway = new BedrockAccessGateway(unbudgeted, 'Gateway', { keys: [{ name: 'a', limits: { requestsPerMinute: 5 } }], alarms: {} });
    // THEN
    const thresholds = Object.values(synthClean(budgeted).findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.Threshold);
    expect(thresholds).toEqual([5, 80]);
    synthClean(unbudgeted).resourceCountIs('AWS::CloudWatch::Alarm', 1);
    expect(gateway.monthlyBudgetAlarm).toBeUndefined();
  });

  test.each([
    [{ serverErrorsPerFiveMinutes: 0 }, 'alarms.serverErrorsPerFiveMinutes: must be a positive number; received 0; set a threshold above 0, e.g. 5'],
    [{ monthlyBudgetPercent: -1 },
      'alarms.monthlyBudgetPercent: must be a positive number; received -1; set a threshold above 0, e.g. 80 to hear of a key at four fifths of its budget'],
    [{ monthlyBudgetPercent: 90 },
      'alarms.monthlyBudgetPercent: needs a key with a monthly token budget to watch; received 90; give a key limits.tokensPerMonth (or use keysDocument), or omit monthlyBudgetPercent'],
  ])('invalid alarm thresholds fail at construction (%#)', (alarms, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { alarms })).toThrow(message);
  });
});
