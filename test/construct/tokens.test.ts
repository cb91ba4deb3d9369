import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { describe, expect, test } from 'vitest';
import { newStack, useSynthChecks } from './support';
import { ApiKeySource, BedrockAccessGateway, GatewayCompute } from '../../src';

/** A VPC from parameters, as a one-click template builds it: the id plus two subnet ids per tier. */
function vpcFromParameters(stack: Stack): ec2.IVpc {
  const vpcId = new CfnParameter(stack, 'VpcId', { type: 'AWS::EC2::VPC::Id' });
  const subnets = (name: string) => Fn.split(',', Fn.join(',', new CfnParameter(stack, name, { type: 'List<AWS::EC2::Subnet::Id>' }).valueAsList), 2);
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: vpcId.valueAsString,
    availabilityZones: [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())],
    publicSubnetIds: subnets('PublicSubnetIds'),
    privateSubnetIds: subnets('PrivateSubnetIds'),
  });
}

function stringParameter(stack: Stack, name: string): string {
  return new CfnParameter(stack, name, { type: 'String' }).valueAsString;
}

describe('BedrockAccessGateway with CloudFormation parameters for its settings', () => {
  const synthClean = useSynthChecks();

  test('Lambda behind HTTPS: secret ARN, models, ingress CIDR and certificate ARN from parameters', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', {
      apiKey: ApiKeySource.fromSecretArn(stringParameter(stack, 'ApiKeySecretArn')),
      defaultModel: stringParameter(stack, 'DefaultModel'),
      defaultEmbeddingModel: stringParameter(stack, 'DefaultEmbeddingModel'),
      ingressPeers: [ec2.Peer.ipv4(stringParameter(stack, 'IngressCidr'))],
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', stringParameter(stack, 'CertificateArn')),
    });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          API_KEY_SECRET_ARN: { Ref: 'ApiKeySecretArn' },
          DEFAULT_MODEL: { Ref: 'DefaultModel' },
          DEFAULT_EMBEDDING_MODEL: { Ref: 'DefaultEmbeddingModel' },
        },
      },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: { Ref: 'IngressCidr' }, FromPort: 80 }),
        Match.objectLike({ CidrIp: { Ref: 'IngressCidr' }, FromPort: 443 }),
      ],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Certificates: [{ CertificateArn: { Ref: 'CertificateArn' } }] });
    expect(gateway.apiKeySecret).toBeDefined();
  });

  test('Fargate in an existing VPC from parameters, SSM key name and image URI from parameters', () => {
    // GIVEN
    const stack = newStack();
    const vpc = vpcFromParameters(stack);
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', {
      vpc,
      internetFacing: false,
      apiKey: ApiKeySource.fromSsmParameterName(stringParameter(stack, 'ApiKeyParameterName')),
      compute: GatewayCompute.fargate({ image: ecs.ContainerImage.fromRegistry(stringParameter(stack, 'ImageUri')) }),
    });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Subnets: [
        { 'Fn::Select': [0, { 'Fn::Split': [',', { 'Fn::Join': [',', { Ref: 'PrivateSubnetIds' }] }] }] },
        { 'Fn::Select': [1, { 'Fn::Split': [',', { 'Fn::Join': [',', { Ref: 'PrivateSubnetIds' }] }] }] },
      ],
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Image: { Ref: 'ImageUri' },
        Environment: Match.arrayWith([{ Name: 'API_KEY_PARAM_NAME', Value: { Ref: 'ApiKeyParameterName' } }]),
      })],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    expect(stack.resolve(gateway.apiKeyParameterName)).toEqual({ Ref: 'ApiKeyParameterName' });
  });
});
