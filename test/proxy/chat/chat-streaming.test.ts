import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { DEFAULT_MODELS, StreamStep } from '../../emulator/bedrock-emulator';
import { slowWords } from '../../emulator/slow-stream';
import { firstDeltaGate } from '../first-delta-gate';
import { TEST_API_KEY, useHarness } from '../harness';

const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const usage = { inputTokens: 7, outputTokens: 3, totalTokens: 10, cacheReadInputTokens: 2 };
const ev = (event: Record<string, unknown>): StreamStep => ({ event });

/** The raw SSE body for a streamed request, through real HTTP. */
async function rawStream(baseURL: string, body: object): Promise<Response> {
  return fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'authorization': `Bearer ${TEST_API_KEY}` },
    body: JSON.stringify({ model: SONNET, messages: [{ role: 'user', content: 'Hi' }], stream: true, ...body }),
  });
}

function dataEvents(text: string): string[] {
  return text.split('\n\n').filter(Boolean).map((event) => {
    expect(event.startsWith('data: ')).toBe(true);
    return event.slice('data: '.length);
  });
}

describe('POST /chat/completions with stream: true', () => {
  const h = useHarness({ env: { DEFAULT_MODEL: SONNET } });

  test('chunks: role first, content deltas, finish_reason, a usage chunk when asked, then [DONE]', async () => {
    const stream = await h.openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'one two three four five six' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const [call] = h.emulator.callsTo('ConverseStream');
    expect(call.modelId).toBe(SONNET);
    expect(call.body.messages).toEqual([{ role: 'user', content: [{ text: 'one two three four five six' }] }]);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === SONNET)).toBe(true);
    const text = chunks.flatMap((c) => c.choices).map((c) => c.delta.content ?? '').join('');
    expect(text).toBe('one two three four five six');
    expect(chunks.filter((c) => c.choices.length > 0 && c.choices[0].delta.content).length).toBeGreaterThan(1);
    expect(chunks.at(-2)!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop', logprobs: null });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 6, prompt_tokens_details: { cached_tokens: 0 } } });
  });

  test('the wire format is text/event-stream data events ending in [DONE]', async () => {
    const res = await rawStream(h.baseURL, {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = dataEvents(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.slice(0, -1).map((e) => JSON.parse(e).object)).toEqual(Array(events.length - 1).fill('chat.completion.chunk'));
  });

  test('streamed tool calls assemble in the SDK stream helper; reasoning arrives in reasoning_content deltas', async () => {
    h.emulator.onConverseStream(() => [
      ev({ messageStart: { role: 'assistant' } }),
      ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Two cities, ' } } } }),
      ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'two calls.' } } } }),
      ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig' } } } }),
      ev({ contentBlockStop: { contentBlockIndex: 0 } }),
      ev({ contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu_p', name: 'weather' } } } }),
      ev({ contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city"' } } } }),
      ev({ contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: ':"Paris"}' } } } }),
      ev({ contentBlockStop: { contentBlockIndex: 1 } }),
      ev({ contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tu_r', name: 'weather' } } } }),
      ev({ contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: '{"city":"Rome"}' } } } }),
      ev({ contentBlockStop: { contentBlockIndex: 2 } }),
      ev({ messageStop: { stopReason: 'tool_use' } }),
      ev({ metadata: { usage, metrics: { latencyMs: 5 } } }),
    ]);
    const stream = h.openai.chat.completions.stream({
      model: SONNET,
      messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'required',
    });
    const reasoning: string[] = [];
    stream.on('chunk', (chunk) => {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string } | undefined;
      if (delta?.reasoning_content) reasoning.push(delta.reasoning_content);
    });
    const final = await stream.finalChatCompletion();
    expect(reasoning.join('')).toBe('Two cities, two calls.');
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(final.choices[0].message.tool_calls).toEqual([
      { id: 'tu_p', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
      { id: 'tu_r', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
    ]);
    expect(h.emulator.callsTo('ConverseStream')[0].body.toolConfig.toolChoice).toEqual({ any: {} });
  });

  test('response_format json_schema streams the answer as JSON content', async () => {
    h.emulator.onConverseStream(({ body }) => [
      ev({ messageStart: { role: 'assistant' } }),
      ev({ contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tu', name: body.toolConfig.toolChoice.tool.name } } } }),
      ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"answer":' } } } }),
      ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '"yes"}' } } } }),
      ev({ contentBlockStop: { contentBlockIndex: 0 } }),
      ev({ messageStop: { stopReason: 'tool_use' } }),
    ]);
    const stream = h.openai.chat.completions.stream({
      model: SONNET,
      messages: [{ role: 'user', content: 'Yes or no?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema: { type: 'object', properties: { answer: { type: 'string' } } } } },
    });
    const final = await stream.finalChatCompletion();
    expect(JSON.parse(final.choices[0].message.content!)).toEqual({ answer: 'yes' });
    expect(final.choices[0].finish_reason).toBe('stop');
  });

  test('a Bedrock failure before the stream starts is a normal JSON error with status', async () => {
    h.emulator.onConverseStream(() => ({ error: { type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } }));
    const error = await h.openai.chat.completions.create({ model: SONNET, messages: [{ role: 'user', content: 'Hi' }], stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('2');
  });

  test('a Bedrock exception mid-stream ends the stream with an OpenAI error event', async () => {
    h.emulator.onConverseStream(() => [
      ev({ messageStart: { role: 'assistant' } }),
      ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Partial' } } }),
      { exception: { type: 'ThrottlingException', message: 'Too many tokens, please wait.' } },
    ]);
    const seen: string[] = [];
    const error = await (async () => {
      const stream = await h.openai.chat.completions.create({ model: SONNET, messages: [{ role: 'user', content: 'Hi' }], stream: true });
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(seen.join('')).toBe('Partial');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('Too many tokens, please wait.');

    const events = dataEvents(await (await rawStream(h.baseURL, {})).text());
    expect(JSON.parse(events.at(-1)!)).toEqual({
      error: { message: 'Too many tokens, please wait.', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    });
    expect(events).not.toContain('[DONE]');
  });

  test('each event is written as it arrives: the client sees the first delta before Bedrock sends the next', async () => {
    const gate = firstDeltaGate();
    h.emulator.onConverseStream(async function* () {
      yield ev({ messageStart: { role: 'assistant' } });
      yield ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'first' } } });
      await gate.released; // the rest comes only once the client has the first delta
      yield ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: ' second' } } });
      yield ev({ messageStop: { stopReason: 'end_turn' } });
    });
    const stream = await h.openai.chat.completions.create({ model: SONNET, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const { texts, firstArrivedUnprompted } = await gate.read(stream);
    expect(firstArrivedUnprompted).toBe(true);
    expect(texts).toEqual(['first', ' second']);
  }, 10_000);

  test('a client that disconnects mid-stream aborts the Bedrock stream', async () => {
    h.emulator.onConverseStream(() => slowWords());
    const stream = await h.openai.chat.completions.create({ model: SONNET, messages: [{ role: 'user', content: 'Talk' }], stream: true });
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++received === 2) break; // leaving the loop aborts the HTTP request
    }
    const [call] = h.emulator.callsTo('ConverseStream');
    await expect.poll(() => call.closedByClient, { timeout: 3000 }).toBe(true);
  });

  test('through app.inject (the Lambda path) the whole SSE body comes back at once', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: `${h.config.routePrefix}/chat/completions`,
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
      payload: { model: SONNET, messages: [{ role: 'user', content: 'alpha beta gamma' }], stream: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = dataEvents(res.body);
    expect(events.at(-1)).toBe('[DONE]');
    const text = events.slice(0, -1).map((e) => JSON.parse(e).choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('alpha beta gamma');
  });

  describe('a model without streaming', () => {
    const NO_STREAM = 'acme.batch-only-v1';
    const h2 = useHarness({
      env: { DEFAULT_MODEL: SONNET },
      emulatorOptions: {
        models: [...DEFAULT_MODELS, { modelId: NO_STREAM, providerName: 'Acme', inputModalities: ['TEXT'], outputModalities: ['TEXT'], responseStreamingSupported: false }],
      },
    });

    test('stream: true → 400 naming stream, without calling Bedrock', async () => {
      const error = await h2.openai.chat.completions.create({ model: NO_STREAM, messages: [{ role: 'user', content: 'x' }], stream: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.APIError>).param).toBe('stream');
      expect(h2.emulator.callsTo('ConverseStream')).toHaveLength(0);
    });
  });
});
