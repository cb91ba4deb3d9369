import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiKeyVerifier } from '../../lambda/auth/api-key-verifier';
import { authorize } from '../../lambda/auth/authorize';
import { loadUsagePlanKeys, UsagePlanKeys } from '../../lambda/auth/usage-plan-keys';
import { ConfigError, loadConfig } from '../../lambda/config';
import { OpenAIError } from '../../lambda/errors';
import { createApiKeyVerifier } from '../../lambda/keys/create-api-key-verifier';
import { bundleProxyEntry } from '../../scripts/bundle-proxy';
import { Moto, motoAvailable, startMoto } from '../support/moto';

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/api/v1/chat/completions';
const PLAN_KEYS: UsagePlanKeys = { byKeyName: { default: 'plan-of-the-default-key-0001' }, defaultKey: 'default-plan-key-value-0001' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A REQUEST authorizer event as API Gateway sends it for a REST API (header names as the client wrote them). */
function authorizerEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '/{proxy+}',
    path: '/api/v1/chat/completions',
    httpMethod: 'POST',
    headers,
    multiValueHeaders: {},
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

const allowed = (keyName: string, usageIdentifierKey: string) => ({
  principalId: keyName,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*' }],
  },
  context: { keyName },
  usageIdentifierKey,
});

describe('usage plan keys (USAGE_PLAN_KEYS, DEFAULT_USAGE_PLAN_KEY)', () => {
  test('a key with its own plan gets that plan; other keys the default plan; no plans, no usage key', async () => {
    const verifier: ApiKeyVerifier = { verify: async (key) => (key === 'sk-a' ? { name: 'team-a' } : { name: 'team-b' }) };
    const keys = loadUsagePlanKeys({ USAGE_PLAN_KEYS: '{"team-a":"plan-team-a-value-000000001"}', DEFAULT_USAGE_PLAN_KEY: 'default-plan-value-000001' });
    expect(await authorize(authorizerEvent({ Authorization: 'Bearer sk-a' }), verifier, keys))
      .toEqual(allowed('team-a', 'plan-team-a-value-000000001'));
    expect(await authorize(authorizerEvent({ Authorization: 'Bearer sk-b' }), verifier, keys))
      .toEqual(allowed('team-b', 'default-plan-value-000001'));
    const none = await authorize(authorizerEvent({ Authorization: 'Bearer sk-b' }), verifier, loadUsagePlanKeys({}));
    expect(none).not.toHaveProperty('usageIdentifierKey');
  });

  test.each(['[1]', '{"team-a":""}', 'not json'])('USAGE_PLAN_KEYS=%s is a ConfigError naming the variable', (raw) => {
    expect(() => loadUsagePlanKeys({ USAGE_PLAN_KEYS: raw })).toThrow(ConfigError);
    expect(() => loadUsagePlanKeys({ USAGE_PLAN_KEYS: raw })).toThrow(/^USAGE_PLAN_KEYS: /);
  });
});

describe.skipIf(!motoAvailable)('API Gateway authorizer against keys in Secrets Manager and SSM (moto_server)', () => {
  let moto: Moto;
  let secrets: SecretsManagerClient;
  let ssm: SSMClient;
  const verifierFor = (env: Record<string, string>) => createApiKeyVerifier(loadConfig(env), moto.clientConfig);

  beforeAll(async () => {
    moto = await startMoto();
    secrets = new SecretsManagerClient(moto.clientConfig);
    ssm = new SSMClient(moto.clientConfig);
  });
  afterAll(async () => { await moto?.stop(); });

  test('a key from a secret: Allow on the whole stage, the key name as principal and context, the plan\'s usage key', async () => {
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'authz/json', SecretString: JSON.stringify({ api_key: 'sk-authz' }) }));
    const verifier = verifierFor({ API_KEY_SECRET_ARN: ARN! });
    for (const header of ['Authorization', 'authorization']) {
      expect(await authorize(authorizerEvent({ [header]: 'Bearer sk-authz' }), verifier, PLAN_KEYS))
        .toEqual(allowed('default', 'plan-of-the-default-key-0001'));
    }
  });

  test('a key from an SSM SecureString parameter', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/authz/api-key', Value: 'sk-authz-ssm', Type: 'SecureString' }));
    const verifier = verifierFor({ API_KEY_PARAM_NAME: '/authz/api-key' });
    expect(await authorize(authorizerEvent({ Authorization: 'Bearer sk-authz-ssm' }), verifier, PLAN_KEYS))
      .toEqual(allowed('default', 'plan-of-the-default-key-0001'));
  });

  test.each([
    ['a wrong key', { Authorization: 'Bearer sk-wrong' }],
    ['another scheme', { Authorization: 'Basic c2stYXV0aHo=' }],
    ['no Authorization header', {}],
  ])('%s is Unauthorized (API Gateway answers 401)', async (_name, headers: Record<string, string>) => {
    await ssm.send(new PutParameterCommand({ Name: '/authz/deny', Value: 'sk-right', Type: 'SecureString', Overwrite: true }));
    const verifier = verifierFor({ API_KEY_PARAM_NAME: '/authz/deny' });
    await expect(authorize(authorizerEvent(headers), verifier, PLAN_KEYS)).rejects.toThrow(/^Unauthorized$/);
  });

  test('a keys document in a secret: each key allowed under its name and its plan; a disabled key is Unauthorized', async () => {
    const document = {
      keys: [
        { name: 'team-a', key: 'sk-team-a' },
        { name: 'team-b', key: 'sk-team-b' },
        { name: 'gone', key: 'sk-gone', disabled: true },
      ],
    };
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'authz/keys', SecretString: JSON.stringify(document) }));
    const verifier = verifierFor({ API_KEYS_SECRET_ARN: ARN! });
    const plans = loadUsagePlanKeys({ USAGE_PLAN_KEYS: '{"team-a":"plan-team-a-value-000000001"}', DEFAULT_USAGE_PLAN_KEY: 'default-plan-value-000001' });
    const check = (key: string) => authorize(authorizerEvent({ Authorization: `Bearer ${key}` }), verifier, plans);
    expect(await check('sk-team-a')).toEqual(allowed('team-a', 'plan-team-a-value-000000001'));
    expect(await check('sk-team-b')).toEqual(allowed('team-b', 'default-plan-value-000001'));
    await expect(check('sk-gone')).rejects.toThrow(/^Unauthorized$/);
  });

  test('an unreadable key store fails the authorizer (API Gateway answers 500) without naming the secret', async () => {
    const verifier = verifierFor({ API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:authz/none-AbCdEf' });
    const err = await authorize(authorizerEvent({ Authorization: 'Bearer sk-any' }), verifier, PLAN_KEYS).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAIError);
    expect(err.message).not.toContain('secretsmanager');
  });

  test('rotation: after the key cache TTL the new key is allowed and the old one is not', async () => {
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'authz/rotating', SecretString: JSON.stringify({ api_key: 'sk-old' }) }));
    const verifier = verifierFor({ API_KEY_SECRET_ARN: ARN!, API_KEY_CACHE_TTL_SECONDS: '1' });
    const check = (key: string) => authorize(authorizerEvent({ Authorization: `Bearer ${key}` }), verifier, PLAN_KEYS).then(() => 'allow', (e) => e.message);
    expect(await check('sk-old')).toBe('allow');
    await secrets.send(new PutSecretValueCommand({ SecretId: ARN!, SecretString: JSON.stringify({ api_key: 'sk-new' }) }));
    expect(await check('sk-new')).toBe('Unauthorized');
    await sleep(1100);
    expect(await check('sk-new')).toBe('allow');
    expect(await check('sk-old')).toBe('Unauthorized');
  });

  test('the bundled entry point, configured by environment only, allows the key from the secret', async () => {
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'authz/bundle', SecretString: 'sk-bundled' }));
    const bundle = await bundleProxyEntry('authorizer', mkdtempSync(join(tmpdir(), 'gateway-authorizer-')));
    const script = `require(${JSON.stringify(bundle)}).handler(${JSON.stringify(authorizerEvent({ Authorization: 'Bearer sk-bundled' }))})
      .then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ error: e.message })));`;
    const run = spawnSync(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: moto.clientConfig.region,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_ENDPOINT_URL: moto.endpoint,
        API_KEY_SECRET_ARN: ARN!,
        USAGE_PLAN_KEYS: JSON.stringify({ default: 'plan-of-the-default-key-0001' }),
      },
      encoding: 'utf8',
    });
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual(allowed('default', 'plan-of-the-default-key-0001'));
  });
});
