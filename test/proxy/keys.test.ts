import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { useHarness } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOVA = 'amazon.nova-lite-v1:0';
const TITAN = 'amazon.titan-embed-text-v2:0';
const SONNET_4 = 'anthropic.claude-sonnet-4-20250514-v1:0';
const SONNET_35 = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
/** The emulator's application inference profile for SONNET_35. */
const TEAM_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-claude-a1b2c3';
const KEYS = {
  keys: [
    { name: 'search-team', key: 'sk-search', models: [NOVA, TITAN, SONNET_4] },
    { name: 'rpm', key: 'sk-rpm', limits: { requestsPerMinute: 3 } },
    { name: 'chat-budget', key: 'sk-chat-budget', limits: { tokensPerMonth: 1 } },
    { name: 'stream-budget', key: 'sk-stream-budget', limits: { tokensPerMonth: 1 } },
    { name: 'embed-tpm', key: 'sk-embed-tpm', limits: { tokensPerMinute: 1 } },
    { name: 'one-at-a-time', key: 'sk-one', limits: { maxConcurrentRequests: 1 } },
    { name: 'routed', key: 'sk-routed', models: [SONNET_35, TITAN], inferenceProfiles: { [SONNET_35]: TEAM_PROFILE } },
    { name: 'budget-600', key: 'sk-budget-600', limits: { tokensPerMonth: 600 } },
    { name: 'off', key: 'sk-off', disabled: true },
  ],
};

function keysFile(doc: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gateway-keys-')), 'keys.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

/** Per-minute limits reset on the minute: start a test that spends one well inside a minute. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 8000) await sleep(left + 100);
}

const chat = (client: OpenAI, model = NOVA) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'one two three' }] });

describe('a keys file of several keys (API_KEYS_FILE), through the official OpenAI SDK', () => {
  const h = useHarness({ env: { API_KEYS_FILE: keysFile(KEYS) } });

  test('each key is its own caller; a disabled, unknown or malformed key is a 401', async () => {
    expect((await chat(h.client('sk-search'))).choices[0].message.content).toBe('one two three');
    for (const key of ['sk-off', 'sk-unknown', 'sk-searc', 'sk-search-and-more', 'Bearer sk-search']) {
      const err = await h.client(key).models.list().catch((e) => e);
      expect(err, key).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err.code).toBe('invalid_api_key');
    }
  });

  test('a model outside the key\'s list is a 403 naming the model, never the key; its cross-region profiles are allowed', async () => {
    const err = await chat(h.client('sk-search'), 'meta.llama3-8b-instruct-v1:0').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.error).toEqual({
      message: 'This API key does not have access to model `meta.llama3-8b-instruct-v1:0`.', type: 'permission_error', param: 'model', code: 'model_not_allowed',
    });
    expect(JSON.stringify(err.error)).not.toMatch(/sk-search|search-team/);
    const viaGpt = await chat(h.client('sk-search'), 'gpt-4o').catch((e) => e);
    expect(viaGpt.status).toBe(403);
    expect(viaGpt.message).toContain(h.config.defaultModel);
    expect((await chat(h.client('sk-search'), `us.${SONNET_4}`)).choices[0].message.content).toBe('one two three');
    expect(h.emulator.calls.filter((c) => c.operation === 'Converse').map((c) => c.modelId)).toEqual([`us.${SONNET_4}`]);
  });

  test('GET /models lists only what the key may use; /models/{id} of another model is a 404', async () => {
    const ids = (await h.client('sk-search').models.list()).data.map((m) => m.id).sort();
    expect(ids).toEqual([
      NOVA, TITAN, `apac.${SONNET_4}`, `eu.${SONNET_4}`, `global.${SONNET_4}`, `us.${NOVA}`, `us.${SONNET_4}`,
    ].sort());
    expect((await h.client('sk-search').models.retrieve(`eu.${SONNET_4}`)).id).toBe(`eu.${SONNET_4}`);
    expect(await h.client('sk-search').models.retrieve('meta.llama3-8b-instruct-v1:0').catch((e) => e.status)).toBe(404);
    expect((await h.client('sk-one').models.list()).data.length).toBeGreaterThan(ids.length);
  });

  test('requests per minute: x-ratelimit headers on every answer, then a 429 rate_limit_exceeded with Retry-After', async () => {
    await awayFromMinuteEnd();
    const client = h.client('sk-rpm');
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await chat(client).withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
      remaining.push(response.headers.get('x-ratelimit-remaining-requests')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const err = await chat(client).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null });
    expect(err.error.message).toMatch(/^Rate limit reached for requests per minute \(RPM\): limit 3\. Please try again in \d+s\.$/);
    expect(Number(err.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(err.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(err.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    // A key without limits gets no rate-limit headers.
    const { response } = await chat(h.client('sk-search')).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
    expect(h.emulator.callsTo('Converse')).toHaveLength(4);
  });

  test.each([false, true])('a spent monthly budget is a 429 insufficient_quota; the tokens of a chat (stream: %s) count', async (stream) => {
    const client = h.client(stream ? 'sk-stream-budget' : 'sk-chat-budget');
    if (stream) {
      let text = '';
      for await (const chunk of await client.chat.completions.create({ model: NOVA, stream: true, messages: [{ role: 'user', content: 'one two three' }] })) {
        text += chunk.choices[0]?.delta?.content ?? '';
      }
      expect(text).toBe('one two three');
    } else {
      await chat(client);
    }
    const err = await chat(client).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(err.error.message).toMatch(/^You exceeded your current quota: this key's monthly budget of 1 tokens is spent \(used 6\)\./);
    const retryAfter = Number(err.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(31 * 86_400);
    expect(h.emulator.callsTo(stream ? 'ConverseStream' : 'Converse')).toHaveLength(1);
    expect(err.headers.get('x-should-retry')).toBe('false');
  });

  test('the OpenAI SDK does not retry a spent budget (x-should-retry: false), as it retries other 429s', async () => {
    const attempts: string[] = [];
    const countingFetch: typeof fetch = async (url, init) => {
      attempts.push(String(url));
      return fetch(url, init);
    };
    const client = new OpenAI({ baseURL: h.client('sk-chat-budget').baseURL, apiKey: 'sk-chat-budget', maxRetries: 2, fetch: countingFetch });
    await chat(client).catch(() => undefined);
    attempts.length = 0;
    expect((await chat(client).catch((e) => e)).error.code).toBe('insufficient_quota');
    expect(attempts).toHaveLength(1);
  });

  test('embeddings tokens count toward tokens per minute; the -tokens headers show it', async () => {
    await awayFromMinuteEnd();
    const client = h.client('sk-embed-tpm');
    const { data, response } = await client.embeddings.create({ model: TITAN, input: ['alpha beta', 'gamma'] }).withResponse();
    expect(data.usage.prompt_tokens).toBe(3);
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('1');
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe('1');
    const err = await client.embeddings.create({ model: TITAN, input: 'delta' }).catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.error.code).toBe('rate_limit_exceeded');
    expect(err.error.message).toMatch(/^Rate limit reached for tokens per minute \(TPM\): limit 1, used 3\./);
    expect(err.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    expect(err.headers.get('x-ratelimit-reset-tokens')).toMatch(/^\d+s$/);
  });

  test('max concurrent requests: a second request while a stream runs is a 429; once it has ended, the next passes', async () => {
    h.emulator.onConverseStream(() => [
      { event: { messageStart: { role: 'assistant' } } },
      { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'slow' } } } },
      { delayMs: 300 },
      { event: { contentBlockStop: { contentBlockIndex: 0 } } },
      { event: { messageStop: { stopReason: 'end_turn' } } },
      { event: { metadata: { usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, metrics: { latencyMs: 300 } } } },
    ]);
    const client = h.client('sk-one');
    const stream = await client.chat.completions.create({ model: NOVA, stream: true, messages: [{ role: 'user', content: 'x' }] });
    const err = await chat(client).catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.error.message).toBe('Too many concurrent requests: this key allows 1 at once. Please retry when one has finished.');
    expect(err.headers.get('retry-after')).toBe('1');
    for await (const chunk of stream) void chunk;
    await sleep(50);
    expect((await chat(client)).choices[0].message.content).toBe('one two three');
  });

  test('a key with an inference profile for a model sends that model\'s requests through the profile', async () => {
    const client = h.client('sk-routed');
    const completion = await chat(client, SONNET_35);
    expect(completion.model).toBe(SONNET_35);
    await client.embeddings.create({ model: TITAN, input: 'alpha' });
    expect(h.emulator.calls.map((c) => [c.operation, c.modelId])).toEqual([['Converse', TEAM_PROFILE], ['InvokeModel', TITAN]]);
  });

  test('usage metrics: one embedded-metric-format line per authenticated request, with the key and the model', async () => {
    await chat(h.client('sk-search'));
    await chat(h.client('sk-search'), 'meta.llama3-8b-instruct-v1:0').catch(() => undefined);
    await h.client('sk-unknown').models.list().catch(() => undefined);
    await sleep(50);
    const metrics = h.logs.filter((line) => '_aws' in line);
    expect(metrics).toHaveLength(2);
    const [ok, forbidden] = metrics as any[];
    expect(ok).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [{
          Namespace: 'BedrockAccessGateway',
          Dimensions: [['Gateway', 'KeyName', 'Model'], ['Gateway', 'KeyName'], ['Gateway', 'Model'], ['Gateway']],
          Metrics: [
            { Name: 'Requests', Unit: 'Count' }, { Name: 'InputTokens', Unit: 'Count' }, { Name: 'OutputTokens', Unit: 'Count' },
            { Name: 'CacheReadTokens', Unit: 'Count' }, { Name: 'Errors4xx', Unit: 'Count' }, { Name: 'Errors5xx', Unit: 'Count' },
            { Name: 'Throttled', Unit: 'Count' }, { Name: 'Latency', Unit: 'Milliseconds' },
          ],
        }],
      },
      Gateway: 'bedrock-access-gateway',
      KeyName: 'search-team',
      Model: NOVA,
      Requests: 1,
      InputTokens: 3,
      OutputTokens: 3,
      CacheReadTokens: 0,
      Errors4xx: 0,
      Errors5xx: 0,
      Throttled: 0,
      Latency: expect.any(Number),
    });
    // Refused before a model was resolved: no Model dimension.
    expect(forbidden).toMatchObject({ KeyName: 'search-team', Errors4xx: 1, InputTokens: 0 });
    expect(forbidden.Model).toBeUndefined();
    expect(forbidden._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Gateway', 'KeyName'], ['Gateway']]);
    expect(JSON.stringify(h.logs)).not.toMatch(/sk-search|sk-unknown|one two three/);
  });

  test('metrics: a limit\'s 429 is Throttled; a monthly budget reports the share used', async () => {
    await chat(h.client('sk-chat-budget')).catch(() => undefined);
    await chat(h.client('sk-budget-600'));
    await sleep(50);
    const metrics = h.logs.filter((line) => '_aws' in line) as any[];
    expect(metrics.map((m) => [m.KeyName, m.Throttled, m.Errors4xx, m.MonthlyTokenBudgetUsedPercent])).toEqual([
      ['chat-budget', 1, 1, undefined],
      ['budget-600', 0, 0, 1],
    ]);
    expect(metrics[1]._aws.CloudWatchMetrics[1]).toEqual({
      Namespace: 'BedrockAccessGateway', Dimensions: [['Gateway', 'KeyName']], Metrics: [{ Name: 'MonthlyTokenBudgetUsedPercent', Unit: 'Percent' }],
    });
  });
});

describe('keys-document edits take effect within API_KEY_CACHE_TTL_SECONDS, without a restart', () => {
  const path = keysFile({ keys: [{ name: 'team', key: 'sk-before' }, { name: 'other', key: 'sk-other' }] });
  const h = useHarness({ env: { API_KEYS_FILE: path, API_KEY_CACHE_TTL_SECONDS: '1' } });

  test('a rotated key is honoured and the old one refused; a disabled key is refused; a broken file keeps the last good keys', async () => {
    expect((await h.client('sk-before').models.list()).data.length).toBeGreaterThan(0);
    writeFileSync(path, JSON.stringify({ keys: [{ name: 'team', key: 'sk-after' }, { name: 'other', key: 'sk-other', disabled: true }] }));
    // Still cached.
    expect((await h.client('sk-other').models.list()).data.length).toBeGreaterThan(0);
    await sleep(1100);
    expect((await h.client('sk-after').models.list()).data.length).toBeGreaterThan(0);
    expect(await h.client('sk-before').models.list().catch((e) => e.status)).toBe(401);
    expect(await h.client('sk-other').models.list().catch((e) => e.status)).toBe(401);
    writeFileSync(path, '{"keys": [');
    await sleep(1100);
    expect((await h.client('sk-after').models.list()).data.length).toBeGreaterThan(0);
  });
});
