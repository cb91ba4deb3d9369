import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { describe, expect, test } from 'vitest';
import { newStack } from './support';
import { BedrockAccessGateway, BedrockAccessGatewayProps, GatewayCompute } from '../../src';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

/** The warnings the gateway's synthesis left on `Stack/Gateway`, as messages (with the id to acknowledge them by). */
function gatewayWarnings(stack: Stack): unknown[] {
  return Annotations.fromStack(stack).findWarning('/Stack/Gateway', Match.anyValue()).map((warning) => warning.entry.data);
}

describe('BedrockAccessGateway synth-time checks', () => {
  test.each<[string, (stack: Stack) => BedrockAccessGatewayProps, string]>([
    ['a default model with blanks', () => ({ defaultModel: 'claude sonnet' }),
      'defaultModel: must be a Bedrock model id, inference profile id or ARN, which hold no blanks; received "claude sonnet"; '
      + 'copy the id from the Bedrock console or `aws bedrock list-foundation-models`, e.g. "global.anthropic.claude-sonnet-4-6"'],
    ['an allowed model with blanks', () => ({ allowedModels: ['amazon nova'] }),
      'allowedModels: entries must be model ids, inference profile ids or ARNs, which hold no blanks; received "amazon nova"; '
      + 'copy the id from the Bedrock console or `aws bedrock list-foundation-models`'],
    ['a CPU target above 100 %', () => ({ compute: GatewayCompute.fargate({ targetCpuUtilizationPercent: 150 }) }),
      'compute: GatewayCompute.fargate({ targetCpuUtilizationPercent }) must be a percentage from 1 to 100; received 150; '
      + 'pick the average CPU utilization to aim for, e.g. 70'],
    ['no requests per task', () => ({ compute: GatewayCompute.fargate({ requestsPerTarget: 0 }) }),
      'compute: GatewayCompute.fargate({ requestsPerTarget }) must be a positive integer; received 0; pick the requests per task per minute to aim for, e.g. 600'],
  ])('%s fails at construction, naming the prop and the fix', (_, props, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', props(stack))).toThrow(message);
  });

  test.each<[string, (stack: Stack) => BedrockAccessGatewayProps, string]>([
    ['a certificate without domainName', (stack) => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN) }),
      'domainName: not set with a certificate, so apiBaseUrl names the load balancer\'s DNS name, which the certificate does not cover '
      + '(clients fail the TLS check); received undefined; set domainName to the name the certificate covers and point it at the load balancer '
      + '[ack: cdk-bedrock-access-gateway:certificateWithoutDomainName]'],
    ['a deploy-time allowed model', (stack) => {
      const model = new CfnParameter(stack, 'Model').valueAsString;
      return { allowedModels: [model, 'amazon.titan-embed-text-v2:0'], defaultModel: model };
    }, 'allowedModels: deploy-time entries (e.g. a CfnParameter) are granted as foundation model ids in this region, so an inference profile id '
      + '(us.…, global.…) or an ARN there gets no matching permission; received 1 token entry; list profile ids and ARNs literally '
      + '[ack: cdk-bedrock-access-gateway:allowedModelsToken]'],
    ['a Lambda timeout above the idle timeout', () => ({ idleTimeout: Duration.seconds(60), compute: GatewayCompute.lambda({ timeout: Duration.minutes(5) }) }),
      'compute: GatewayCompute.lambda({ timeout }) is longer than idleTimeout, which ends a request first (the proxy ends a request with a 504 a '
      + 'second before it, so the longer timeout is never used); received timeout 300 seconds with idleTimeout 60 seconds; lower the timeout or raise idleTimeout '
      + '[ack: cdk-bedrock-access-gateway:lambdaTimeoutAboveIdleTimeout]'],
  ])('%s synthesizes with a warning naming the prop and the fix', (_, props, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', props(stack));
    // THEN
    expect(gatewayWarnings(stack)).toEqual([message]);
  });

  test('the defaults synthesize without a warning', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE_ARN), domainName: 'gw.example.com' });
    // THEN
    expect(gatewayWarnings(stack)).toEqual([]);
  });
});
