import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { newStack, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayWebAcl } from '../../src';

/** The gateway's load balancer, as CloudFormation references it. */
const LOAD_BALANCER = { Ref: Match.stringLikeRegexp('^GatewayLoadBalancer') };

describe('BedrockAccessGateway web ACL', () => {
  const synthClean = useSynthChecks();

  test('a new web ACL with a per-IP rate limit is associated with the load balancer', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { webAcl: GatewayWebAcl.create({ rateLimitPerIp: 3000 }) });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'KnownBadInputs',
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
          OverrideAction: { None: {} },
        }),
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Statement: { RateBasedStatement: { Limit: 3000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
          Action: { Block: {} },
        }),
      ],
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'BedrockAccessGateway' },
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: LOAD_BALANCER,
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayWebAcl'), 'Arn'] },
    });
    // Its logs go to a log group WAF accepts, without the API key.
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-'), RetentionInDays: 30 });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayWebAcl'), 'Arn'] },
      LogDestinationConfigs: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':log-group:aws-waf-logs-')])] }],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }],
    });
  });

  test('without a rate limit the web ACL blocks known bad inputs only', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { webAcl: GatewayWebAcl.create() });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::WAFv2::WebACL', { Rules: [Match.objectLike({ Name: 'KnownBadInputs' })] });
  });

  test('an existing web ACL is associated by ARN and none is created', () => {
    // GIVEN
    const stack = newStack();
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/central/11111111-2222-3333-4444-555555555555';
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { webAcl: GatewayWebAcl.fromWebAclArn(arn) });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: LOAD_BALANCER, WebACLArn: arn });
  });

  test.each([5, 10.5])('a rate limit of %s fails, naming the prop and the fix', (rateLimitPerIp) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { webAcl: GatewayWebAcl.create({ rateLimitPerIp }) })).toThrow(
      `webAcl: GatewayWebAcl.create({ rateLimitPerIp }) must be an integer from 10 to 2,000,000,000 requests per 5 minutes; received ${rateLimitPerIp}; `
      + 'pick the most requests one client may send in 5 minutes, e.g. 3000, or omit it for no rate limit');
  });
});
