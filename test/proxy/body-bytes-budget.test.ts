import { request } from 'node:http';
import { connect } from 'node:net';
import { getHeapStatistics } from 'node:v8';
import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { TEST_API_KEY, useHarness } from './harness';
import { BodyBytesBudget, defaultBodyBytesInFlight } from '../../lambda/body-bytes-budget';

const never = new AbortController().signal;

/** Settles `promise` into what it ended with, so tests can look at it without awaiting. */
function watch<T>(promise: Promise<T>) {
  const seen: { value?: T; reason?: unknown } = {};
  promise.then((value) => { seen.value = value; }, (reason: unknown) => { seen.reason = reason; });
  return seen;
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BodyBytesBudget', () => {
  test('shares are granted while they fit, then in arrival order as bytes come back', async () => {
    const budget = new BodyBytesBudget(100);
    const first = await budget.take(60, never);
    const second = watch(budget.take(50, never));
    // 30 would fit, but waits behind the 50 that came first: a large body is not starved by small ones.
    const third = watch(budget.take(30, never));
    await tick();
    expect([second.value, third.value]).toEqual([undefined, undefined]);
    first();
    await tick();
    expect(typeof second.value).toBe('function');
    expect(typeof third.value).toBe('function');
    // 80 are taken now; giving the first share back twice frees nothing more.
    first();
    const fourth = watch(budget.take(30, never));
    await tick();
    expect(fourth.value).toBeUndefined();
    second.value!();
    await tick();
    expect(typeof fourth.value).toBe('function');
  });

  test('a share is at most the capacity, so one body of any size can always be read', async () => {
    const budget = new BodyBytesBudget(100);
    const whole = await budget.take(1000, never);
    const next = watch(budget.take(10, never));
    await tick();
    expect(next.value).toBeUndefined();
    whole();
    await tick();
    expect(typeof next.value).toBe('function');
  });

  test('a request that stops waiting leaves the line with its signal\'s reason, and those behind it that fit go on', async () => {
    const budget = new BodyBytesBudget(100);
    const held = await budget.take(70, never);
    const stop = new AbortController();
    const large = watch(budget.take(50, stop.signal));
    const small = watch(budget.take(30, never));
    await tick();
    expect(small.value).toBeUndefined();
    stop.abort(new Error('client disconnected'));
    await tick();
    expect((large.reason as Error).message).toBe('client disconnected');
    expect(typeof small.value).toBe('function');
    // What the one that left would have taken is still free.
    held();
    const again = await budget.take(70, never);
    await expect(budget.take(50, stop.signal)).rejects.toThrow('client disconnected');
    again();
  });

  test('a small body (up to a sixteenth of the budget) never waits, even behind a large one, but counts', async () => {
    const budget = new BodyBytesBudget(160);
    const held = await budget.take(150, never);
    const large = watch(budget.take(155, never));
    const small = watch(budget.take(10, never));
    await tick();
    expect(large.value).toBeUndefined();
    expect(typeof small.value).toBe('function');
    // With the 150 back, the small body's 10 still leaves too little for the large one, until it goes too.
    held();
    await tick();
    expect(large.value).toBeUndefined();
    small.value!();
    await tick();
    expect(typeof large.value).toBe('function');
  });
});

test('unset, the budget is a thirty-second of the heap limit, and never less than the largest body', () => {
  const share = Math.floor(getHeapStatistics().heap_size_limit / 32);
  expect(defaultBodyBytesInFlight(1024)).toBe(share);
  expect(defaultBodyBytesInFlight(share + 1)).toBe(share + 1);
});

// Room for one 64 KB body at a time; callers wait 2 s for an answer to start.
describe('MAX_BODY_BYTES_IN_FLIGHT on the server', () => {
  const h = useHarness({ env: { MAX_REQUEST_BODY_BYTES: '65536', MAX_BODY_BYTES_IN_FLIGHT: '65536', REQUEST_TIMEOUT_SECONDS: '2' } });
  const MODEL = 'amazon.nova-lite-v1:0';
  const large = (tag: string) => ({ model: MODEL, messages: [{ role: 'user' as const, content: `${tag} ${'x'.repeat(40_000)}` }] });
  const tagOf = (body: any) => String(body.messages[0].content[0].text).slice(0, 1);
  const answer = (text: string) => ({
    output: { message: { role: 'assistant', content: [{ text }] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  });

  /** Holds Bedrock's answer to each tagged request until `release(tag)`. */
  function holdAnswers() {
    const gates = new Map<string, () => void>();
    h.emulator.onConverse(async ({ body }) => {
      const tag = tagOf(body);
      await new Promise<void>((resolve) => gates.set(tag, resolve));
      return { output: answer(tag) };
    });
    return (tag: string) => gates.get(tag)!();
  }
  const converseTags = () => h.emulator.callsTo('Converse').map((call) => tagOf(call.body));

  /**
   * Starts a large streamed request A whose stream pauses 2.5 s after its first delta: bounded by its events, not by
   * REQUEST_TIMEOUT_SECONDS, it holds its share past the time of requests sent after it. Resolves once A has begun,
   * with A's end.
   */
  async function streamHoldingItsShare(): Promise<{ done: Promise<void> }> {
    let streamed = '';
    h.emulator.onConverseStream(() => [
      { event: { messageStart: { role: 'assistant' } } },
      { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'A' } } } },
      { delayMs: 2500 },
      { event: { messageStop: { stopReason: 'end_turn' } } },
    ]);
    const done = (async () => {
      for await (const chunk of await h.openai.chat.completions.create({ ...large('A'), stream: true })) streamed += chunk.choices[0]?.delta.content ?? '';
    })();
    await expect.poll(() => streamed).toBe('A');
    return { done };
  }

  test('a large body waits, unread, until the one before it is answered; both are served', async () => {
    const release = holdAnswers();
    const a = h.openai.chat.completions.create(large('A'));
    await expect.poll(converseTags).toEqual(['A']);
    const b = h.openai.chat.completions.create(large('B'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(converseTags()).toEqual(['A']);
    release('A');
    expect((await a).choices[0].message.content).toBe('A');
    await expect.poll(converseTags).toEqual(['A', 'B']);
    release('B');
    expect((await b).choices[0].message.content).toBe('B');
  });

  test('one that waits until its time is up gets a 503 to retry, and never reaches Bedrock', async () => {
    const a = (await streamHoldingItsShare()).done;
    const error = await h.openai.chat.completions.create(large('B')).then(() => {
      throw new Error('B was served');
    }, (err: unknown) => err as InstanceType<typeof OpenAI.APIError>);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(503);
    expect(error.headers?.get('retry-after')).toBe('1');
    expect(error.error).toEqual({
      message: 'This gateway instance is reading as many large request bodies as it holds at once (MAX_BODY_BYTES_IN_FLIGHT), and the request waited for room until its time was up. Please retry.',
      type: 'server_error',
      param: null,
      code: 'overloaded',
    });
    await a;
    expect(h.emulator.callsTo('Converse')).toEqual([]);
  });

  test('a body sent too slowly is a 408 when its time is up, and gives its room back', async () => {
    const socket = connect(Number(new URL(h.origin).port), '127.0.0.1');
    let reply = '';
    socket.on('data', (chunk) => { reply += chunk; });
    socket.write([
      'POST /api/v1/chat/completions HTTP/1.1', 'Host: gateway', `Authorization: Bearer ${TEST_API_KEY}`, 'Content-Type: application/json',
      'Content-Length: 60000', '', '{"model":"amazon.nova-lite-v1:0","messages":[{"role":"user","content":"',
    ].join('\r\n'));
    try {
      await expect.poll(() => reply, { timeout: 3000 }).toMatch(/\}\}$/);
      expect(reply).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({
        error: { message: 'The request body did not arrive in the time the request had. Please retry.', type: 'invalid_request_error', param: null, code: 'request_timeout' },
      });
      // The slow client is still connected; a large body is read at once.
      h.emulator.onConverse(() => ({ output: answer('C') }));
      expect((await h.openai.chat.completions.create(large('C'))).choices[0].message.content).toBe('C');
    } finally {
      socket.destroy();
    }
  });

  /** POSTs `body` in two parts without Content-Length (chunked); resolves with the status and parsed answer. */
  function postChunked(body: unknown): Promise<{ status: number; json: any }> {
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(`${h.origin}/api/v1/chat/completions`, {
        method: 'POST', headers: { 'authorization': `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      }, (res) => {
        let received = '';
        res.on('data', (chunk) => { received += chunk; });
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(received) }));
      });
      req.on('error', reject);
      req.write(text.slice(0, 100));
      req.end(text.slice(100));
    });
  }

  test('a small chunked body is read at once, even while a large body holds most of the budget', async () => {
    const release = holdAnswers();
    const a = h.openai.chat.completions.create(large('A'));
    await expect.poll(converseTags).toEqual(['A']);
    const small = postChunked({ model: MODEL, messages: [{ role: 'user', content: 'S small' }] });
    await expect.poll(converseTags).toEqual(['A', 'S']);
    release('S');
    expect((await small).json.choices[0].message.content).toBe('S');
    release('A');
    expect((await a).choices[0].message.content).toBe('A');
  });

  test('a chunked body that outgrows its small share waits for the rest of the body limit, unread, and is then served', async () => {
    const release = holdAnswers();
    const a = h.openai.chat.completions.create(large('A'));
    await expect.poll(converseTags).toEqual(['A']);
    const c = postChunked(large('C'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(converseTags()).toEqual(['A']);
    release('A');
    await a;
    await expect.poll(converseTags).toEqual(['A', 'C']);
    release('C');
    expect((await c).json.choices[0].message.content).toBe('C');
  });

  test('chunked bodies that all outgrow their small shares at once are all served, one after another', async () => {
    h.emulator.onConverse(({ body }) => ({ output: answer(tagOf(body)) }));
    // Held while waiting, their small shares would leave less room than any of them waits for.
    const tags = 'ABCDEFGH'.split('');
    const answers = await Promise.all(tags.map((tag) => postChunked(large(tag))));
    expect(answers.map((a) => a.json.choices?.[0].message.content ?? a.status)).toEqual(tags);
  });

  test('a chunked body still waiting for room when its time is up gets the 503, not a 408', async () => {
    const a = (await streamHoldingItsShare()).done;
    const c = await postChunked(large('C'));
    expect(c.status).toBe(503);
    expect(c.json.error.code).toBe('overloaded');
    await a;
    expect(h.emulator.callsTo('Converse')).toEqual([]);
  });

  test('a client that goes away, waiting or answered in part, leaves nothing held', async () => {
    const release = holdAnswers();
    const stopA = new AbortController();
    const stopB = new AbortController();
    const a = h.openai.chat.completions.create(large('A'), { signal: stopA.signal }).catch((err: unknown) => err);
    await expect.poll(converseTags).toEqual(['A']);
    const b = h.openai.chat.completions.create(large('B'), { signal: stopB.signal }).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 100));
    stopB.abort();
    await b;
    // The gateway sees B leave before A does, so A's room does not go to B.
    await new Promise((resolve) => setTimeout(resolve, 100));
    stopA.abort();
    await a;
    const c = h.openai.chat.completions.create(large('C'));
    await expect.poll(converseTags).toEqual(['A', 'C']);
    release('C');
    expect((await c).choices[0].message.content).toBe('C');
  });
});
