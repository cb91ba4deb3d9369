import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { describe, expect, test } from 'vitest';
import { cfnArn, newStack, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute } from '../../src';
import { ecrRepositoryOf } from '../../src/ecr-image-pull';

const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];

/** The statements of the Fargate execution role's policy. */
function executionRoleStatements(template: Template): { Action: unknown; Resource: unknown; Sid?: string }[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => /ExecutionRoleDefaultPolicy/.test(policy.Properties.PolicyName));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

/** A gateway on Fargate running `image`; returns its synthesized (nag- and lint-checked) template. */
function gatewayWithImage(synthClean: ReturnType<typeof useSynthChecks>, image: (stack: Stack) => ecs.ContainerImage): Template {
  const stack = newStack();
  new BedrockAccessGateway(stack, 'Gateway', { compute: GatewayCompute.fargate({ image: image(stack) }) });
  return synthClean(stack);
}

describe('ECR image URIs', () => {
  test.each([
    ['111122223333.dkr.ecr.us-west-2.amazonaws.com/bedrock-gateway:1.0.0', { account: '111122223333', region: 'us-west-2', repositoryName: 'bedrock-gateway' }],
    ['111122223333.dkr.ecr.eu-central-1.amazonaws.com/team/gateway', { account: '111122223333', region: 'eu-central-1', repositoryName: 'team/gateway' }],
    [`111122223333.dkr.ecr-fips.us-east-1.amazonaws.com/gw@sha256:${'a'.repeat(64)}`, { account: '111122223333', region: 'us-east-1', repositoryName: 'gw' }],
    ['111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/gw:v2', { account: '111122223333', region: 'cn-north-1', repositoryName: 'gw' }],
  ])('%s names a private ECR repository', (uri, repository) => {
    expect(ecrRepositoryOf(uri)).toEqual(repository);
  });

  test.each([
    'public.ecr.aws/example/gateway:1.0',
    'ghcr.io/example/gateway:1.0',
    'nginx:latest',
    '111122223333.dkr.ecr.us-west-2.example.com/gateway:1.0',
  ])('%s is no private ECR image', (uri) => {
    expect(ecrRepositoryOf(uri)).toBeUndefined();
  });
});

describe('BedrockAccessGateway pulling a Fargate image from ECR', () => {
  const synthClean = useSynthChecks();

  test('a private ECR URI given to fromRegistry lets the execution role pull from exactly that repository', () => {
    // GIVEN / WHEN
    const template = gatewayWithImage(synthClean, () =>
      ecs.ContainerImage.fromRegistry('111122223333.dkr.ecr.us-west-2.amazonaws.com/team/bedrock-gateway:1.0.0'));
    // THEN
    expect(executionRoleStatements(template)).toEqual(expect.arrayContaining([
      { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      { Sid: 'EcrPull', Effect: 'Allow', Action: PULL_ACTIONS, Resource: cfnArn(':ecr:us-west-2:111122223333:repository/team/bedrock-gateway') },
    ]));
  });

  test.each([
    'public.ecr.aws/example/gateway:1.0',
    'ghcr.io/example/gateway:1.0',
  ])('a public image (%s) gets no ECR permission', (uri) => {
    // GIVEN / WHEN
    const template = gatewayWithImage(synthClean, () => ecs.ContainerImage.fromRegistry(uri));
    // THEN
    expect(JSON.stringify(executionRoleStatements(template))).not.toContain('ecr:');
  });

  test('fromEcrRepository grants the pull itself: no second grant is added', () => {
    // GIVEN / WHEN
    const template = gatewayWithImage(synthClean, (stack) =>
      ecs.ContainerImage.fromEcrRepository(ecr.Repository.fromRepositoryName(stack, 'Repo', 'bedrock-gateway'), '1.0.0'));
    // THEN
    const statements = executionRoleStatements(template);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('ecr:BatchGetImage'))).toHaveLength(1);
    expect(statements.map((s) => s.Sid)).not.toContain('EcrPull');
  });
});
