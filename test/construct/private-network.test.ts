import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, test } from 'vitest';
import { existingVpc, newStack, ROUTE_TABLES, SUBNETS, useSynthChecks } from './support';
import { ApiKeySource, BedrockAccessGateway, GatewayCompute, GatewayVpcEndpoints } from '../../src';

/** The services of the VPC endpoints in the template, as "<service> (<type>)", sorted. */
function endpointServices(template: Template): string[] {
  return Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((endpoint) => {
    const [, parts] = endpoint.Properties.ServiceName['Fn::Join'];
    return `${String(parts[parts.length - 1]).replace(/^\./, '')} (${endpoint.Properties.VpcEndpointType})`;
  }).sort();
}

/** Logical id of the only resource of `type` whose logical id starts with `prefix`. */
function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('BedrockAccessGateway in private-only networks', () => {
  const synthClean = useSynthChecks();

  test('an internal Lambda gateway with created endpoints gets a VPC without internet gateway, NAT or public subnet', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { internetFacing: false, vpcEndpoints: GatewayVpcEndpoints.create() });
    // THEN
    const template = synthClean(stack);
    for (const type of ['AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::Route']) {
      template.resourceCountIs(type, 0);
    }
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SubnetIds: [{ Ref: Match.stringLikeRegexp('^GatewayVpcComputeSubnet1') }, { Ref: Match.stringLikeRegexp('^GatewayVpcComputeSubnet2') }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayLambdaFunctionSecurityGroup'), 'GroupId'] }],
      },
    });
    expect(endpointServices(template)).toEqual([
      'bedrock (Interface)', 'bedrock-runtime (Interface)', 'dynamodb (Gateway)', 's3 (Gateway)', 'secretsmanager (Interface)',
    ]);
    template.allResourcesProperties('AWS::EC2::VPCEndpoint', Match.objectLike({ VpcId: { Ref: Match.stringLikeRegexp('^GatewayVpc') } }));
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^GatewayVpcComputeSubnet1') }, { Ref: Match.stringLikeRegexp('^GatewayVpcComputeSubnet2') }],
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayEndpointSecurityGroup'), 'GroupId'] }],
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      RouteTableIds: [
        { Ref: Match.stringLikeRegexp('^GatewayVpcComputeSubnet1RouteTable') },
        { Ref: Match.stringLikeRegexp('^GatewayVpcComputeSubnet2RouteTable') },
      ],
    });
    // The endpoints admit the function's security group on 443, and nothing else.
    const endpointGroup = logicalId(template, 'AWS::EC2::SecurityGroup', 'GatewayEndpointSecurityGroup');
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Bedrock Access Gateway VPC endpoints: HTTPS from the proxy only',
      SecurityGroupIngress: Match.absent(),
    });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((rule) => JSON.stringify(rule.Properties.GroupId).includes(endpointGroup));
    expect(ingress.map((rule) => rule.Properties)).toEqual([expect.objectContaining({
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'GatewayLambdaFunctionSecurityGroup'), 'GroupId'] },
    })]);
  });

  test('Fargate with the key in SSM gets endpoints for SSM, ECR and CloudWatch Logs, and no public IP', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      internetFacing: false,
      vpcEndpoints: GatewayVpcEndpoints.create(),
      compute: GatewayCompute.fargate(),
      apiKey: ApiKeySource.fromSsmParameterName('/gateway/api-key'),
    });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    expect(endpointServices(template)).toEqual([
      'bedrock (Interface)', 'bedrock-runtime (Interface)', 'dynamodb (Gateway)', 'ecr.api (Interface)', 'ecr.dkr (Interface)',
      'logs (Interface)', 's3 (Gateway)', 'ssm (Interface)',
    ]);
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({
          AssignPublicIp: 'DISABLED',
          Subnets: [{ Ref: Match.stringLikeRegexp('^GatewayVpcComputeSubnet1') }, { Ref: Match.stringLikeRegexp('^GatewayVpcComputeSubnet2') }],
        }),
      },
    });
  });

  test('an internet-facing gateway with endpoints keeps public subnets for the load balancer only', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpcEndpoints: GatewayVpcEndpoints.create(), compute: GatewayCompute.fargate() });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Subnets: [{ Ref: Match.stringLikeRegexp('^GatewayVpcPublicSubnet1') }, { Ref: Match.stringLikeRegexp('^GatewayVpcPublicSubnet2') }],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  test.each([
    ['Lambda', GatewayCompute.lambda()],
    ['Fargate', GatewayCompute.fargate()],
  ])('an existing VPC of isolated subnets only: %s behind an internal load balancer by default, no scheme to set', (name, compute) => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack, { public: false, isolated: true });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc, compute });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Subnets: SUBNETS.isolated });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    if (name === 'Fargate') {
      template.hasResourceProperties('AWS::ECS::Service', {
        NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED', Subnets: SUBNETS.isolated }) },
      });
    }
  });

  test('created endpoints in an existing isolated VPC route the S3 and DynamoDB gateway endpoints through its route tables', () => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack, { public: false, isolated: true, routeTables: true });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc, vpcEndpoints: GatewayVpcEndpoints.create() });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.objectLike({ SubnetIds: SUBNETS.isolated }) });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ROUTE_TABLES.isolated });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', SubnetIds: SUBNETS.isolated, VpcId: 'vpc-0123456789abcdef0' });
  });

  test('existing endpoints admit the proxy on port 443 and none are created', () => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack, { public: false, isolated: true });
    const bedrock = ec2.InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(stack, 'BedrockRuntime', {
      vpcEndpointId: 'vpce-0123456789abcdef0',
      port: 443,
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'EndpointGroup', 'sg-0123456789abcdef0')],
    });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { vpc, compute: GatewayCompute.fargate(), vpcEndpoints: GatewayVpcEndpoints.fromExisting([bedrock]) });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0',
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayFargateServiceSecurityGroup'), 'GroupId'] },
    });
  });

  test.each([
    ['internet-facing in a VPC without public subnets', (vpc: ec2.IVpc) => ({ vpc, internetFacing: true }),
      'internetFacing: an internet-facing load balancer needs public subnets, and the given VPC has none; received true; '
      + 'set internetFacing to false (or omit it) for an internal load balancer in the private or isolated subnets'],
    ['computeSubnets of a type the VPC lacks', (vpc: ec2.IVpc) => ({ vpc, computeSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }),
      'computeSubnets: selects no subnet of the VPC; '
      + 'received subnetType Private; choose one of the subnet types the VPC has: SubnetType.PRIVATE_ISOLATED'],
    ['loadBalancerSubnets naming a group the VPC lacks', (vpc: ec2.IVpc) => ({ vpc, loadBalancerSubnets: { subnetGroupName: 'Edge' } }),
      'loadBalancerSubnets: selects no subnet of the VPC; '
      + 'received subnetGroupName "Edge"; choose one of the subnet types the VPC has: SubnetType.PRIVATE_ISOLATED'],
    ['created endpoints where the route tables are unknown', (vpc: ec2.IVpc) => ({ vpc, vpcEndpoints: GatewayVpcEndpoints.create() }),
      'vpcEndpoints: the S3 and DynamoDB gateway endpoints need the route tables of the compute subnets, and the VPC does not name them; '
      + `received ${SUBNETS.isolated.join(', ')}; import the VPC with its route table ids (e.g. isolatedSubnetRouteTableIds in Vpc.fromVpcAttributes, or Vpc.fromLookup)`],
    ['no existing endpoints', (vpc: ec2.IVpc) => ({ vpc, vpcEndpoints: GatewayVpcEndpoints.fromExisting([]) }),
      'vpcEndpoints: GatewayVpcEndpoints.fromExisting() needs the interface endpoints the proxy uses; received []; list the endpoints, or use GatewayVpcEndpoints.create()'],
  ])('%s fails, naming the prop and the fix', (_, props, message) => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack, { public: false, isolated: true });
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', props(vpc))).toThrow(message);
  });

  test('endpoints in a VPC of public subnets only fail, naming the prop and the fix', () => {
    // GIVEN
    const stack = newStack();
    const vpc = existingVpc(stack, {});
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { vpc, vpcEndpoints: GatewayVpcEndpoints.create() })).toThrow(
      'vpcEndpoints: compute that reaches AWS through VPC endpoints needs private or isolated subnets, and the given VPC has none; '
      + 'received GatewayVpcEndpoints.create() with a VPC of public subnets only; pass a VPC with private or isolated subnets, or computeSubnets');
  });
});
