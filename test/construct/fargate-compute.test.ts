import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { describe, expect, test } from 'vitest';
import { existingVpc, newStack, SUBNETS, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute } from '../../src';

describe('BedrockAccessGateway with Fargate compute', () => {
  const synthClean = useSynthChecks();

  test('the defaults build an arm64 task behind the load balancer with a /health check', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { compute: GatewayCompute.fargate() });
    // THEN
    expect(gateway.service).toBeDefined();
    expect(gateway.function).toBeUndefined();
    expect(gateway.grantPrincipal).toBe(gateway.service!.taskDefinition.taskRole);
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '512',
      Memory: '1024',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [Match.objectLike({
        PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
        Environment: Match.arrayWith([{ Name: 'PORT', Value: '8080' }]),
        LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        // The default image is the bundled proxy, staged as a container asset (no Docker at synth).
        Image: { 'Fn::Sub': Match.stringLikeRegexp('container-assets') },
      })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 8080,
      HealthCheckPath: '/health',
    });
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('in a new VPC the tasks sit in public subnets with a public IP, reachable only from the load balancer', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { compute: GatewayCompute.fargate() });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
    });
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080,
      ToPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayLoadBalancerSecurityGroup'), 'GroupId'] },
    });
  });

  test('in private subnets of an existing VPC the tasks get no public IP', () => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack);
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc, compute: GatewayCompute.fargate() });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED', Subnets: SUBNETS.private }),
      },
    });
  });

  test('computeSubnets chooses the subnets of the tasks', () => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack);
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      vpc,
      compute: GatewayCompute.fargate(),
      computeSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED', Subnets: SUBNETS.public }),
      },
    });
  });

  test('size, port, capacity and scaling targets are settable', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      compute: GatewayCompute.fargate({
        cpu: 1024,
        memoryLimitMiB: 4096,
        containerPort: 3000,
        minCapacity: 2,
        maxCapacity: 10,
        desiredCount: 3,
        targetCpuUtilizationPercent: 50,
        requestsPerTarget: 1000,
      }),
    });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '1024',
      Memory: '4096',
      ContainerDefinitions: [Match.objectLike({
        PortMappings: [{ ContainerPort: 3000, Protocol: 'tcp' }],
        Environment: Match.arrayWith([{ Name: 'PORT', Value: '3000' }]),
      })],
    });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 50,
      }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
        TargetValue: 1000,
      }),
    });
  });

  test('a user-supplied image replaces the bundled one', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      compute: GatewayCompute.fargate({ image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/gateway:1.0') }),
    });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Image: 'public.ecr.aws/example/gateway:1.0' })],
    });
  });

  test.each([
    [{ cpu: 300 }, 'compute: GatewayCompute.fargate({ cpu }) must be 256, 512, 1024, 2048, 4096, 8192 or 16384; received 300; pick one of those vCPU units, e.g. 512'],
    [{ cpu: 256, memoryLimitMiB: 4096 }, 'compute: GatewayCompute.fargate({ memoryLimitMiB }) must be 512 to 2048 in steps of 512 for cpu 256; received 4096; pick a memory size Fargate supports for that cpu'],
    [{ cpu: 1024, memoryLimitMiB: 2500 }, 'compute: GatewayCompute.fargate({ memoryLimitMiB }) must be 2048 to 8192 in steps of 1024 for cpu 1024; received 2500; pick a memory size Fargate supports for that cpu'],
    [{ containerPort: 0 }, 'compute: GatewayCompute.fargate({ containerPort }) must be an integer from 1 to 65535; received 0; use the port the proxy listens on, e.g. 8080'],
    [{ minCapacity: 3, maxCapacity: 2 }, 'compute: GatewayCompute.fargate({ minCapacity, maxCapacity }) must be integers with 1 <= minCapacity <= maxCapacity; received minCapacity 3, maxCapacity 2; raise maxCapacity or lower minCapacity'],
    [{ desiredCount: 9 }, 'compute: GatewayCompute.fargate({ desiredCount }) must lie between minCapacity and maxCapacity; received desiredCount 9 with 1..4; omit desiredCount to start with minCapacity tasks'],
  ])('invalid options %o fail at construction', (options, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { compute: GatewayCompute.fargate(options) })).toThrow(message);
  });
});
