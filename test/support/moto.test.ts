import { GetSecretValueCommand, CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Moto, motoAvailable, startMoto } from './moto';

describe.skipIf(!motoAvailable)('moto_server fixture', () => {
  let moto: Moto;
  beforeAll(async () => { moto = await startMoto(); });
  afterAll(async () => { await moto?.stop(); });

  test('serves Secrets Manager to the real SDK client', async () => {
    const client = new SecretsManagerClient(moto.clientConfig);
    await client.send(new CreateSecretCommand({ Name: 'k', SecretString: '{"api_key":"x"}' }));
    const got = await client.send(new GetSecretValueCommand({ SecretId: 'k' }));
    expect(JSON.parse(got.SecretString!)).toEqual({ api_key: 'x' });
  });
});
