import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { COMPACTION_PROMPT } from '../../../lambda/responses/compaction';
import { TEST_API_KEY, useHarness } from '../harness';
import { readSse } from './sse-events';

const NOVA = 'amazon.nova-lite-v1:0';
const SUMMARY = 'The user asked for hello.txt; it was created and the tests pass. Nothing remains.';
/** A conversation with a tool loop in it, as Codex CLI keeps it. */
const HISTORY = [
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Create hello.txt' }] },
  { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["touch","hello.txt"]}' },
  { type: 'function_call_output', call_id: 'call_1', output: 'done' },
  { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Created hello.txt.' }] },
] as const;
const shell = { type: 'function' as const, name: 'shell', parameters: { type: 'object', properties: { command: { type: 'array' } } }, strict: false };

describe('server-side compaction', () => {
  const h = useHarness();
  const summarize = () => h.emulator.onConverse(() => ({
    output: {
      output: { message: { role: 'assistant', content: [{ text: SUMMARY }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 40, outputTokens: 12, totalTokens: 52 },
      metrics: { latencyMs: 1 },
    },
  }));

  test('a compaction_trigger last in input answers one compaction item: the model summarized the history, with no tool to call', async () => {
    summarize();
    const response = await h.openai.responses.create({
      model: NOVA, input: [...HISTORY, { type: 'compaction_trigger' }] as never, tools: [shell], store: false,
    });
    expect(response.output).toEqual([{ id: expect.stringMatching(/^cmp_/), type: 'compaction', encrypted_content: expect.any(String) }]);
    expect(response.usage).toMatchObject({ input_tokens: 40, output_tokens: 12 });
    const { messages, toolConfig } = h.emulator.callsTo('Converse')[0].body;
    expect(messages).toEqual([
      { role: 'user', content: [{ text: 'Create hello.txt' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1', name: 'shell', input: { command: ['touch', 'hello.txt'] } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: 'done' }] } }] },
      { role: 'assistant', content: [{ text: 'Created hello.txt.' }] },
      { role: 'user', content: [{ text: COMPACTION_PROMPT }] },
    ]);
    // The tools stay declared (the history calls them) but none is offered a choice: the answer is the summary.
    expect(toolConfig).toEqual({ tools: [{ toolSpec: { name: 'shell', inputSchema: { json: shell.parameters } } }] });
  });

  test('streamed, the compaction item is added and done, then response.completed', async () => {
    summarize();
    const res = await fetch(`${h.baseURL}/responses`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: NOVA, input: [...HISTORY, { type: 'compaction_trigger' }], stream: true, store: false }),
    });
    const { events } = await readSse(res);
    expect(events.map((e) => e.type)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.output_item.done', 'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4]);
    expect((events[4].response as { output: unknown[] }).output).toEqual([expect.objectContaining({ type: 'compaction' })]);
  });

  test('the compaction item sent back stands for the history: the model gets its summary, then the new message', async () => {
    summarize();
    const compacted = await h.openai.responses.create({ model: NOVA, input: [...HISTORY, { type: 'compaction_trigger' }] as never, store: false });
    h.emulator.reset();
    const next = await h.openai.responses.create({
      model: NOVA, input: [...compacted.output, { role: 'user', content: 'Now add a README.' }] as never, store: false,
    });
    expect(next.output_text).toBe(`Summary of the conversation before this point:\n${SUMMARY}\nNow add a README.`);
    expect(h.emulator.callsTo('Converse')[0].body.messages).toEqual([{
      role: 'user',
      content: [{ text: `Summary of the conversation before this point:\n${SUMMARY}` }, { text: 'Now add a README.' }],
    }]);
  });

  test('POST /responses/compact answers the user messages and one compaction item', async () => {
    summarize();
    const compacted = await h.openai.responses.compact({ model: NOVA, input: [...HISTORY] as never });
    expect(compacted).toMatchObject({ object: 'response.compaction', id: expect.stringMatching(/^resp_/), usage: { input_tokens: 40, output_tokens: 12 } });
    expect(compacted.output).toEqual([HISTORY[0], { id: expect.stringMatching(/^cmp_/), type: 'compaction', encrypted_content: expect.any(String) }]);
  });

  test.each([
    ['a compaction item the gateway did not write', [{ type: 'compaction', encrypted_content: 'gAAAA' }, { role: 'user', content: 'Hi' }], 'input[0].encrypted_content'],
    ['a compaction_trigger that is not last', [{ type: 'compaction_trigger' }, { role: 'user', content: 'Hi' }], 'input[0].type'],
  ])('%s is a 400 naming the field', async (_name, input, param) => {
    const error = await h.openai.responses.create({ model: NOVA, input: input as never, store: false }).then(
      () => { throw new Error('accepted'); },
      (err: unknown) => err as InstanceType<typeof OpenAI.APIError>,
    );
    expect([error.status, error.param]).toEqual([400, param]);
    expect(h.emulator.callsTo('Converse')).toEqual([]);
  });
});
