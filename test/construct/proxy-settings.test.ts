import { Aws, CfnParameter, Duration, Token } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, test } from 'vitest';
import { newStack, useSynthChecks } from './support';
import { BedrockAccessGateway, GatewayCompute, GatewayDefaults, GatewayFrontDoor } from '../../src';

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
          // The load balancer's idle timeout, 600 s by default.
          REQUEST_TIMEOUT_SECONDS: '600',
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

  test('the Fargate proxy gets the same settings plus PORT, and the idle timeout as REQUEST_TIMEOUT_SECONDS', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      compute: GatewayCompute.fargate(),
      idleTimeout: Duration.seconds(120),
      defaultModel: 'amazon.nova-pro-v1:0',
      environment: { LOG_LEVEL: 'warn' },
    });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Environment: [
          { Name: 'REQUEST_TIMEOUT_SECONDS', Value: '120' },
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

  test('behind API Gateway no function gets REQUEST_TIMEOUT_SECONDS: API Gateway waits as long as the function runs', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', { frontDoor: GatewayFrontDoor.apiGateway() });
    // THEN
    const functions = Object.values(synthClean(stack).findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(fn.Properties.Environment?.Variables?.REQUEST_TIMEOUT_SECONDS).toBeUndefined();
  });

  test.each([
    [{ defaultModel: '' }, 'defaultModel: must not be empty; received ""; name a Bedrock model id or omit it to use the GatewayDefaults model'],
    [{ defaultEmbeddingModel: ' ' }, 'defaultEmbeddingModel: must not be empty; received " "; name a Bedrock model id or omit it to use the GatewayDefaults model'],
    [{ environment: { DEFAULT_MODEL: 'x', PORT: '1' } },
      'environment: sets variables the construct manages; received DEFAULT_MODEL, PORT; use the apiKey, keys, keysDocument, storeResponses, defaultModel, defaultEmbeddingModel or compute props instead'],
    [{ environment: { API_KEY: 'sk-123' } },
      'environment: API_KEY would put the key in plain text in the function or task configuration; received API_KEY; store the key in Secrets Manager or SSM Parameter Store and pass it with the apiKey prop'],
    [{ environment: { API_ROUTE_PREFIX: 'v1/' } },
      'environment: API_ROUTE_PREFIX must start with "/" and not end with "/", or the proxy refuses to start; received "v1/"; fix API_ROUTE_PREFIX, or omit it to use the proxy\'s default'],
    [{ environment: { LOG_LEVEL: 'verbose' } },
      'environment: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, or the proxy refuses to start; received "verbose"; fix LOG_LEVEL, or omit it to use the proxy\'s default'],
    [{ environment: { MODEL_ALIASES: '{fast: nova}' } },
      'environment: MODEL_ALIASES must be a JSON object such as {"my-model":"anthropic.claude-3-haiku-20240307-v1:0"}, or the proxy refuses to start; received "{fast: nova}"; fix MODEL_ALIASES, or omit it to use the proxy\'s default'],
    [{ environment: { BEDROCK_TIMEOUT_SECONDS: '0' } },
      'environment: BEDROCK_TIMEOUT_SECONDS must be an integer from 1 to 3600, or the proxy refuses to start; received "0"; fix BEDROCK_TIMEOUT_SECONDS, or omit it to use the proxy\'s default'],
    [{ environment: { ENABLE_PROMPT_CACHING: 'yes' } },
      'environment: ENABLE_PROMPT_CACHING must be true or false, or the proxy refuses to start; received "yes"; fix ENABLE_PROMPT_CACHING, or omit it to use the proxy\'s default'],
    [{ environment: { MAX_BODY_BYTES_IN_FLIGHT: '5000000' } },
      'environment: MAX_BODY_BYTES_IN_FLIGHT must be at least MAX_REQUEST_BODY_BYTES (10485760), to hold one body of the largest accepted size, or the proxy refuses to start; received "5000000"; fix MAX_BODY_BYTES_IN_FLIGHT, or omit it to use the proxy\'s default'],
  ])('invalid props %o fail at construction', (props, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expect(() => new BedrockAccessGateway(stack, 'Gateway', props)).toThrow(message);
  });

  test('settings known only at deploy time (tokens) are left to the proxy', () => {
    // GIVEN
    const stack = newStack();
    const level = new CfnParameter(stack, 'LogLevel').valueAsString;
    // WHEN
    new BedrockAccessGateway(stack, 'Gateway', {
      environment: { LOG_LEVEL: level, MAX_REQUEST_BODY_BYTES: Token.asString(Aws.NO_VALUE), MAX_BODY_BYTES_IN_FLIGHT: '2048' },
    });
    // THEN
    synthClean(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LOG_LEVEL: { Ref: 'LogLevel' } }) },
    });
  });
});
