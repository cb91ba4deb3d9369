import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, test } from 'vitest';
import { existingVpc, newStack, proxyRoleStatements, SUBNETS, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute } from '../../src';

describe('BedrockAccessGateway with Lambda compute', () => {
  const synthClean = useSynthChecks();

  test('the defaults build an arm64 Node.js 24 function behind the load balancer', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 600,
      LoggingConfig: { LogGroup: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'lambda' });
    template.resourceCountIs('AWS::ECS::Service', 0);
  });

  test('the function writes only to its own log group, kept for the given retention', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { logRetention: logs.RetentionDays.ONE_WEEK });
    // THEN
    const template = synthClean(stack);
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.values(logGroups).map((r) => r.Properties.RetentionInDays)).toEqual([7, 7]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('memory, timeout and reserved concurrency are settable', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      compute: GatewayCompute.lambda({ memorySize: 2048, timeout: Duration.minutes(5), reservedConcurrentExecutions: 20 }),
    });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048, Timeout: 300, ReservedConcurrentExecutions: 20 });
  });

  test('the function runs outside the VPC: the load balancer invokes it through the Lambda API', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'elasticloadbalancing.amazonaws.com',
    });
    expect(gateway.function).toBeDefined();
    expect(gateway.service).toBeUndefined();
    expect(gateway.grantPrincipal).toBe(gateway.function!.role);
  });

  test('computeSubnets puts the function in private subnets with inline network-interface permissions', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc: existingVpc(stack), computeSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: SUBNETS.private, SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayLambdaFunctionSecurityGroup'), 'GroupId'] }] },
    });
    expect(proxyRoleStatements(template)).toContainEqual({
      Action: [
        'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
      ],
      Effect: 'Allow',
      Resource: '*',
      Sid: 'ManageVpcNetworkInterfaces',
    });
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('computeSubnets of public subnets fails for Lambda, naming the prop and the fix', () => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { computeSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(
      'computeSubnets: a Lambda function gets no public IP, so in public subnets it cannot reach Bedrock; received subnetType Public; '
      + 'choose private subnets with a NAT gateway or VPC endpoints, or omit computeSubnets to run the function outside the VPC');
  });

  test.each([
    [{ memorySize: 64 }, 'compute: GatewayCompute.lambda({ memorySize }) must be an integer from 128 to 10240 MiB; received 64; pick a memory size in that range, e.g. 1024'],
    [{ reservedConcurrentExecutions: 0 }, 'compute: GatewayCompute.lambda({ reservedConcurrentExecutions }) must be a positive integer; received 0; omit it to use unreserved concurrency or reserve at least 1'],
    [{ timeout: Duration.minutes(16) }, 'compute: GatewayCompute.lambda({ timeout }) must be from 1 second to 15 minutes; received 960 seconds; pick a timeout in that range, e.g. Duration.minutes(10)'],
  ])('invalid options %o fail at construction', (options, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { compute: GatewayCompute.lambda(options) })).toThrow(message);
  });
});
