import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { newStack, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute, GatewayDefaults } from '../../src';

describe('BedrockAccessGateway settings handed to the proxy', () => {
  const synthClean = useSynthChecks();

  test('default models reach the proxy as DEFAULT_MODEL and DEFAULT_EMBEDDING_MODEL, with extra settings', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      defaultModel: 'amazon.nova-pro-v1:0',
      defaultEmbeddingModel: 'amazon.titan-embed-text-v2:0',
      environment: { LOG_LEVEL: 'warn' },
    });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          API_KEY_SECRET_ARN: Match.anyValue(),
          DEFAULT_MODEL: 'amazon.nova-pro-v1:0',
          DEFAULT_EMBEDDING_MODEL: 'amazon.titan-embed-text-v2:0',
          LOG_LEVEL: 'warn',
        },
      },
    });
  });

  test('without model props the proxy gets the construct\'s default models, not its own built-in ones', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway');
    // THEN
    synthClean(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DEFAULT_MODEL: 'global.anthropic.claude-sonnet-4-6',
          DEFAULT_EMBEDDING_MODEL: 'amazon.titan-embed-text-v2:0',
        }),
      },
    });
  });

  test('the Fargate proxy gets the same settings plus PORT', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      compute: GatewayCompute.fargate(),
      defaultModel: 'amazon.nova-pro-v1:0',
      environment: { LOG_LEVEL: 'warn' },
    });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Environment: [
          { Name: 'LOG_LEVEL', Value: 'warn' },
          { Name: 'API_KEY_SECRET_ARN', Value: Match.anyValue() },
          { Name: 'RESPONSES_TABLE_NAME', Value: { Ref: Match.stringLikeRegexp('^GatewayTablesResponses') } },
          { Name: 'GATEWAY_NAME', Value: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'Gateway']] } },
          { Name: 'DEFAULT_MODEL', Value: 'amazon.nova-pro-v1:0' },
          { Name: 'DEFAULT_EMBEDDING_MODEL', Value: GatewayDefaults.EMBEDDING_MODEL },
          { Name: 'PORT', Value: '8080' },
        ],
      })],
    });
  });

  test.each([
    [{ defaultModel: '' }, 'defaultModel: must not be empty; received ""; name a Bedrock model id or omit it to use the GatewayDefaults model'],
    [{ defaultEmbeddingModel: ' ' }, 'defaultEmbeddingModel: must not be empty; received " "; name a Bedrock model id or omit it to use the GatewayDefaults model'],
    [{ environment: { DEFAULT_MODEL: 'x', PORT: '1' } },
      'environment: sets variables the construct manages; received DEFAULT_MODEL, PORT; use the apiKey, keys, keysDocument, storeResponses, defaultModel, defaultEmbeddingModel or compute props instead'],
    [{ environment: { API_KEY: 'sk-123' } },
      'environment: API_KEY would put the key in plain text in the function or task configuration; received API_KEY; store the key in Secrets Manager or SSM Parameter Store and pass it with the apiKey prop'],
    [{ environment: { API_ROUTE_PREFIX: 'v1/' } },
      'environment: API_ROUTE_PREFIX must start with "/" and not end with "/"; received "v1/"; use a path such as "/api/v1", or omit API_ROUTE_PREFIX'],
  ])('invalid props %o fail at construction', (props, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', props)).toThrow(message);
  });
});
