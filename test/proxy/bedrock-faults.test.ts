import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { TEST_API_KEY, useHarness } from './harness';

const MODEL = 'amazon.nova-lite-v1:0';
const ev = (event: Record<string, unknown>) => ({ event });
const start = [ev({ messageStart: { role: 'assistant' } }), ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Partial' } } })];
const ask = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hi' }] };

/** Reads a stream to its end with the official SDK: the text seen, and the error that ended it, if any. */
async function readStream(openai: OpenAI): Promise<{ text: string; error?: InstanceType<typeof OpenAI.APIError> }> {
  let text = '';
  try {
    const stream = await openai.chat.completions.create({ ...ask, stream: true });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return { text };
  } catch (error) {
    return { text, error: error as InstanceType<typeof OpenAI.APIError> };
  }
}

/** The gateway still serves a plain completion (the process survived the fault and holds nothing for it). */
async function expectServing(openai: OpenAI): Promise<void> {
  const completion = await openai.chat.completions.create(ask);
  expect(completion.choices[0].message.content).toBe('Hi');
}

// Faults of Bedrock as the official OpenAI SDK sees them through the gateway (the SDK makes one attempt here).
describe('Bedrock faults', () => {
  const h = useHarness({ env: { STREAM_IDLE_TIMEOUT_SECONDS: '1', BEDROCK_TIMEOUT_SECONDS: '2' } });

  test('a stream that goes silent ends after STREAM_IDLE_TIMEOUT_SECONDS with a 504 error event, and the Bedrock call is ended', async () => {
    h.emulator.onConverseStream(() => [...start, { delayMs: 20_000 }, ev({ messageStop: { stopReason: 'end_turn' } })]);
    const began = Date.now();
    const { text, error } = await readStream(h.openai);
    expect(Date.now() - began).toBeLessThan(5000);
    expect(text).toBe('Partial');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error!.error).toEqual({ message: 'Amazon Bedrock sent nothing for 1 seconds; the response was ended. Please retry.', type: 'server_error', param: null, code: 'timeout' });
    await expect.poll(() => h.emulator.callsTo('ConverseStream')[0].closedByClient).toBe(true);
    await expectServing(h.openai);
  });

  test('a stream whose first event never comes ends the same way', async () => {
    h.emulator.onConverseStream(() => [{ delayMs: 20_000 }, ...start]);
    const { text, error } = await readStream(h.openai);
    expect(text).toBe('');
    expect(error?.error).toMatchObject({ type: 'server_error', code: 'timeout' });
    await expectServing(h.openai);
  });

  test('a stream whose events keep coming, slower than the bound overall, is not cut', async () => {
    h.emulator.onConverseStream(() => [
      ...start, { delayMs: 600 }, ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: ' and' } } }),
      { delayMs: 600 }, ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: ' done' } } }), ev({ messageStop: { stopReason: 'end_turn' } }),
    ]);
    expect(await readStream(h.openai)).toEqual({ text: 'Partial and done' });
  });

  test('a connection reset mid-stream ends the stream with a 502 error event', async () => {
    h.emulator.onConverseStream(() => [...start, { hangUp: true }]);
    const { text, error } = await readStream(h.openai);
    expect(text).toBe('Partial');
    expect(error?.error).toEqual({ message: 'The connection to Amazon Bedrock failed. Please retry.', type: 'server_error', param: null, code: 'upstream_connection_error' });
    await expectServing(h.openai);
  });

  test('a connection reset before the answer is a 502 with Retry-After', async () => {
    h.emulator.onConverse(() => ({ hangUp: true }));
    const error = await h.openai.chat.completions.create(ask).catch((e: unknown) => e) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_connection_error');
    expect(error.headers?.get('retry-after')).toBe('1');
    h.emulator.reset();
    await expectServing(h.openai);
  });

  test('a Converse call that outlasts BEDROCK_TIMEOUT_SECONDS is a 504', async () => {
    h.emulator.onConverse(() => ({ delayMs: 3000, output: {} }));
    const error = await h.openai.chat.completions.create(ask).catch((e: unknown) => e) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(504);
    expect(error.code).toBe('timeout');
    h.emulator.reset();
    await expectServing(h.openai);
  });

  test.each([
    ['ThrottlingException', 429, 'rate_limit_error'],
    ['ServiceUnavailableException', 503, 'server_error'],
    ['InternalServerException', 500, 'server_error'],
    ['ModelStreamErrorException', 500, 'server_error'],
  ])('%s before the stream starts is a %i; mid-stream it is an error event', async (type, status, errorType) => {
    h.emulator.onConverseStream(() => ({ error: { type, message: 'Bedrock says no' } }));
    const before = await readStream(h.openai);
    expect(before.error?.status).toBe(status);
    expect(before.error?.type).toBe(errorType);

    h.emulator.onConverseStream(() => [...start, { exception: { type, message: 'Bedrock says no' } }]);
    const during = await readStream(h.openai);
    expect(during.text).toBe('Partial');
    expect(during.error?.error).toMatchObject({ type: errorType });
    h.emulator.reset();
    await expectServing(h.openai);
  });

  test('after a burst of faulty streams, the gateway has no request left open', async () => {
    h.emulator.onConverseStream(() => [...start, { hangUp: true }]);
    await Promise.all(Array.from({ length: 20 }, () => readStream(h.openai)));
    h.emulator.onConverseStream(() => [...start, { delayMs: 20_000 }]);
    await Promise.all(Array.from({ length: 20 }, () => readStream(h.openai)));
    h.emulator.reset();
    const res = await fetch(`${h.baseURL}/models`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(res.status).toBe(200);
    const open = await new Promise<number>((resolve, reject) => h.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    // The OpenAI SDK keeps idle keep-alive sockets; none is in the middle of a request.
    expect(h.logs.filter((l) => l.msg === 'request completed')).toHaveLength(41);
    expect(open).toBeLessThanOrEqual(41);
  });
});
