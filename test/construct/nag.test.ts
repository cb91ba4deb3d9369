import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { nagFindings, newStack } from './support';
import { BedrockAccessGateway, GatewayCompute } from '../../src';

/** Every acknowledgement recorded under `scope`, as "rule id at construct path" with its reason. */
function acknowledgements(scope: IConstruct): { at: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) => construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>)
      .map(([id, reason]) => ({ at: `${id.replace(/^annotation::/i, '')} at ${construct.node.path}`, reason }))));
}

describe('cdk-nag acknowledgements', () => {
  test.each([
    ['Lambda', GatewayCompute.lambda(), [
      'AwsSolutions-SMG4 at Stack/Gateway/ApiKeySecret',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/*] at Stack/Gateway/Lambda/Role',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:::foundation-model/*] at Stack/Gateway/Lambda/Role',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/*] at Stack/Gateway/Lambda/Role',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:application-inference-profile/*] at Stack/Gateway/Lambda/Role',
      'AwsSolutions-IAM5[Resource::*] at Stack/Gateway/Lambda/Role',
      'AwsSolutions-ELB2 at Stack/Gateway/LoadBalancer/LoadBalancer',
      'AwsSolutions-EC23 at Stack/Gateway/LoadBalancer/SecurityGroup',
    ]],
    ['Fargate', GatewayCompute.fargate(), [
      'AwsSolutions-SMG4 at Stack/Gateway/ApiKeySecret',
      'AwsSolutions-IAM5[Resource::*] at Stack/Gateway/Fargate/TaskDefinition/ExecutionRole',
      'AwsSolutions-ECS2 at Stack/Gateway/Fargate/TaskDefinition',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/*] at Stack/Gateway/Fargate/TaskDefinition/TaskRole',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:::foundation-model/*] at Stack/Gateway/Fargate/TaskDefinition/TaskRole',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/*] at Stack/Gateway/Fargate/TaskDefinition/TaskRole',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:application-inference-profile/*] at Stack/Gateway/Fargate/TaskDefinition/TaskRole',
      'AwsSolutions-IAM5[Resource::*] at Stack/Gateway/Fargate/TaskDefinition/TaskRole',
      'AwsSolutions-ELB2 at Stack/Gateway/LoadBalancer/LoadBalancer',
      'AwsSolutions-EC23 at Stack/Gateway/LoadBalancer/SecurityGroup',
    ]],
  ])('with %s compute the gateway acknowledges exactly these findings, each on its own construct, each with a reason', (_, compute, expected) => {
    // GIVEN
    const stack: Stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { compute });
    // THEN
    const recorded = acknowledgements(stack);
    expect(recorded.map((a) => a.at).sort()).toEqual([...expected].sort());
    for (const { reason } of recorded) expect(reason.length).toBeGreaterThan(40);
  });

  test('with plain allowed model ids and literal ingress peers only the unavoidable wildcards remain acknowledged', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      allowedModels: ['amazon.nova-pro-v1:0', 'amazon.titan-embed-text-v2:0'],
      defaultModel: 'amazon.nova-pro-v1:0',
      ingressPeers: [ec2.Peer.ipv4('10.0.0.0/8')],
    });
    // THEN
    expect(acknowledgements(stack).map((a) => a.at).sort()).toEqual([
      'AwsSolutions-ELB2 at Stack/Gateway/LoadBalancer/LoadBalancer',
      'AwsSolutions-IAM5[Resource::*] at Stack/Gateway/Lambda/Role',
      'AwsSolutions-SMG4 at Stack/Gateway/ApiKeySecret',
    ]);
    expect(nagFindings(stack)).toEqual([]);
  });
});
