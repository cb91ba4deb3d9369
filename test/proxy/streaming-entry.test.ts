import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { firstDeltaGate } from './first-delta-gate';
import { BedrockEmulator, StreamStep } from '../emulator/bedrock-emulator';
import { slowWords } from '../emulator/slow-stream';
import { installLambdaStreamingRuntime } from '../support/lambda-streaming-runtime';
import { LocalApiGateway, startLocalApiGateway } from '../support/local-api-gateway';

const KEY = 'sk-streaming-test';
const MODEL = 'amazon.nova-lite-v1:0';
const ev = (event: Record<string, unknown>): StreamStep => ({ event });

describe('streaming Lambda entry point (API Gateway REST, response streaming)', () => {
  let emulator: BedrockEmulator;
  let gateway: LocalApiGateway;
  const saved = { ...process.env };

  beforeAll(async () => {
    emulator = await BedrockEmulator.start();
    // The deployed function is configured only by environment; the SDK picks the emulator up from AWS_ENDPOINT_URL_*.
    // REQUEST_TIMEOUT_SECONDS (a load balancer's idle timeout) does not apply behind API Gateway.
    Object.assign(process.env, { ...emulator.environment, API_KEY: KEY, LOG_LEVEL: 'silent', REQUEST_TIMEOUT_SECONDS: '1' });
    installLambdaStreamingRuntime();
    const { handler } = await import('../../lambda/streaming');
    gateway = await startLocalApiGateway(handler);
  });
  afterAll(async () => {
    process.env = saved;
    await gateway?.stop();
    await emulator?.stop();
  });
  beforeEach(() => emulator.reset());

  const sdk = (apiKey = KEY) => new OpenAI({ baseURL: `${gateway.stageUrl}/api/v1`, apiKey, maxRetries: 0 });

  test('the OpenAI SDK lists models and embeds through the stage URL', async () => {
    const page = await sdk().models.list();
    expect(page.data.map((m) => m.id)).toContain(MODEL);
    const res = await sdk().embeddings.create({ model: 'amazon.titan-embed-text-v2:0', input: 'hi', dimensions: 256 });
    expect(res.data[0].embedding).toHaveLength(256);
  });

  test('a non-streamed completion and its headers arrive whole, with their real status', async () => {
    const res = await fetch(`${gateway.stageUrl}/api/v1/chat/completions?trace=1&trace=2`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'whole answer' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = await res.json();
    expect(body.choices[0].message.content).toBe('whole answer');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(JSON.stringify(body)));
  });

  test('errors keep their status and OpenAI shape: 401, 404 route, 400 validation, 429 with Retry-After', async () => {
    const unauthorized = await sdk('sk-wrong').models.list().catch((e) => e);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(unauthorized.error).toEqual({ message: 'Incorrect API key provided.', type: 'authentication_error', param: null, code: 'invalid_api_key' });

    const missing = await fetch(`${gateway.stageUrl}/api/v1/nowhere`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('unknown_url');

    const invalid = await sdk().chat.completions.create({ model: MODEL, messages: [{ role: 'wizard' as 'user', content: 'x' }] }).catch((e) => e);
    expect(invalid).toBeInstanceOf(OpenAI.BadRequestError);
    expect(invalid.param).toBe('messages[0].role');

    emulator.failOperation('Converse', { type: 'ThrottlingException', message: 'Too many requests, please wait.' });
    const throttled = await fetch(`${gateway.stageUrl}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect((await throttled.json()).error.code).toBe('rate_limit_exceeded');
  });

  test('the first chunk reaches the SDK while Bedrock is still sending', async () => {
    const gate = firstDeltaGate();
    emulator.onConverseStream(async function* () {
      yield ev({ messageStart: { role: 'assistant' } });
      yield ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'first' } } });
      await gate.released; // the rest comes only once the client has the first delta
      yield { delayMs: 20 };
      yield ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: ' second' } } });
      yield ev({ messageStop: { stopReason: 'end_turn' } });
      yield ev({ metadata: { usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 }, metrics: { latencyMs: 1 } } });
    });
    const stream = await sdk().chat.completions.create({
      model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true },
    });
    const { texts, firstArrivedUnprompted, usage } = await gate.read(stream);
    expect(firstArrivedUnprompted).toBe(true);
    expect(texts).toEqual(['first', ' second']);
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  }, 10_000);

  test('a client that disconnects mid-stream aborts the Bedrock stream and ends the invocation', async () => {
    emulator.onConverseStream(() => slowWords());
    const stream = await sdk().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Talk' }], stream: true });
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++received === 2) break; // leaving the loop aborts the HTTP request
    }
    const [call] = emulator.callsTo('ConverseStream');
    await expect.poll(() => call.closedByClient, { timeout: 3000 }).toBe(true);
    await expect(gateway.invocations.at(-1)!.done).resolves.toBeUndefined();
  });

  test('a stream may outlast REQUEST_TIMEOUT_SECONDS, which is a load balancer\'s', async () => {
    emulator.onConverseStream(() => slowWords(3, 600));
    let text = '';
    const stream = await sdk().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Talk' }], stream: true });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('word0 word1 word2 ');
  });

  test('a stream still running a second before the function\'s timeout ends with a timeout error event, and the Bedrock stream is ended', async () => {
    const { handler } = await import('../../lambda/streaming');
    const hurried = await startLocalApiGateway(handler, 'prod', 1500);
    try {
      emulator.onConverseStream(() => slowWords(3, 20_000));
      let text = '';
      const stream = await new OpenAI({ baseURL: `${hurried.stageUrl}/api/v1`, apiKey: KEY, maxRetries: 0 })
        .chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Talk' }], stream: true });
      const error = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })().catch((err: unknown) => err as InstanceType<typeof OpenAI.APIError>);
      expect(text).toBe('word0 ');
      expect(error?.error).toEqual({
        message: 'The upstream call did not finish within the 0.5 s the request had left, and was ended. Please retry, or ask for a shorter answer.',
        type: 'server_error',
        param: null,
        code: 'timeout',
      });
      await expect.poll(() => emulator.callsTo('ConverseStream')[0].closedByClient).toBe(true);
      await expect(hurried.invocations[0].done).resolves.toBeUndefined();
    } finally {
      await hurried.stop();
    }
  });
});
