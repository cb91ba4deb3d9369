import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiKeyVerifier } from '../../../lambda/auth/api-key-verifier';
import { DynamoDbResponseStore } from '../../../lambda/responses/dynamodb-response-store';
import { MemoryResponseStore } from '../../../lambda/responses/memory-response-store';
import { ResponseObject } from '../../../lambda/responses/response-object';
import { ResponseStore, StoredResponse } from '../../../lambda/responses/response-store';
import { bundleProxyEntry } from '../../../scripts/bundle-proxy';
import { BedrockEmulator } from '../../emulator/bedrock-emulator';
import { createCounterTable, Moto, motoAvailable, startMoto } from '../../support/moto';
import { Harness, startHarness, useHarness } from '../harness';
import { ServerProcess, startServerProcess } from '../server-process';

const NOVA = 'amazon.nova-lite-v1:0';

/** A stored response with this id and, optionally, a large input. */
function stored(id: string, inputText = 'hello'): StoredResponse {
  return { response: { id, object: 'response', status: 'completed', output: [] } as unknown as ResponseObject, input: [{ role: 'user', content: inputText }] };
}

/** Two named keys, as a keys document gives them: alice and bob. */
const twoKeys: ApiKeyVerifier = {
  verify: async (presented) => ({ 'sk-alice': { name: 'alice' }, 'sk-bob': { name: 'bob' } } as Record<string, { name: string }>)[presented],
};

async function status(promise: Promise<unknown>): Promise<number | undefined> {
  return promise.then(() => 200, (e: InstanceType<typeof OpenAI.APIError>) => e.status);
}

/** The behaviour every store implementation shares. */
function storeContract(name: string, make: (now: () => number) => ResponseStore | Promise<ResponseStore>) {
  describe(`${name}: the store contract`, () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    let store: ResponseStore;
    beforeAll(async () => { store = await make(() => clock); });

    test('a response is found by its owner only; another key gets nothing, as for an unknown id', async () => {
      await store.put('alice', stored('resp_a'));
      expect(await store.get('alice', 'resp_a')).toEqual(stored('resp_a'));
      expect(await store.get('bob', 'resp_a')).toBeUndefined();
      expect(await store.delete('bob', 'resp_a')).toBe(false);
      expect(await store.get('alice', 'resp_a')).toEqual(stored('resp_a'));
      expect(await store.get('alice', 'resp_none')).toBeUndefined();
    });

    test('delete removes it for its owner', async () => {
      await store.put('alice', stored('resp_d'));
      expect(await store.delete('alice', 'resp_d')).toBe(true);
      expect(await store.get('alice', 'resp_d')).toBeUndefined();
      expect(await store.delete('alice', 'resp_d')).toBe(false);
    });

    test('a response past its TTL is gone', async () => {
      await store.put('alice', stored('resp_t'));
      clock += 31 * 86_400_000;
      expect(await store.get('alice', 'resp_t')).toBeUndefined();
    });
  });
}

storeContract('MemoryResponseStore', (now) => new MemoryResponseStore(30 * 86_400_000, 100, now));

describe('MemoryResponseStore', () => {
  test('is bounded: past maxEntries the oldest response is dropped', async () => {
    const store = new MemoryResponseStore(60_000, 2);
    for (const id of ['resp_1', 'resp_2', 'resp_3']) await store.put('k', stored(id));
    expect(await store.get('k', 'resp_1')).toBeUndefined();
    expect(await store.get('k', 'resp_3')).toBeDefined();
  });
});

describe.skipIf(!motoAvailable)('DynamoDbResponseStore against moto_server', () => {
  let moto: Moto;
  let client: DynamoDBClient;
  let tables = 0;
  const newTable = () => createCounterTable(moto, `responses-${++tables}`);
  beforeAll(async () => {
    moto = await startMoto();
    client = new DynamoDBClient(moto.clientConfig);
  });
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  storeContract('DynamoDbResponseStore', async (now) => new DynamoDbResponseStore(client, await newTable(), 30 * 86_400, now));

  test('a body over one item\'s 400 KB is split over items, read back whole, and deleted with all its parts', async () => {
    const table = await newTable();
    const store = new DynamoDbResponseStore(client, table, 86_400);
    const large = stored('resp_big', randomBytes(600_000).toString('base64'));
    await store.put('alice', large);
    const items = (await client.send(new ScanCommand({ TableName: table }))).Items!;
    expect(items.map((i) => i.pk.S).sort()).toEqual(['response#resp_big', 'response#resp_big#1']);
    expect(items.every((i) => Number(i.expiresAt.N) > Date.now() / 1000)).toBe(true);
    expect(items.find((i) => i.pk.S === 'response#resp_big')!.owner.S).toBe('alice');
    expect(await store.get('alice', 'resp_big')).toEqual(large);
    expect(await store.get('bob', 'resp_big')).toBeUndefined();
    expect(await store.delete('alice', 'resp_big')).toBe(true);
    expect((await client.send(new ScanCommand({ TableName: table }))).Items).toEqual([]);
  });

  test('a store failure (here a missing table) is a 500 server error, not taken for a Bedrock error', async () => {
    const h = await startHarness({ env: { RESPONSES_TABLE_NAME: 'no-such-table' }, deps: { responseStore: moto.clientConfig } });
    try {
      const error = await h.openai.responses.create({ model: NOVA, input: 'hello' }).catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(error.error).toMatchObject({ type: 'server_error', code: null });
      const failure = h.logs.find((l) => l.msg === 'request failed') as { error: { message: string; cause: { name: string } } };
      expect(failure.error).toMatchObject({ message: 'response store: PutItem on no-such-table failed', cause: { name: 'ResourceNotFoundException' } });
    } finally {
      await h.stop();
    }
  });

  describe('through the gateway (openai SDK), two keys sharing one table', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ env: { RESPONSES_TABLE_NAME: await newTable() }, deps: { responseStore: moto.clientConfig }, apiKeys: twoKeys });
    });
    afterAll(async () => { await h?.stop(); });

    test('store, retrieve, continue with previous_response_id and delete; another key sees none of it (404)', async () => {
      const alice = h.client('sk-alice');
      const bob = h.client('sk-bob');
      const first = await alice.responses.create({ model: NOVA, instructions: 'Be brief.', input: 'alpha beta' });
      expect((await alice.responses.retrieve(first.id)).output_text).toBe('alpha beta');

      const second = await alice.responses.create({ model: NOVA, input: 'gamma', previous_response_id: first.id });
      expect(second.previous_response_id).toBe(first.id);
      // Bedrock gets the stored turns and the new one; instructions are not carried over, as OpenAI does.
      expect(h.emulator.callsTo('Converse').at(-1)!.body).toEqual({
        messages: [
          { role: 'user', content: [{ text: 'alpha beta' }] },
          { role: 'assistant', content: [{ text: 'alpha beta' }] },
          { role: 'user', content: [{ text: 'gamma' }] },
        ],
      });

      expect(await status(bob.responses.retrieve(first.id))).toBe(404);
      expect(await status(bob.responses.delete(first.id))).toBe(404);
      const calls = h.emulator.callsTo('Converse').length;
      const error = await bob.responses.create({ model: NOVA, input: 'x', previous_response_id: first.id }).catch((e) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error.error).toMatchObject({ param: 'previous_response_id', code: 'response_not_found' });
      expect(h.emulator.callsTo('Converse')).toHaveLength(calls);

      await alice.responses.delete(first.id);
      expect(await status(alice.responses.retrieve(first.id))).toBe(404);
      expect(await status(alice.responses.retrieve(second.id))).toBe(200);
    });

    test('a streamed response is stored before response.completed reaches the client', async () => {
      const alice = h.client('sk-alice');
      const stream = alice.responses.stream({ model: NOVA, input: 'streamed words' });
      let completedId: string | undefined;
      for await (const event of stream) {
        if (event.type === 'response.completed') completedId = event.response.id;
      }
      expect((await alice.responses.retrieve(completedId!)).output_text).toBe('streamed words');
    });

    test('store: false keeps nothing', async () => {
      const alice = h.client('sk-alice');
      const response = await alice.responses.create({ model: NOVA, input: 'not kept', store: false });
      expect((response as unknown as { store: boolean }).store).toBe(false);
      expect(await status(alice.responses.retrieve(response.id))).toBe(404);
    });
  });

  describe('two gateway processes (server entry point) sharing the table', () => {
    let emulator: BedrockEmulator;
    const servers: ServerProcess[] = [];
    beforeAll(async () => {
      emulator = await BedrockEmulator.start();
      const script = await bundleProxyEntry('server', mkdtempSync(join(tmpdir(), 'gateway-responses-')));
      const env = {
        ...emulator.environment,
        API_KEYS_DOCUMENT: JSON.stringify({ keys: [{ name: 'alice', key: 'sk-alice' }, { name: 'bob', key: 'sk-bob' }] }),
        RESPONSES_TABLE_NAME: await newTable(),
        AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
      };
      servers.push(await startServerProcess(script, env), await startServerProcess(script, env));
    }, 60_000);
    afterAll(async () => {
      for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.exited));
      await emulator?.stop();
    });

    test('a response stored by one process is retrieved, continued and deleted through the other; another key (keys document) sees none of it', async () => {
      const [a, b] = servers.map((s) => new OpenAI({ baseURL: s.baseURL, apiKey: 'sk-alice', maxRetries: 0 }));
      const bob = new OpenAI({ baseURL: servers[1].baseURL, apiKey: 'sk-bob', maxRetries: 0 });
      const first = await a.responses.create({ model: NOVA, input: 'kept across processes' });
      expect((await b.responses.retrieve(first.id)).output_text).toBe('kept across processes');
      expect(await status(bob.responses.retrieve(first.id))).toBe(404);
      const next = await b.responses.create({ model: NOVA, input: 'and more', previous_response_id: first.id });
      expect(emulator.callsTo('Converse').at(-1)!.body.messages).toHaveLength(3);
      expect((await a.responses.retrieve(next.id)).previous_response_id).toBe(first.id);
      await b.responses.delete(first.id);
      expect(await status(a.responses.retrieve(first.id))).toBe(404);
    });
  });
});

describe('RESPONSES_STORE=none', () => {
  const h = useHarness({ env: { RESPONSES_STORE: 'none' } });

  test('store: true is accepted and keeps nothing; previous_response_id is a clear 400; retrieve is a 404', async () => {
    const response = await h.openai.responses.create({ model: NOVA, input: 'hello', store: true });
    expect(response.output_text).toBe('hello');
    expect(await status(h.openai.responses.retrieve(response.id))).toBe(404);
    const error = await h.openai.responses.create({ model: NOVA, input: 'again', previous_response_id: response.id }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ param: 'previous_response_id', code: 'previous_response_not_supported' });
    expect(error.message).toMatch(/keeps no responses \(RESPONSES_STORE=none\)/);
  });
});
