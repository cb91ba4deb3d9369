import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Harness, startHarness, TEST_API_KEY, useHarness } from './harness';
import { CachedKeyVerifier } from '../../lambda/auth/cached-key-verifier';
import { DEFAULT_CALLER } from '../../lambda/auth/caller';
import { OpenAIError } from '../../lambda/errors';
import { Moto, motoAvailable, startMoto } from '../support/moto';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Bearer key auth (API_KEY)', () => {
  const h = useHarness({ env: { API_KEY: 'sk-local-key' } });

  test('the right key passes', async () => {
    const page = await h.client('sk-local-key').models.list();
    expect(page.data.length).toBeGreaterThan(0);
  });

  test.each([
    ['a wrong key', 'sk-local-kez'],
    ['a longer key with the right prefix', 'sk-local-key-and-more'],
    ['an empty-ish key', ' '],
  ])('%s is a 401 invalid_api_key', async (_name, key) => {
    const err = await h.client(key).models.list().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe('invalid_api_key');
    expect(err.error).toEqual({ message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_api_key' });
    expect(h.emulator.calls).toHaveLength(0);
  });

  test('no Authorization header, or another scheme, is a 401', async () => {
    for (const headers of [{}, { authorization: 'Basic c2stbG9jYWwta2V5' }, { authorization: 'sk-local-key' }] as Record<string, string>[]) {
      const res = await fetch(`${h.baseURL}/models`, { headers });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('invalid_api_key');
    }
  });

  test('the key is checked before the body is validated', async () => {
    const res = await fetch(`${h.baseURL}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });
});

describe('CachedKeyVerifier', () => {
  test('fetches once per TTL, shared by concurrent requests; failures are not cached', async () => {
    let now = 0;
    let fetches = 0;
    let key = 'first';
    let failing = false;
    const verifier = new CachedKeyVerifier(async () => {
      fetches++;
      await sleep(5);
      if (failing) throw new Error('AccessDenied on arn:aws:secretsmanager:…');
      return key;
    }, 1000, () => now);
    const results = await Promise.all(Array.from({ length: 10 }, () => verifier.verify('first')));
    expect(results).toEqual(Array(10).fill(DEFAULT_CALLER));
    expect(fetches).toBe(1);
    key = 'second';
    now = 999;
    expect(await verifier.verify('first')).toBe(DEFAULT_CALLER);
    now = 1000;
    expect(await verifier.verify('first')).toBeUndefined();
    expect(await verifier.verify('second')).toBe(DEFAULT_CALLER);
    expect(fetches).toBe(2);
    now = 5000;
    failing = true;
    const err = await verifier.verify('second').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAIError);
    expect(err.status).toBe(500);
    expect(err.message).not.toContain('arn:');
    failing = false;
    expect(await verifier.verify('second')).toBe(DEFAULT_CALLER);
    expect(fetches).toBe(4);
  });
});

describe.skipIf(!motoAvailable)('keys from Secrets Manager and SSM (moto_server)', () => {
  let moto: Moto;
  let secrets: SecretsManagerClient;
  let ssm: SSMClient;
  const gateways: Harness[] = [];
  const gateway = async (env: Record<string, string>) => {
    const h = await startHarness({ env, deps: { keyStore: moto.clientConfig } });
    gateways.push(h);
    return h;
  };
  beforeAll(async () => {
    moto = await startMoto();
    secrets = new SecretsManagerClient(moto.clientConfig);
    ssm = new SSMClient(moto.clientConfig);
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await moto?.stop();
  });

  test('a JSON secret: field api_key by default, API_KEY_SECRET_FIELD otherwise', async () => {
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'gw/json', SecretString: JSON.stringify({ api_key: TEST_API_KEY, other: 'sk-other' }) }));
    const byDefault = await gateway({ API_KEY_SECRET_ARN: ARN! });
    expect((await byDefault.openai.models.list()).data.length).toBeGreaterThan(0);
    const byField = await gateway({ API_KEY_SECRET_ARN: ARN!, API_KEY_SECRET_FIELD: 'other' });
    expect((await byField.client('sk-other').models.list()).data.length).toBeGreaterThan(0);
    expect(await byField.openai.models.list().catch((e) => e.status)).toBe(401);
  });

  test('a plain-string secret is the key itself', async () => {
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'gw/plain', SecretString: 'sk-plain-secret' }));
    const h = await gateway({ API_KEY_SECRET_ARN: ARN! });
    expect((await h.client('sk-plain-secret').models.list()).data.length).toBeGreaterThan(0);
  });

  test('an SSM SecureString parameter, decrypted', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/gw/api-key', Value: 'sk-from-ssm', Type: 'SecureString' }));
    const h = await gateway({ API_KEY_PARAM_NAME: '/gw/api-key' });
    expect((await h.client('sk-from-ssm').models.list()).data.length).toBeGreaterThan(0);
    expect(await h.client('sk-wrong').models.list().catch((e) => e.status)).toBe(401);
  });

  test('a missing secret is a 500 that names nothing internal', async () => {
    const h = await gateway({ API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gw/none-AbCdEf' });
    const err = await h.openai.models.list().catch((e) => e);
    expect(err.status).toBe(500);
    expect(err.code).toBe('api_key_unavailable');
    expect(err.message).not.toContain('secretsmanager');
    expect(h.logs.find((l) => l.msg === 'request failed')?.error).toMatchObject({ cause: { name: 'ResourceNotFoundException' } });
  });

  test('rotation: after the TTL the new key works and the old one stops, without a restart', async () => {
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'gw/rotating', SecretString: JSON.stringify({ api_key: 'sk-old' }) }));
    const h = await gateway({ API_KEY_SECRET_ARN: ARN!, API_KEY_CACHE_TTL_SECONDS: '1' });
    expect((await h.client('sk-old').models.list()).data.length).toBeGreaterThan(0);
    await secrets.send(new PutSecretValueCommand({ SecretId: ARN!, SecretString: JSON.stringify({ api_key: 'sk-new' }) }));
    await sleep(1100);
    expect((await h.client('sk-new').models.list()).data.length).toBeGreaterThan(0);
    expect(await h.client('sk-old').models.list().catch((e) => e.status)).toBe(401);
  });
});
