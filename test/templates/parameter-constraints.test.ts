import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CfnParameterJson, synthesizeToTempDir, SynthesizedTemplates } from './support';
import { TEMPLATE_VARIANTS } from '../../templates/variants';

/*
 * CloudFormation checks String parameters before it creates anything: AllowedValues, AllowedPattern
 * (the whole value must match), MinLength and MaxLength, and answers with the ConstraintDescription.
 * moto_server does not check constraints at all (create-stack accepts any value), so these tests
 * evaluate the templates' own constraints the way CloudFormation does.
 */
function cloudFormationRefusal(name: string, parameter: CfnParameterJson, value: string): string | undefined {
  const failed = `Parameter ${name} failed to satisfy constraint: `;
  if (parameter.AllowedValues && !parameter.AllowedValues.includes(value)) {
    return `Parameter '${name}' must be one of AllowedValues`;
  }
  if (parameter.MinLength !== undefined && value.length < parameter.MinLength) return failed + (parameter.ConstraintDescription ?? 'too short');
  if (parameter.MaxLength !== undefined && value.length > parameter.MaxLength) return failed + (parameter.ConstraintDescription ?? 'too long');
  if (parameter.AllowedPattern && !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(value)) {
    return failed + (parameter.ConstraintDescription ?? `must match ${parameter.AllowedPattern}`);
  }
  return undefined;
}

const CASES: { [parameter: string]: { good: string[]; bad: string[] } } = {
  ApiKeySecretArn: {
    good: [
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:bedrock-gateway-key-AbCdEf',
      'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:team/gateway/key-a1B2c3',
    ],
    bad: [
      '',
      'bedrock-gateway-key',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:bedrock-gateway-key',
      'arn:aws:ssm:us-east-1:123456789012:parameter/bedrock-gateway/key',
      'arn:aws:secretsmanager:us-east-1:1234:secret:key-AbCdEf',
    ],
  },
  KeysDocumentSecretArn: {
    good: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:bedrock-gateway-keys-AbCdEf'],
    bad: ['', 'bedrock-gateway-keys', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bedrock-gateway-keys'],
  },
  KeySecretsNamePrefix: {
    good: ['bedrock-gateway/keys/', 'team-', 'a'],
    bad: ['', '/', '/bedrock-gateway/keys/', 'keys*', 'my keys/'],
  },
  ApiKeyParameterName: {
    good: ['/bedrock-gateway/api-key', 'BedrockGatewayApiKey', 'team.gateway_key-1'],
    bad: ['', '/bedrock-gateway/', 'bedrock gateway key', '//double', 'arn:aws:ssm:us-east-1:123456789012:parameter/key', 'key$'],
  },
  DefaultModel: {
    good: [
      'anthropic.claude-3-sonnet-20240229-v1:0',
      'us.anthropic.claude-sonnet-4-20250514-v1:0',
      'global.anthropic.claude-sonnet-4-6',
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6',
    ],
    bad: ['', ' ', ' anthropic.claude-3-sonnet-20240229-v1:0', 'claude sonnet', '-leading-dash'],
  },
  DefaultEmbeddingModel: {
    good: ['cohere.embed-multilingual-v3', 'amazon.titan-embed-text-v2:0'],
    bad: ['', 'cohere embed', '\t'],
  },
  LoadBalancerScheme: {
    good: ['internet-facing', 'internal'],
    bad: ['', 'public', 'Internal'],
  },
  AllowedIngressCidr: {
    good: ['0.0.0.0/0', '10.0.0.0/8', '203.0.113.7/32', '192.168.1.0/24'],
    bad: ['', '10.0.0.0', '10.0.0.256/8', '10.0.0.0/33', '10.0.0/8', 'any', '::/0', '10.0.0.0/8,192.168.0.0/16'],
  },
  CertificateArn: {
    good: ['', 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789'],
    bad: ['arn:aws:iam::123456789012:server-certificate/gateway', 'not-an-arn', 'arn:aws:acm:eu-west-1:123:certificate/x'],
  },
  AssignPublicIp: {
    good: ['ENABLED', 'DISABLED'],
    bad: ['', 'true', 'enabled'],
  },
  ContainerImageUri: {
    good: [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/bedrock-access-gateway:1.0.0',
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/bedrock-access-gateway@sha256:${'a'.repeat(64)}`,
      'public.ecr.aws/example/bedrock-access-gateway:latest',
      'registry.example.com:5000/team/gateway:v2',
    ],
    bad: ['', 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/gateway:1', 'Gateway:1', 'gateway:1 latest', 'gateway@sha256:abc'],
  },
  AssetBucketPrefix: {
    good: ['bedrock-access-gateway-assets', 'my.company-gateway'],
    bad: ['', 'ab', 'Bedrock-Assets', 'assets-', 'a'.repeat(49), 'under_score'],
  },
};

let synthesized: SynthesizedTemplates;
beforeAll(() => { synthesized = synthesizeToTempDir(); });
afterAll(() => synthesized?.remove());

/** Every template's declaration of the parameter, with the template's name. */
function declarations(parameter: string): Array<[string, CfnParameterJson]> {
  return TEMPLATE_VARIANTS
    .map((v) => [v.name, synthesized.template(v.name).Parameters[parameter]] as [string, CfnParameterJson])
    .filter(([, declared]) => declared !== undefined);
}

describe.each(Object.entries(CASES))('%s', (parameter, { good, bad }) => {
  test('accepts well-formed values', () => {
    const declared = declarations(parameter);
    expect(declared.length).toBeGreaterThan(0);
    for (const [template, declaration] of declared) {
      for (const value of good) expect(cloudFormationRefusal(parameter, declaration, value), `${template}: "${value}"`).toBeUndefined();
    }
  });

  test('refuses malformed values with a message that says what is expected', () => {
    for (const [template, declaration] of declarations(parameter)) {
      for (const value of bad) {
        const refusal = cloudFormationRefusal(parameter, declaration, value);
        expect(refusal, `${template}: "${value}" was accepted`).toBeDefined();
        expect(refusal).toMatch(declaration.AllowedValues ? /must be one of AllowedValues/ : /failed to satisfy constraint: must be .{20,}/);
      }
    }
  });
});

test('the default of every constrained parameter satisfies its own constraint', () => {
  for (const variant of TEMPLATE_VARIANTS) {
    for (const [name, declaration] of Object.entries(synthesized.template(variant.name).Parameters)) {
      if (declaration.Default !== undefined) expect(cloudFormationRefusal(name, declaration, declaration.Default), `${variant.name} ${name}`).toBeUndefined();
    }
  }
});

test('VPC and subnet ids are typed, so CloudFormation refuses ids that are malformed or not in the account, and a rule keeps subnets in the VPC', () => {
  for (const variant of TEMPLATE_VARIANTS.filter((v) => v.network === 'existing-vpc')) {
    const template = synthesized.template(variant.name);
    expect(template.Parameters.VpcId.Type).toBe('AWS::EC2::VPC::Id');
    expect(template.Parameters.LoadBalancerSubnetIds.Type).toBe('List<AWS::EC2::Subnet::Id>');
    if (variant.compute === 'fargate') expect(template.Parameters.ComputeSubnetIds.Type).toBe('List<AWS::EC2::Subnet::Id>');
    expect(template.Rules).toEqual({
      SubnetsInVpc: {
        Assertions: [{
          Assert: { 'Fn::EachMemberEquals': [{ 'Fn::ValueOfAll': ['AWS::EC2::Subnet::Id', 'VpcId'] }, { Ref: 'VpcId' }] },
          AssertDescription: 'All load balancer and task subnets must belong to the chosen VPC.',
        }],
      },
    });
  }
});
