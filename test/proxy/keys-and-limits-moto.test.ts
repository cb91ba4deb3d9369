import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Harness, startHarness } from './harness';
import { ServerProcess, startServerProcess } from './server-process';
import { DynamoDbCounterStore } from '../../lambda/limits/dynamodb-counter-store';
import { Limiter } from '../../lambda/limits/limiter';
import { bundleProxyEntry } from '../../scripts/bundle-proxy';
import { BedrockEmulator } from '../emulator/bedrock-emulator';
import { createCounterTable, Moto, motoAvailable, startMoto } from '../support/moto';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOVA = 'amazon.nova-lite-v1:0';
const chat = (client: OpenAI) => client.chat.completions.create({ model: NOVA, messages: [{ role: 'user', content: 'one two three' }] });

/** Per-minute limits reset on the minute: start a test that spends one well inside a minute. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await sleep(left + 100);
}

describe.skipIf(!motoAvailable)('keys documents and limit counters in AWS services (moto_server)', () => {
  let moto: Moto;
  let emulator: BedrockEmulator;
  const gateways: Harness[] = [];
  const servers: ServerProcess[] = [];
  const gateway = async (env: Record<string, string>) => {
    const h = await startHarness({ env, emulator, deps: { keyStore: moto.clientConfig, limitsStore: moto.clientConfig } });
    gateways.push(h);
    return h;
  };

  beforeAll(async () => {
    [moto, emulator] = await Promise.all([startMoto(), BedrockEmulator.start()]);
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await Promise.all([moto?.stop(), emulator?.stop()]);
  });

  test('a keys document in a secret, whose keys are inline, in their own secret (JSON field or plain) or in a parameter', async () => {
    const secrets = new SecretsManagerClient(moto.clientConfig);
    const ssm = new SSMClient(moto.clientConfig);
    const { ARN: teamA } = await secrets.send(new CreateSecretCommand({ Name: 'keys/team-a', SecretString: JSON.stringify({ api_key: 'sk-team-a' }) }));
    const { ARN: teamB } = await secrets.send(new CreateSecretCommand({ Name: 'keys/team-b', SecretString: 'sk-team-b' }));
    await ssm.send(new PutParameterCommand({ Name: '/keys/team-c', Value: 'sk-team-c', Type: 'SecureString' }));
    const document = {
      keys: [
        { name: 'inline', key: 'sk-inline', models: [NOVA] },
        { name: 'team-a', secretArn: teamA },
        { name: 'team-b', secretArn: teamB },
        { name: 'team-c', parameterName: '/keys/team-c' },
      ],
    };
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'keys/document', SecretString: JSON.stringify(document) }));
    const h = await gateway({ API_KEYS_SECRET_ARN: ARN!, API_KEY_CACHE_TTL_SECONDS: '1' });
    for (const key of ['sk-inline', 'sk-team-a', 'sk-team-b', 'sk-team-c']) {
      expect((await chat(h.client(key))).choices[0].message.content, key).toBe('one two three');
    }
    expect(await h.client('sk-team-d').models.list().catch((e) => e.status)).toBe(401);

    // Rotating one key's own secret takes effect within the TTL.
    await secrets.send(new PutSecretValueCommand({ SecretId: teamA!, SecretString: JSON.stringify({ api_key: 'sk-team-a-2' }) }));
    await sleep(1100);
    expect((await h.client('sk-team-a-2').models.list()).data.length).toBeGreaterThan(0);
    expect(await h.client('sk-team-a').models.list().catch((e) => e.status)).toBe(401);

    // A document pointing at a missing secret is not taken: the last good keys keep working.
    await secrets.send(new PutSecretValueCommand({
      SecretId: ARN!, SecretString: JSON.stringify({ keys: [...document.keys, { name: 'team-d', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:keys/none-AbCdEf' }] }),
    }));
    await sleep(1100);
    expect((await h.client('sk-team-b').models.list()).data.length).toBeGreaterThan(0);
  });

  test('a keys document in an SSM parameter; before any good document is read, requests get a 500 naming nothing internal', async () => {
    const ssm = new SSMClient(moto.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: '/keys/document', Value: '{"keys": "not a list"}', Type: 'SecureString' }));
    const h = await gateway({ API_KEYS_PARAM_NAME: '/keys/document', API_KEY_CACHE_TTL_SECONDS: '1' });
    const err = await h.client('sk-ssm-team').models.list().catch((e) => e);
    expect(err.status).toBe(500);
    expect(err.error).toMatchObject({ type: 'server_error', code: 'api_key_unavailable' });
    expect(err.message).not.toContain('keys');
    await ssm.send(new PutParameterCommand({
      Name: '/keys/document',
      Overwrite: true,
      Type: 'SecureString',
      Value: JSON.stringify({ keys: [{ name: 'ssm-team', key: 'sk-ssm-team', models: [NOVA] }] }),
    }));
    await sleep(1100);
    expect((await h.client('sk-ssm-team').models.list()).data.map((m) => m.id)).toEqual([NOVA, `us.${NOVA}`]);
  });

  test('DynamoDbCounterStore: conditional adds stay within the maximum; plain adds count; TTL is set', async () => {
    const table = await createCounterTable(moto, 'counters-unit');
    const client = new DynamoDBClient(moto.clientConfig);
    const store = new DynamoDbCounterStore(client, table);
    const expiresAt = new Date(Date.UTC(2030, 0, 1));
    expect(await store.addUpTo('k#requests', 3, 5, expiresAt)).toBe(3);
    expect(await store.addUpTo('k#requests', 3, 5, expiresAt)).toBeUndefined();
    expect(await store.addUpTo('k#requests', 2, 5, expiresAt)).toBe(5);
    expect(await store.addUpTo('k#requests', 1, 5, expiresAt)).toBeUndefined();
    expect(await store.add('k#tokens', 0, expiresAt)).toBe(0);
    expect(await store.add('k#tokens', 42, expiresAt)).toBe(42);
    expect(await store.add('k#tokens', 0, expiresAt)).toBe(42);
    expect(await store.add('k#tokens', -2, expiresAt)).toBe(40);
    const item = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'k#requests' } } }));
    expect(item.Item).toEqual({ pk: { S: 'k#requests' }, value: { N: '5' }, expiresAt: { N: String(expiresAt.getTime() / 1000) } });
    client.destroy();
  });

  test('concurrency slots in DynamoDB: two instances never run more than the limit; slots come back', async () => {
    const table = await createCounterTable(moto, 'concurrency-slots');
    const client = new DynamoDBClient(moto.clientConfig);
    const store = new DynamoDbCounterStore(client, table);
    const errors: unknown[] = [];
    const [a, b] = [new Limiter(store, (err) => errors.push(err)), new Limiter(store, (err) => errors.push(err))];
    // A limit of 300 leases slots 3 at a time.
    const limits = { maxConcurrentRequests: 300 };
    const admitted = async (limiter: Limiter, n: number) => (await Promise.all(Array.from({ length: n }, () => limiter.admit('k', limits)))).filter((x) => !x.refusal);
    const onA = await admitted(a, 200);
    const onB = await admitted(b, 200);
    // a took its last slots with up to two spare ones, which b cannot use while a holds them.
    expect(onA.length).toBe(200);
    expect(onB.length).toBeGreaterThanOrEqual(98);
    expect(onB.length).toBeLessThanOrEqual(100);
    for (const admission of onA) admission.settle(0);
    // Idle for a second, a has given all its slots back: b can run up to the limit.
    await sleep(1200);
    expect((await admitted(b, 300)).length).toBe(300 - onB.length);
    expect(errors).toEqual([]);
    client.destroy();
  });

  test('two gateway processes sharing one limits table: the limits hold across both', async () => {
    const table = await createCounterTable(moto, 'gateway-limits');
    const script = await bundleProxyEntry('server', mkdtempSync(join(tmpdir(), 'gateway-limits-')));
    const document = {
      keys: [
        { name: 'rpm-5', key: 'sk-rpm-5', limits: { requestsPerMinute: 5 } },
        { name: 'budget', key: 'sk-budget', limits: { tokensPerMonth: 1 } },
      ],
    };
    const env = {
      ...emulator.environment,
      AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
      API_KEYS_DOCUMENT: JSON.stringify(document),
      LIMITS_TABLE_NAME: table,
      GATEWAY_NAME: 'shared',
    };
    const [one, two] = await Promise.all([startServerProcess(script, env), startServerProcess(script, env)]);
    servers.push(one, two);
    const client = (server: ServerProcess, key: string) => new OpenAI({ baseURL: server.baseURL, apiKey: key, maxRetries: 0 });

    await awayFromMinuteEnd();
    // 12 requests alternating between the processes: exactly 5 pass. (One at a time: moto_server, unlike DynamoDB,
    // does not serialize concurrent conditional updates of one item.)
    const outcomes: Array<number> = [];
    for (let i = 0; i < 12; i++) outcomes.push(await chat(client(i % 2 ? two : one, 'sk-rpm-5')).then(() => 200, (e) => e.status));
    expect(outcomes.filter((s) => s === 200)).toHaveLength(5);
    expect(outcomes.filter((s) => s === 429)).toHaveLength(7);

    // Tokens one process counted are seen by the other (added to the table within TOKENS_FLUSH_MS).
    await chat(client(one, 'sk-budget'));
    await sleep(300);
    const err = await chat(client(two, 'sk-budget')).catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.error.code).toBe('insufficient_quota');

    for (const server of [one, two]) {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
    // Each process wrote its own metrics lines, with the gateway's name.
    const metrics = [one, two].flatMap((s) => s.stdout().split('\n').filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l)));
    expect(metrics.filter((m) => m.KeyName === 'rpm-5').map((m) => m.Throttled).sort()).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    expect(new Set(metrics.map((m) => m.Gateway))).toEqual(new Set(['shared']));
  }, 60_000);
});
