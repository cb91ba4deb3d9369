import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../lambda/config';

const withKey = (env: Record<string, string>) => loadConfig({ API_KEY: 'k', ...env });

describe('loadConfig', () => {
  test('defaults keep the original gateway\'s names and values', () => {
    const config = loadConfig({ API_KEY: 'sk-1', AWS_REGION: 'eu-west-1' });
    expect(config).toEqual({
      routePrefix: '/api/v1',
      port: 8080,
      host: '0.0.0.0',
      defaultModel: 'global.anthropic.claude-sonnet-4-6',
      defaultEmbeddingModel: 'amazon.titan-embed-text-v2:0',
      region: 'eu-west-1',
      apiKeySource: { kind: 'env', value: 'sk-1' },
      apiKeyCacheTtlMs: 60_000,
      modelsCacheTtlMs: 600_000,
      modelAliases: {},
      logLevel: 'info',
      bodyLimitBytes: 10 * 1024 * 1024,
      bedrockTimeoutMs: 600_000,
      requestTimeoutMs: 600_000,
      streamIdleTimeoutMs: 120_000,
      enablePromptCaching: false,
      responsesStore: { kind: 'memory' },
      responsesTtlSeconds: 30 * 86_400,
      shutdownTimeoutMs: 25_000,
      gatewayName: 'bedrock-access-gateway',
    });
  });

  test('the responses store: a DynamoDB table, or off; RESPONSES_STORE=none wins', () => {
    expect(withKey({ RESPONSES_TABLE_NAME: 'gw-responses', RESPONSES_TTL_DAYS: '7' })).toMatchObject({
      responsesStore: { kind: 'dynamodb', tableName: 'gw-responses' }, responsesTtlSeconds: 7 * 86_400,
    });
    expect(withKey({ RESPONSES_STORE: 'none' }).responsesStore).toEqual({ kind: 'none' });
    expect(withKey({ RESPONSES_STORE: 'none', RESPONSES_TABLE_NAME: 'gw-responses' }).responsesStore).toEqual({ kind: 'none' });
  });

  test('key sources: Secrets Manager with a field, SSM parameter', () => {
    expect(loadConfig({ API_KEY_SECRET_ARN: 'arn:s' }).apiKeySource).toEqual({ kind: 'secret', secretId: 'arn:s', field: 'api_key' });
    expect(loadConfig({ API_KEY_SECRET_ARN: 'arn:s', API_KEY_SECRET_FIELD: 'key' }).apiKeySource).toEqual({ kind: 'secret', secretId: 'arn:s', field: 'key' });
    expect(loadConfig({ API_KEY_PARAM_NAME: '/gw/key' }).apiKeySource).toEqual({ kind: 'parameter', name: '/gw/key' });
  });

  test('keys document sources: a file (checked at start-up), a secret, a parameter, inline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-config-'));
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ keys: [{ name: 'a', key: 'sk-a' }] }));
    expect(loadConfig({ API_KEYS_FILE: join(dir, 'keys.json') }).apiKeySource).toEqual({ kind: 'keys-file', path: join(dir, 'keys.json') });
    expect(loadConfig({ API_KEYS_SECRET_ARN: 'arn:s' }).apiKeySource).toEqual({ kind: 'keys-secret', secretId: 'arn:s' });
    expect(loadConfig({ API_KEYS_PARAM_NAME: '/gw/keys' }).apiKeySource).toEqual({ kind: 'keys-parameter', name: '/gw/keys' });
    expect(loadConfig({ API_KEYS_DOCUMENT: '{"keys":[{"name":"a","parameterName":"/gw/a","models":["m"]}]}' }).apiKeySource).toEqual({
      kind: 'keys-inline',
      document: { keys: [{ name: 'a', value: { kind: 'parameter', name: '/gw/a' }, models: ['m'], disabled: false }] },
    });
  });

  test('limits table and gateway name', () => {
    expect(withKey({ LIMITS_TABLE_NAME: 'gw-limits', GATEWAY_NAME: 'team-gw' })).toMatchObject({ limitsTableName: 'gw-limits', gatewayName: 'team-gw' });
  });

  test('reads every setting', () => {
    const config = withKey({
      API_ROUTE_PREFIX: '/v1',
      PORT: '3000',
      DEFAULT_MODEL: 'm',
      DEFAULT_EMBEDDING_MODEL: 'e',
      AWS_DEFAULT_REGION: 'us-west-2',
      API_KEY_CACHE_TTL_SECONDS: '0',
      MODELS_CACHE_TTL_SECONDS: '30',
      MODEL_ALIASES: '{"fast":"amazon.nova-lite-v1:0"}',
      LOG_LEVEL: 'warn',
      MAX_REQUEST_BODY_BYTES: '2048',
      MAX_BODY_BYTES_IN_FLIGHT: '4096',
      BEDROCK_TIMEOUT_SECONDS: '30',
      REQUEST_TIMEOUT_SECONDS: '60',
      STREAM_IDLE_TIMEOUT_SECONDS: '15',
      SHUTDOWN_TIMEOUT_SECONDS: '5',
      DEFAULT_MAX_TOKENS: '4096',
      ENABLE_PROMPT_CACHING: 'TRUE',
    });
    expect(config).toMatchObject({
      routePrefix: '/v1',
      port: 3000,
      defaultModel: 'm',
      defaultEmbeddingModel: 'e',
      region: 'us-west-2',
      apiKeyCacheTtlMs: 0,
      modelsCacheTtlMs: 30_000,
      modelAliases: { fast: 'amazon.nova-lite-v1:0' },
      logLevel: 'warn',
      bodyLimitBytes: 2048,
      bodyBytesInFlight: 4096,
      bedrockTimeoutMs: 30_000,
      requestTimeoutMs: 60_000,
      streamIdleTimeoutMs: 15_000,
      shutdownTimeoutMs: 5000,
      defaultMaxTokens: 4096,
      enablePromptCaching: true,
    });
  });

  test.each([
    [{}, 'API_KEY, API_KEY_SECRET_ARN, API_KEY_PARAM_NAME, API_KEYS_FILE, API_KEYS_SECRET_ARN, API_KEYS_PARAM_NAME, API_KEYS_DOCUMENT: set exactly one key source; none is set'],
    [{ API_KEY: 'a', API_KEY_PARAM_NAME: '/p' }, 'API_KEY, API_KEY_SECRET_ARN, API_KEY_PARAM_NAME, API_KEYS_FILE, API_KEYS_SECRET_ARN, API_KEYS_PARAM_NAME, API_KEYS_DOCUMENT: set exactly one key source; API_KEY and API_KEY_PARAM_NAME are set'],
    [{ API_KEY: 'a', API_KEYS_FILE: '/k.json' }, 'API_KEY, API_KEY_SECRET_ARN, API_KEY_PARAM_NAME, API_KEYS_FILE, API_KEYS_SECRET_ARN, API_KEYS_PARAM_NAME, API_KEYS_DOCUMENT: set exactly one key source; API_KEY and API_KEYS_FILE are set'],
    [{ API_KEYS_DOCUMENT: '{"keys":[{"name":"a","key":"k","limits":{"requestsPerMinute":0}}]}' },
      'API_KEYS_DOCUMENT: keys[0] ("a").limits.requestsPerMinute: must be a positive integer; received 0'],
    [{ API_KEYS_FILE: '/nonexistent/keys.json' }, "API_KEYS_FILE: ENOENT: no such file or directory, open '/nonexistent/keys.json'"],
    [{ API_KEY: 'k', API_ROUTE_PREFIX: 'api/' }, 'API_ROUTE_PREFIX: must start with "/" and not end with "/"; received "api/"'],
    [{ API_KEY: 'k', PORT: '80a' }, 'PORT: must be an integer from 1 to 65535; received "80a"'],
    [{ API_KEY: 'k', DEFAULT_MODEL: ' ' }, 'DEFAULT_MODEL: must not be empty; unset it to use "global.anthropic.claude-sonnet-4-6"'],
    [{ API_KEY: 'k', MODEL_ALIASES: '{fast:1}' }, 'MODEL_ALIASES: must be a JSON object such as {"my-model":"anthropic.claude-3-haiku-20240307-v1:0"}; received invalid JSON'],
    [{ API_KEY: 'k', MODEL_ALIASES: '{"fast":1}' }, 'MODEL_ALIASES: must be a JSON object mapping names to non-empty model id strings'],
    [{ API_KEY: 'k', LOG_LEVEL: 'verbose' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent; received "verbose"'],
    [{ API_KEY: 'k', MODELS_CACHE_TTL_SECONDS: '0' }, 'MODELS_CACHE_TTL_SECONDS: must be an integer from 1 to 86400; received "0"'],
    [{ API_KEY: 'k', STREAM_IDLE_TIMEOUT_SECONDS: '0' }, 'STREAM_IDLE_TIMEOUT_SECONDS: must be an integer from 1 to 3600; received "0"'],
    [{ API_KEY: 'k', DEFAULT_MAX_TOKENS: '0' }, 'DEFAULT_MAX_TOKENS: must be an integer from 1 to 1000000; received "0"'],
    [{ API_KEY: 'k', ENABLE_PROMPT_CACHING: 'yes' }, 'ENABLE_PROMPT_CACHING: must be true or false; received "yes"'],
    [{ API_KEY: 'k', MAX_REQUEST_BODY_BYTES: '2048', MAX_BODY_BYTES_IN_FLIGHT: '1024' },
      'MAX_BODY_BYTES_IN_FLIGHT: must be at least MAX_REQUEST_BODY_BYTES (2048), to hold one body of the largest accepted size; received "1024"'],
    [{ API_KEY: 'k', SHUTDOWN_TIMEOUT_SECONDS: '300' }, 'SHUTDOWN_TIMEOUT_SECONDS: must be an integer from 0 to 120; received "300"'],
    [{ API_KEY_SECRET_ARN: 'arn:s', API_KEY_SECRET_FIELD: '' }, 'API_KEY_SECRET_FIELD: must not be empty; unset it to use "api_key"'],
    [{ API_KEY: 'k', RESPONSES_STORE: 'off' }, 'RESPONSES_STORE: must be "none" or unset; received "off"'],
    [{ API_KEY: 'k', RESPONSES_TTL_DAYS: '0' }, 'RESPONSES_TTL_DAYS: must be an integer from 1 to 3650; received "0"'],
  ])('rejects %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });
});
