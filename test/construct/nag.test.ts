import { Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { nagFindings, newStack } from './support';
import {
  BedrockAccessGateway, GatewayAccessLogs, GatewayCompute, GatewayEncryption, GatewayVpcEndpoints, GatewayWebAcl,
} from '../../src';

/** Every acknowledgement recorded under `scope` of the given pack, as "rule id at construct path" with its reason. */
function acknowledgements(scope: IConstruct, pack = 'AwsSolutions'): { at: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) => construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>)
      .map(([id, reason]) => ({ at: `${id.replace(/^annotation::/i, '')} at ${construct.node.path}`, reason }))))
    .filter((acknowledgement) => acknowledgement.at.startsWith(`${pack}-`));
}

/** The compliance packs' acknowledgements as "rule at path", each rule given for both packs. */
function inBothPacks(rules: string[]): string[] {
  return ['NIST.800.53.R5', 'HIPAA.Security'].flatMap((pack) => rules.map((rule) => `${pack}-${rule}`)).sort();
}

/** The compliance packs' acknowledgements recorded under `scope`, sorted. */
function complianceAcknowledgements(scope: IConstruct): string[] {
  const recorded = [...acknowledgements(scope, 'NIST.800.53.R5'), ...acknowledgements(scope, 'HIPAA.Security')];
  for (const { reason } of recorded) expect(reason.length).toBeGreaterThan(40);
  return recorded.map((a) => a.at).sort();
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

  test('with default props the compliance packs\' findings are acknowledged, each naming the prop that would fix it', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    expect(complianceAcknowledgements(stack)).toEqual(inBothPacks([
      'ALBHttpToHttpsRedirection at Stack/Gateway/LoadBalancer/LoadBalancer',
      'ALBWAFEnabled at Stack/Gateway/LoadBalancer/LoadBalancer',
      'CloudWatchAlarmAction at Stack/Gateway',
      'CloudWatchLogGroupEncrypted at Stack/Gateway',
      'DynamoDBInBackupPlan at Stack/Gateway',
      'ELBDeletionProtectionEnabled at Stack/Gateway/LoadBalancer/LoadBalancer',
      'ELBLoggingEnabled at Stack/Gateway/LoadBalancer/LoadBalancer',
      'ELBv2ACMCertificateRequired at Stack/Gateway/LoadBalancer/LoadBalancer',
      'IAMNoInlinePolicy at Stack/Gateway',
      'LambdaConcurrency at Stack/Gateway/Lambda/Function',
      'LambdaDLQ at Stack/Gateway/Lambda/Function',
      'LambdaInsideVPC at Stack/Gateway/Lambda/Function',
      'SecretsManagerRotationEnabled at Stack/Gateway/ApiKeySecret',
      'SecretsManagerUsingKMSKey at Stack/Gateway',
      'VPCDefaultSecurityGroupClosed at Stack/Gateway/Vpc',
      'VPCNoUnrestrictedRouteToIGW at Stack/Gateway/Vpc',
    ]));
    expect(nagFindings(stack)).toEqual([]);
  });

  test('with every hardening prop only the findings that hold by design remain acknowledged', () => {
    // GIVEN
    const stack = newStack({ account: '123456789012', region: 'us-east-1' });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      internetFacing: false,
      vpcEndpoints: GatewayVpcEndpoints.create(),
      compute: GatewayCompute.lambda({ reservedConcurrentExecutions: 20 }),
      encryption: GatewayEncryption.customerManagedKey(),
      accessLogs: GatewayAccessLogs.toNewBucket(),
      webAcl: GatewayWebAcl.create({ rateLimitPerIp: 3000 }),
      deletionProtection: true,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555'),
      domainName: 'gateway.example.com',
    });
    // THEN
    expect(complianceAcknowledgements(stack)).toEqual(inBothPacks([
      'CloudWatchAlarmAction at Stack/Gateway',
      'DynamoDBInBackupPlan at Stack/Gateway',
      'ELBv2ACMCertificateRequired at Stack/Gateway/LoadBalancer/LoadBalancer',
      'IAMNoInlinePolicy at Stack/Gateway',
      'LambdaDLQ at Stack/Gateway/Lambda/Function',
      'S3BucketLoggingEnabled at Stack/Gateway/AccessLogsBucket',
      'S3BucketReplicationEnabled at Stack/Gateway/AccessLogsBucket',
      'S3DefaultEncryptionKMS at Stack/Gateway/AccessLogsBucket',
      'SecretsManagerRotationEnabled at Stack/Gateway/ApiKeySecret',
      'VPCDefaultSecurityGroupClosed at Stack/Gateway/Vpc',
    ]));
    expect(nagFindings(stack)).toEqual([]);
  });
});
