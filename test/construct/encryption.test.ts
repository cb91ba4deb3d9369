import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, test } from 'vitest';
import { newStack, proxyRoleStatements, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute, GatewayEncryption } from '../../src';

/** The ARN of the gateway's own KMS key, as CloudFormation references it. */
const KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayEncryptionKey'), 'Arn'] };
/** The same, for comparisons outside Template assertions. */
const KEY_ARN_VALUE = { 'Fn::GetAtt': [expect.stringMatching(/^GatewayEncryptionKey/), 'Arn'] };

describe('BedrockAccessGateway encryption at rest', () => {
  const synthClean = useSynthChecks();

  test.each([
    ['Lambda', GatewayCompute.lambda()],
    ['Fargate', GatewayCompute.fargate()],
  ])('with a customer managed key and %s compute, every log group and the generated secret use it', (_, compute) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { compute, encryption: GatewayEncryption.customerManagedKey() });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'CloudWatchLogsEncryptsGatewayLogGroups',
          Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
        })]),
      },
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    // The proxy's log group and the VPC flow logs.
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: KEY_ARN });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: KEY_ARN });
    // The proxy may decrypt the secret with the key, through Secrets Manager only.
    expect(proxyRoleStatements(template)).toContainEqual({
      Sid: 'DecryptGatewaySecrets',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: KEY_ARN_VALUE,
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
    expect(gateway.encryptionKey).toBeInstanceOf(kms.Key);
  });

  test('a given key is used as is, and the gateway creates none', () => {
    // GIVEN
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { encryption: GatewayEncryption.fromKey(key) });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: key.keyArn });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: key.keyArn });
  });

  test('by default AWS manages the keys: no KMS key, no key on log groups or the secret', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.absent() });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.absent() });
    expect(gateway.encryptionKey).toBeUndefined();
  });
});
