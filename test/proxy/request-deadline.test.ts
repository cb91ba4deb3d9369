import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { useHarness } from './harness';
import { StreamStep } from '../emulator/bedrock-emulator';

const MODEL = 'amazon.nova-lite-v1:0';
const ask = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hi' }] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const words = (...texts: string[]): StreamStep[] =>
  texts.map((text) => ({ event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text } } } }));
const timeout = {
  message: 'The upstream call did not finish within the 1.0 s the request had left, and was ended. Please retry, or ask for a shorter answer.',
  type: 'server_error',
  param: null,
  code: 'timeout',
};

/** What a call through the official SDK failed with. */
async function failure(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  return call.then(() => { throw new Error('the call succeeded'); }, (err: unknown) => err as InstanceType<typeof OpenAI.APIError>);
}

// The long-running server's callers wait REQUEST_TIMEOUT_SECONDS (the load balancer's idle timeout) for an answer to start.
describe('REQUEST_TIMEOUT_SECONDS', () => {
  const h = useHarness({ env: { REQUEST_TIMEOUT_SECONDS: '2' } });

  test('a Converse call that outlasts it is ended and answered with a 504 before the caller gives up; the next request is served', async () => {
    h.emulator.onConverse(() => ({ delayMs: 20_000, output: {} }));
    const began = Date.now();
    const error = await failure(h.openai.chat.completions.create(ask));
    expect(Date.now() - began).toBeLessThan(2000);
    expect(error.status).toBe(504);
    expect(error.error).toEqual(timeout);
    await expect.poll(() => h.emulator.callsTo('Converse')[0].closedByClient).toBe(true);
    h.emulator.reset();
    expect((await h.openai.chat.completions.create(ask)).choices[0].message.content).toBe('Hi');
  });

  test('the Responses API and embeddings are bounded the same way', async () => {
    h.emulator.onConverse(() => ({ delayMs: 20_000, output: {} }));
    h.emulator.onInvokeModel(() => ({ delayMs: 20_000, body: {} }));
    const [response, embedding] = await Promise.all([
      failure(h.openai.responses.create({ model: MODEL, input: 'Hi' })),
      failure(h.openai.embeddings.create({ model: 'amazon.titan-embed-text-v2:0', input: 'Hi' })),
    ]);
    expect([response.status, embedding.status]).toEqual([504, 504]);
    expect(embedding.error).toEqual(timeout);
    await expect.poll(() => h.emulator.callsTo('InvokeModel')[0].closedByClient).toBe(true);
    await expect.poll(() => h.emulator.callsTo('Converse')[0].closedByClient).toBe(true);
  });

  test('a stream Bedrock does not start in time is a 504 JSON answer', async () => {
    h.emulator.onConverseStream(async () => {
      await sleep(20_000);
      return [];
    });
    const error = await failure(h.openai.chat.completions.create({ ...ask, stream: true }));
    expect(error.status).toBe(504);
    expect(error.error).toEqual(timeout);
    await expect.poll(() => h.emulator.callsTo('ConverseStream')[0].closedByClient).toBe(true);
  });

  test('a started stream may last longer: its events keep the caller\'s connection alive', async () => {
    h.emulator.onConverseStream(() => [
      { event: { messageStart: { role: 'assistant' } } }, ...words('one'), { delayMs: 800 }, ...words(' two'), { delayMs: 800 }, ...words(' three'),
      { delayMs: 800 }, ...words(' four'), { event: { messageStop: { stopReason: 'end_turn' } } },
    ]);
    let text = '';
    for await (const chunk of await h.openai.chat.completions.create({ ...ask, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three four');
  });
});
