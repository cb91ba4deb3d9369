import { CfnParameter, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, test } from 'vitest';
import { cfnArn, newStack, proxyKeyStatements, useSynthChecks } from './support';
import { ApiKeySource, BedrockAccessGateway, GatewayCompute } from '../../src';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/api-key-AbCdEf';
const SECRET_READ = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

describe('BedrockAccessGateway API key sources', () => {
  const synthClean = useSynthChecks();

  test('by default it generates a 48-character alphanumeric key in a new secret and reads only that', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: '{}',
        GenerateStringKey: 'api_key',
        PasswordLength: 48,
        ExcludePunctuation: true,
        IncludeSpace: false,
      },
    });
    const secretRef = { Ref: Match.stringLikeRegexp('^GatewayApiKeySecret') };
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { API_KEY_SECRET_ARN: secretRef } },
    });
    const [secretId] = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    expect(proxyKeyStatements(template)).toEqual([{ Action: SECRET_READ, Effect: 'Allow', Resource: { Ref: secretId } }]);
    template.hasOutput('*', { Description: 'Secrets Manager secret holding the API key', Value: { Ref: secretId } });
    expect(gateway.apiKeySecret).toBeDefined();
    expect(gateway.apiKeyParameterName).toBeUndefined();
  });

  test('fromSecret reads the given secret, its KMS key and the chosen JSON field', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
    for (const id of ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled']) {
      Validations.of(secret).acknowledge({ id, reason: 'A test fixture standing for a secret the user owns.' });
    }
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { apiKey: ApiKeySource.fromSecret(secret, 'key') });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { API_KEY_SECRET_ARN: { Ref: Match.stringLikeRegexp('^Secret') }, API_KEY_SECRET_FIELD: 'key' } },
    });
    const [secretId] = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    expect(proxyKeyStatements(template)).toEqual([{ Action: SECRET_READ, Effect: 'Allow', Resource: { Ref: secretId } }]);
    // The key lives in the same stack, so CDK grants decryption in its key policy, through Secrets Manager only.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'kms:Decrypt',
          Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayLambdaRole'), 'Arn'] } },
          Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
        })]),
      },
    });
    expect(gateway.apiKeySecret).toBe(secret);
  });

  test('fromSecretArn reads exactly that secret and creates none', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { apiKey: ApiKeySource.fromSecretArn(SECRET_ARN) });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { API_KEY_SECRET_ARN: SECRET_ARN, API_KEY_SECRET_FIELD: Match.absent() } },
    });
    expect(proxyKeyStatements(template)).toEqual([{ Action: SECRET_READ, Effect: 'Allow', Resource: SECRET_ARN }]);
  });

  test('fromSecretArn takes a CloudFormation parameter', () => {
    // GIVEN
    const stack = newStack();
    const arn = new CfnParameter(stack, 'ApiKeySecretArn', { type: 'String' });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { apiKey: ApiKeySource.fromSecretArn(arn.valueAsString), compute: GatewayCompute.fargate() });
    // THEN
    const template = synthClean(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: 'API_KEY_SECRET_ARN', Value: { Ref: 'ApiKeySecretArn' } }]) })],
    });
    expect(proxyKeyStatements(template)).toEqual([{ Action: SECRET_READ, Effect: 'Allow', Resource: { Ref: 'ApiKeySecretArn' } }]);
  });

  test.each([
    ['/bedrock-gateway/api-key', 'bedrock-gateway/api-key'],
    ['GatewayApiKey', 'GatewayApiKey'],
  ])('fromSsmParameterName("%s") reads exactly that parameter', (name, arnName) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const gateway = new BedrockAccessGateway(stack, 'Gateway', { apiKey: ApiKeySource.fromSsmParameterName(name) });
    // THEN
    const template = synthClean(stack);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { API_KEY_PARAM_NAME: name } } });
    expect(proxyKeyStatements(template)).toEqual([{
      Action: 'ssm:GetParameter',
      Effect: 'Allow',
      Resource: cfnArn(':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:parameter/${arnName}`),
    }]);
    expect(gateway.apiKeyParameterName).toBe(name);
    expect(gateway.apiKeySecret).toBeUndefined();
    expect(Object.keys(template.findOutputs('*'))).toEqual([expect.stringMatching(/^GatewayApiBaseUrl/)]);
  });

  test('fromSsmParameterName with a parameter token grants the name with and without a leading "/"', () => {
    // GIVEN
    const stack = newStack();
    const name = new CfnParameter(stack, 'ApiKeyParameterName', { type: 'String' });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { apiKey: ApiKeySource.fromSsmParameterName(name.valueAsString) });
    // THEN
    const template = synthClean(stack);
    expect(proxyKeyStatements(template)).toEqual([{
      Action: 'ssm:GetParameter',
      Effect: 'Allow',
      Resource: [
        cfnArn(':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/', { Ref: 'ApiKeyParameterName' }),
        cfnArn(':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter', { Ref: 'ApiKeyParameterName' }),
      ],
    }]);
  });

  test('fromSsmParameterName with a customer managed key also grants kms:Decrypt on that key only', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { apiKey: ApiKeySource.fromSsmParameterName('/gateway/key', key) });
    // THEN
    const template = synthClean(stack);
    const keyArn = { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::KMS::Key'))[0], 'Arn'] };
    expect(proxyKeyStatements(template)).toEqual([
      { Action: 'ssm:GetParameter', Effect: 'Allow', Resource: cfnArn(':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/gateway/key') },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: keyArn },
    ]);
  });

  test.each([
    [() => ApiKeySource.fromSecretArn('arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/api-key'),
      'apiKey: ApiKeySource.fromSecretArn needs the complete secret ARN; received "arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/api-key"; '
      + 'copy the full ARN (ending in "-" plus 6 characters) from the Secrets Manager console or pass the secret with ApiKeySource.fromSecret()'],
    [() => ApiKeySource.fromSecretArn(SECRET_ARN, ''),
      'apiKey: the secret field must not be empty; received ""; omit the field to use "api_key" or name the JSON field that holds the key'],
    [() => ApiKeySource.fromSsmParameterName('my key'),
      'apiKey: ApiKeySource.fromSsmParameterName needs a valid parameter name; received "my key"; use letters, digits and "_.-/", e.g. "/bedrock-gateway/api-key"'],
  ])('an invalid key source fails at construction (%#)', (source, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', { apiKey: source() })).toThrow(message);
  });
});
