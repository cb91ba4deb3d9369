import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { describe, expect, test } from 'vitest';
import { existingVpc, newStack, useSynthChecks } from './support';
import { ApiKeySource, BedrockAccessGateway, GatewayCompute } from '../../src';

const KEY_SOURCES: { name: string; source: () => ApiKeySource; variable: string }[] = [
  { name: 'generated key', source: () => ApiKeySource.generate(), variable: 'API_KEY_SECRET_ARN' },
  { name: 'secret ARN', source: () => ApiKeySource.fromSecretArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:gw-AbCdEf'), variable: 'API_KEY_SECRET_ARN' },
  { name: 'SSM parameter', source: () => ApiKeySource.fromSsmParameterName('/gateway/api-key'), variable: 'API_KEY_PARAM_NAME' },
  { name: 'secret ARN with field', source: () => ApiKeySource.fromSecretArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:gw-AbCdEf', 'token'), variable: 'API_KEY_SECRET_FIELD' },
];

/** Every compute × VPC × scheme × protocol combination; the key sources take turns so each meets each compute. */
const COMBINATIONS = ['lambda', 'fargate'].flatMap((compute) => ['new', 'existing'].flatMap((vpc) => [true, false].flatMap((internetFacing) =>
  [false, true].map((https) => ({ compute, vpc, internetFacing, https })))))
  .map((combination, i) => ({ ...combination, key: KEY_SOURCES[i % KEY_SOURCES.length] }));

/** Names of the environment variables handed to the proxy. */
function proxyVariables(template: Template, compute: string): string[] {
  if (compute === 'lambda') {
    return Object.keys(Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables);
  }
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  return task.Properties.ContainerDefinitions[0].Environment.map((variable: { Name: string }) => variable.Name);
}

describe('BedrockAccessGateway prop combinations', () => {
  const synthClean = useSynthChecks();

  test.each(COMBINATIONS.map((c) => [
    `${c.compute}, ${c.vpc} VPC, ${c.internetFacing ? 'internet-facing' : 'internal'}, ${c.https ? 'HTTPS' : 'HTTP'}, ${c.key.name}`, c,
  ] as const))('%s: cdk-nag and cfn-lint clean, with the right resources', (_, c) => {
    // GIVEN
    const stack = newStack();
    const vpc = c.vpc === 'existing' ? existingVpc(stack) : undefined;
    const certificate = c.https
      ? acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555')
      : undefined;
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      vpc,
      certificate,
      internetFacing: c.internetFacing,
      apiKey: c.key.source(),
      compute: c.compute === 'lambda' ? GatewayCompute.lambda() : GatewayCompute.fargate(),
    });
    // THEN (synthClean asserts no cdk-nag finding and queues the template for cfn-lint)
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::VPC', c.vpc === 'new' ? 1 : 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', c.vpc === 'new' ? 1 : 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: c.internetFacing ? 'internet-facing' : 'internal' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: c.https ? 'HTTPS' : 'HTTP', Port: c.https ? 443 : 80 });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', c.https ? 2 : 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: c.compute === 'lambda' ? 'lambda' : 'ip' });
    template.resourceCountIs('AWS::Lambda::Function', c.compute === 'lambda' ? 1 : 0);
    template.resourceCountIs('AWS::ECS::Service', c.compute === 'fargate' ? 1 : 0);
    template.hasOutput('*', { Value: { 'Fn::Join': ['', [c.https ? 'https://' : 'http://', Match.anyValue(), '/api/v1']] } });
    expect(proxyVariables(template, c.compute)).toContain(c.key.variable);
  });
});
