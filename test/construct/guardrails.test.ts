import { CfnParameter } from 'aws-cdk-lib';
import { describe, expect, test } from 'vitest';
import { cfnArn, newStack, proxyRoleStatements, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute } from '../../src';

const REGION = { Ref: 'AWS::Region' };
const ACCOUNT = { Ref: 'AWS::AccountId' };

/** The proxy role's ApplyGuardrail statements. */
function guardrailStatements(statements: unknown[]): unknown[] {
  return statements.filter((s) => JSON.stringify(s).includes('bedrock:ApplyGuardrail'));
}

describe('BedrockAccessGateway guardrails', () => {
  const synthClean = useSynthChecks();

  test('by default the proxy may apply no guardrail', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    expect(guardrailStatements(proxyRoleStatements(synthClean(stack)))).toEqual([]);
  });

  test.each([
    ['Lambda', GatewayCompute.lambda()],
    ['Fargate', GatewayCompute.fargate()],
  ])('the %s proxy may apply exactly the listed guardrails: ids in this region and account, ARNs as given', (_, compute) => {
    // GIVEN
    const stack = newStack();
    const guardrailArn = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/zyx987wvu654';
    const profileArn = 'arn:aws:bedrock:us-west-2:123456789012:guardrail-profile/us.guardrail.v1:0';
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { compute, guardrails: ['abc123def456', guardrailArn, profileArn] });
    // THEN
    expect(guardrailStatements(proxyRoleStatements(synthClean(stack)))).toEqual([{
      Sid: 'ApplyGuardrails',
      Effect: 'Allow',
      Action: 'bedrock:ApplyGuardrail',
      Resource: [cfnArn(':bedrock:', REGION, ':', ACCOUNT, ':guardrail/abc123def456'), guardrailArn, profileArn],
    }]);
  });

  test('a guardrail id given as a parameter counts as a guardrail of this region and account', () => {
    // GIVEN
    const stack = newStack();
    const guardrail = new CfnParameter(stack, 'Guardrail', { type: 'String' });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { guardrails: [guardrail.valueAsString] });
    // THEN
    expect(guardrailStatements(proxyRoleStatements(synthClean(stack)))).toEqual([{
      Sid: 'ApplyGuardrails',
      Effect: 'Allow',
      Action: 'bedrock:ApplyGuardrail',
      Resource: cfnArn(':bedrock:', REGION, ':', ACCOUNT, ':guardrail/', { Ref: 'Guardrail' }),
    }]);
  });

  test.each([
    [[], 'guardrails: must not be empty; received []; list the guardrails requests may apply, or omit guardrails'],
    [['My Guardrail'], 'guardrails: entries must be guardrail ids or guardrail ARNs; received "My Guardrail"; use the id Bedrock shows for the guardrail'],
    [['arn:aws:s3:::bucket'], 'guardrails: entries must be guardrail ids or guardrail ARNs; received "arn:aws:s3:::bucket"'],
  ])('invalid guardrails %o fail at construction', (guardrails, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { guardrails })).toThrow(message);
  });

  test('a list token for guardrails fails: the grant must be known at synth', () => {
    // GIVEN
    const stack = newStack();
    const guardrails = new CfnParameter(stack, 'Guardrails', { type: 'CommaDelimitedList' });
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { guardrails: guardrails.valueAsList })).toThrow(
      'guardrails: must be a list known at synth time; received a list token; list the guardrail ids or ARNs literally (single entries may be tokens)');
  });
});
