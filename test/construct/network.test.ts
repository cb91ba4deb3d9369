import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, test } from 'vitest';
import { existingVpc, newStack, SUBNETS, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute } from '../../src';

const VPC_PLUMBING = [
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::NatGateway', 'AWS::EC2::Route', 'AWS::EC2::RouteTable', 'AWS::EC2::FlowLog',
];

describe('BedrockAccessGateway networking', () => {
  const synthClean = useSynthChecks();

  test('without a VPC it creates one: 2 AZs, public subnets that assign no address at launch, no NAT gateway, flow logs to CloudWatch', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    template.hasResourceProperties('AWS::EC2::Route', { DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: Match.stringLikeRegexp('^GatewayVpcIGW') } });
    template.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 'cloud-watch-logs', TrafficType: 'ALL' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    expect(gateway.vpc).toBeInstanceOf(ec2.Vpc);
  });

  test('an internal load balancer in a new VPC gets isolated subnets of its own', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { internetFacing: false });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Subnets: [
        { Ref: Match.stringLikeRegexp('^GatewayVpcLoadBalancerSubnet1') },
        { Ref: Match.stringLikeRegexp('^GatewayVpcLoadBalancerSubnet2') },
      ],
    });
  });

  test.each([
    ['Lambda', GatewayCompute.lambda()],
    ['Fargate', GatewayCompute.fargate()],
  ])('with an existing VPC and %s compute it creates no VPC, subnet, gateway, NAT or route', (_, compute) => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack);
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc, compute });
    // THEN
    const template = synthClean(stack);
    for (const type of VPC_PLUMBING) template.resourceCountIs(type, 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing', Subnets: SUBNETS.public });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0123456789abcdef0' });
  });

  test('an internal load balancer goes to the private subnets of an existing VPC', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc: existingVpc(stack), internetFacing: false });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Subnets: SUBNETS.private });
  });

  test('an internal load balancer goes to isolated subnets when the VPC has no private ones', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc: existingVpc(stack, { isolated: true }), internetFacing: false });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Subnets: SUBNETS.isolated });
  });

  test('loadBalancerSubnets chooses the subnets of the load balancer', () => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack, { private: true, isolated: true });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      vpc,
      internetFacing: false,
      loadBalancerSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Subnets: SUBNETS.isolated });
  });

  test('an internet-facing load balancer in private subnets fails, naming the prop and the fix', () => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack);
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { vpc, loadBalancerSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } })).toThrow(
      'loadBalancerSubnets: an internet-facing load balancer needs public subnets; received subnetType Private; choose SubnetType.PUBLIC or set internetFacing to false');
  });

  test('an internal load balancer in a VPC with only public subnets fails, naming the prop and the fix', () => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack, {});
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { vpc, internetFacing: false })).toThrow(
      'internetFacing: an internal load balancer needs private or isolated subnets, and the given VPC has none; '
      + 'received false with a VPC of public subnets only; '
      + 'pass loadBalancerSubnets, or a VPC with private subnets, or set internetFacing to true');
  });
});
