import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { build } from '../../lambda/app';
import { loadConfig } from '../../lambda/config';
import { createDeps } from '../../lambda/create-deps';
import { RequestUsage } from '../../lambda/usage/request-usage';
import { BedrockEmulator } from '../emulator/bedrock-emulator';

const MODEL = 'amazon.nova-lite-v1:0';
const auth = { 'authorization': 'Bearer sk-usage', 'content-type': 'application/json' };

describe('per-request model and usage, as the shared stages after each answer see them', () => {
  let emulator: BedrockEmulator;
  let app: ReturnType<typeof build>;
  const seen: Array<{ caller: string; modelId: string | null; usage: RequestUsage | null }> = [];

  beforeAll(async () => {
    emulator = await BedrockEmulator.start();
    const config = loadConfig({ API_KEY: 'sk-usage', LOG_LEVEL: 'silent' });
    app = build(config, createDeps(config, { bedrock: { ...emulator.clientConfig, maxAttempts: 1 } }));
    // GIVEN a hook that runs once each response has been sent, as limits and metrics do
    app.addHook('onResponse', async (request) => {
      seen.push({ caller: request.caller?.name, modelId: request.modelId, usage: request.usage });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await emulator.stop();
  });

  test.each([false, true])('chat (stream: %s) records the model and the tokens Bedrock reported', async (stream) => {
    seen.splice(0);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/chat/completions',
      headers: auth,
      payload: { model: MODEL, stream, stream_options: stream ? { include_usage: true } : undefined, messages: [{ role: 'user', content: 'one two three' }] },
    });
    expect(res.statusCode).toBe(200);
    const usage = stream
      ? JSON.parse(res.body.split('\n\n').filter((e) => e.startsWith('data: {')).at(-1)!.slice(6)).usage
      : res.json().usage;
    // onResponse hooks run once the response has been sent, which can be after inject resolves.
    await vi.waitFor(() => expect(seen).toEqual([{
      caller: 'default',
      modelId: MODEL,
      usage: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, cacheReadTokens: 0, cacheWriteTokens: 0 },
    }]));
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
  });

  test.each([false, true])('responses (stream: %s) record the model and the tokens Bedrock reported', async (stream) => {
    seen.splice(0);
    const res = await app.inject({
      method: 'POST', url: '/api/v1/responses', headers: auth, payload: { model: MODEL, stream, store: false, input: 'one two three' },
    });
    expect(res.statusCode).toBe(200);
    const usage = stream ? JSON.parse(res.body.trim().split('\n').at(-1)!.slice(6)).response.usage : res.json().usage;
    await vi.waitFor(() => expect(seen).toEqual([{
      caller: 'default',
      modelId: MODEL,
      usage: { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, cacheReadTokens: 0, cacheWriteTokens: 0 },
    }]));
    expect(usage.output_tokens).toBe(3);
  });

  test('embeddings record the input tokens of every call', async () => {
    seen.splice(0);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/embeddings',
      headers: auth,
      payload: { model: 'amazon.titan-embed-text-v2:0', input: ['alpha beta', 'gamma'] },
    });
    expect(res.statusCode).toBe(200);
    const tokens = res.json().usage.prompt_tokens;
    expect(tokens).toBeGreaterThan(0);
    await vi.waitFor(() => expect(seen).toEqual([{
      caller: 'default',
      modelId: 'amazon.titan-embed-text-v2:0',
      usage: { inputTokens: tokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    }]));
  });

  test('a request refused before Bedrock answers records no usage', async () => {
    seen.splice(0);
    const res = await app.inject({ method: 'POST', url: '/api/v1/chat/completions', headers: auth, payload: { model: MODEL, messages: [] } });
    expect(res.statusCode).toBe(400);
    await vi.waitFor(() => expect(seen).toEqual([{ caller: 'default', modelId: null, usage: null }]));
  });
});
