import OpenAI from 'openai';
import { makeParseableTextFormat } from 'openai/lib/parser';
import { describe, expect, test } from 'vitest';
import { Caller } from '../../../lambda/auth/caller';
import { DEFAULT_MODELS, DEFAULT_PROFILES, SONNET_45, StreamStep } from '../../emulator/bedrock-emulator';
import { TEST_API_KEY, useHarness } from '../harness';
import { readSse } from './sse-events';
import { slowWords } from '../../emulator/slow-stream';

const NOVA = 'amazon.nova-lite-v1:0';
const SONNET_4 = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const SONNET_45_ID = SONNET_45.profile.inferenceProfileId;
const NO_STREAM = 'acme.batch-only-v1';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const ev = (event: Record<string, unknown>): StreamStep => ({ event });
const weather = { type: 'function' as const, name: 'weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false };

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(() => undefined, (e) => e);
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error;
}

describe('POST /responses through the openai SDK', () => {
  const h = useHarness({
    emulatorOptions: {
      models: [...DEFAULT_MODELS, SONNET_45.model, { modelId: NO_STREAM, providerName: 'Acme', inputModalities: ['TEXT'], outputModalities: ['TEXT'], responseStreamingSupported: false }],
      profiles: [...DEFAULT_PROFILES, SONNET_45.profile],
    },
  });

  test('a string input with instructions: one message item, usage, and the request Bedrock got', async () => {
    const response = await h.openai.responses.create({ model: NOVA, instructions: 'Be brief.', input: 'one two three', store: false });
    expect(response).toMatchObject({ object: 'response', status: 'completed', model: NOVA, instructions: 'Be brief.', error: null, incomplete_details: null });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output_text).toBe('one two three');
    const text = { type: 'output_text', text: 'one two three', annotations: [], logprobs: [] };
    expect(response.output).toEqual([{ id: expect.stringMatching(/^msg_/), type: 'message', role: 'assistant', status: 'completed', content: [text] }]);
    expect(response.usage).toEqual({
      input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 8,
    });
    const [call] = h.emulator.callsTo('Converse');
    expect(call.modelId).toBe(NOVA);
    expect(call.body).toEqual({ system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'one two three' }] }] });
  });

  test('items of every kind map onto Converse turns; a history with function calls and no tools still gets a toolConfig', async () => {
    await h.openai.responses.create({
      model: NOVA,
      store: false,
      input: [
        { role: 'developer', content: 'Answer in French.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }, { type: 'input_image', detail: 'auto', image_url: `data:image/png;base64,${PNG.toString('base64')}` }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me check.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { role: 'system', content: 'Keep it short.' },
      ] as never,
    });
    const { body } = h.emulator.callsTo('Converse')[0];
    expect(body.system).toEqual([{ text: 'Answer in French.' }, { text: 'Keep it short.' }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather in Paris?' }, { image: { format: 'png', source: { bytes: PNG.toString('base64') } } }] },
      { role: 'assistant', content: [{ text: 'Let me check.' }, { toolUse: { toolUseId: 'call_1', name: 'weather', input: { city: 'Paris' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: 'sunny' }] } }] },
    ]);
    expect(body.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'weather', inputSchema: { json: { type: 'object' } } } }] });
  });

  test('function tools with tool_choice required: a function_call item with its call_id; Bedrock gets the tool and the forced choice', async () => {
    const response = await h.openai.responses.create({ model: NOVA, input: 'Weather in Paris?', tools: [weather], tool_choice: 'required', store: false });
    expect(response.output).toEqual([{ id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'tooluse_weather', name: 'weather', arguments: '{"city":"example"}' }]);
    expect(h.emulator.callsTo('Converse')[0].body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'weather', description: 'Weather for a city', inputSchema: { json: weather.parameters } } }],
      toolChoice: { any: {} },
    });
  });

  test('reasoning: effort sets the thinking budget; the reasoning item carries the signed block, and sent back it keeps thinking on in a tool loop', async () => {
    const first = await h.openai.responses.create({ model: SONNET_4, input: 'Weather in Paris?', tools: [weather], reasoning: { effort: 'low', summary: 'auto' }, store: false });
    expect(h.emulator.callsTo('Converse')[0].body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 4096 } });
    const [reasoning] = first.output;
    expect(reasoning).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Let me think about the request.' }], encrypted_content: expect.any(String) });
    await h.openai.responses.create({
      model: SONNET_4,
      tools: [weather],
      reasoning: { effort: 'low' },
      store: false,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        reasoning as never,
        { type: 'function_call', call_id: 'call_9', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_9', output: 'sunny' },
      ],
    });
    const second = h.emulator.callsTo('Converse')[1].body;
    expect(second.messages[1].content[0]).toEqual({ reasoningContent: { reasoningText: { text: 'Let me think about the request.', signature: 'c2lnbmF0dXJl' } } });
    expect(second.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 4096 } });
  });

  test.each([[SONNET_45_ID, 'outputConfig'], [NOVA, 'a forced tool']])('responses.parse with a json_schema text format on %s (%s): the output is only the JSON', async (model) => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'], additionalProperties: false };
    const response = await h.openai.responses.parse({
      model,
      input: 'Largest city in France?',
      reasoning: model === SONNET_45_ID ? { effort: 'low' } : undefined,
      store: false,
      text: { format: makeParseableTextFormat({ type: 'json_schema', name: 'city', schema, strict: true }, JSON.parse) },
    });
    expect(response.output_parsed).toEqual({ city: 'example', population: 1 });
    expect(response.output_text).toBe('{"city":"example","population":1}');
    const { body } = h.emulator.callsTo('Converse')[0];
    if (model === SONNET_45_ID) {
      expect(body.outputConfig.textFormat.structure.jsonSchema).toEqual({ name: 'city', schema: JSON.stringify(schema) });
      expect(body.additionalModelRequestFields.thinking.type).toBe('enabled');
    } else {
      expect(body.toolConfig.toolChoice).toEqual({ tool: { name: 'city' } });
    }
  });

  test('max_output_tokens reached: status incomplete with reason max_output_tokens', async () => {
    h.emulator.onConverse(() => ({
      output: { output: { message: { role: 'assistant', content: [{ text: 'cut' }] } }, stopReason: 'max_tokens', usage: { inputTokens: 1, outputTokens: 5, totalTokens: 6 }, metrics: { latencyMs: 1 } },
    }));
    const response = await h.openai.responses.create({ model: NOVA, input: 'Talk', max_output_tokens: 5, store: false });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(h.emulator.callsTo('Converse')[0].body.inferenceConfig).toEqual({ maxTokens: 5 });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a number as a string', { max_output_tokens: '100' }, 'max_output_tokens'],
    ['a tool type the gateway does not serve', { tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    ['an unknown input item', { input: [{ type: 'item_reference', id: 'x' }] }, 'input[0].type'],
    ['a function call without call_id', { input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id'],
    ['function call arguments that are not a string', { input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: { city: 'Paris' } }] }, 'input[0].arguments'],
    ['an image by file id', { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] }, 'input[0].content[0].file_id'],
    ['reasoning the gateway did not produce', { input: [{ role: 'user', content: 'x' }, { type: 'reasoning', summary: [], encrypted_content: 'gAAAA' }] }, 'input[1].encrypted_content'],
  ])('400 naming the field: %s', async (_name, fields, param) => {
    const error = await apiError(h.openai.responses.create({ model: NOVA, input: 'x', ...fields } as never));
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(h.emulator.callsTo('Converse')).toHaveLength(0);
  });

  test('a model that cannot stream is refused before the stream starts', async () => {
    const error = await apiError(h.openai.responses.create({ model: NO_STREAM, input: 'x', stream: true }));
    expect(error.status).toBe(400);
    expect(error.param).toBe('stream');
    expect(h.emulator.callsTo('ConverseStream')).toHaveLength(0);
  });

  test('unknown fields are ignored, as OpenAI does', async () => {
    const response = await h.openai.responses.create({ model: NOVA, input: 'hi', store: false, metadata: { a: 'b' }, user: 'u1', prompt_cache_key: 'k', truncation: 'auto', include: ['reasoning.encrypted_content'], background_mode_hint: 1 } as never);
    expect(response.metadata).toEqual({ a: 'b' });
    expect(response.output_text).toBe('hi');
  });
});

describe('streamed responses', () => {
  const h = useHarness();

  test('responses.stream: the full event sequence with sequence numbers and exactly one terminal event', async () => {
    const stream = h.openai.responses.stream({ model: NOVA, input: 'alpha beta gamma delta epsilon zeta', store: false });
    const types: string[] = [];
    const sequence: number[] = [];
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
    }
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('alpha beta gamma delta epsilon zeta');
    expect(final.usage?.output_tokens).toBe(6);
    expect(types).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.delta', 'response.output_text.delta', 'response.output_text.delta',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
    expect(sequence).toEqual(types.map((_, i) => i));
    expect(h.emulator.callsTo('ConverseStream')[0].body.messages).toEqual([{ role: 'user', content: [{ text: 'alpha beta gamma delta epsilon zeta' }] }]);
  });

  test('reasoning and function calls stream as their own items; no [DONE] after the terminal event', async () => {
    const res = await fetch(`${h.baseURL}/responses`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: SONNET_4, input: 'Weather?', tools: [weather], reasoning: { effort: 'low' }, stream: true, store: false }),
    });
    const { raw, events } = await readSse(res);
    expect(raw).not.toContain('[DONE]');
    expect(events.map((e) => e.type)).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.completed',
    ]);
    const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item as Record<string, unknown>);
    expect(done[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Let me think about the request.' }], encrypted_content: expect.any(String) });
    expect(done[1]).toMatchObject({ type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Weather?' }] });
    expect(events[2]).toMatchObject({ output_index: 0, item: { type: 'reasoning' } });
    expect(events[8]).toMatchObject({ output_index: 1, item: { type: 'message', content: [] } });
    expect(events[9]).toMatchObject({ output_index: 1, content_index: 0, item_id: done[1].id });

    h.emulator.onConverseStream(() => [
      ev({ messageStart: { role: 'assistant' } }),
      ev({ contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tu_1', name: 'weather' } } } }),
      ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"city"' } } } }),
      ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: ':"Paris"}' } } } }),
      ev({ contentBlockStop: { contentBlockIndex: 0 } }),
      ev({ messageStop: { stopReason: 'tool_use' } }),
      ev({ metadata: { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 }, metrics: { latencyMs: 1 } } }),
    ]);
    const stream = h.openai.responses.stream({ model: NOVA, input: 'Weather?', tools: [weather], store: false });
    const argumentDeltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => argumentDeltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(argumentDeltas).toEqual(['{"city"', ':"Paris"}']);
    expect(final.output).toEqual([expect.objectContaining({ id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'tu_1', name: 'weather', arguments: '{"city":"Paris"}' })]);
  });

  test('Bedrock throttling after the stream started ends it with response.failed carrying rate_limit_exceeded', async () => {
    h.emulator.onConverseStream(() => [
      ev({ messageStart: { role: 'assistant' } }),
      ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'partial' } } }),
      { exception: { type: 'ThrottlingException', message: 'Too many tokens, please wait before trying again.' } },
    ]);
    const res = await fetch(`${h.baseURL}/responses`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: NOVA, input: 'Talk', stream: true }),
    });
    const { events } = await readSse(res);
    const terminal = events.filter((e) => /^response\.(completed|incomplete|failed)$/.test(String(e.type)));
    expect(terminal).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'rate_limit_exceeded', type: 'rate_limit_error' } } });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  test('a client that goes away mid-stream aborts the Bedrock stream', async () => {
    h.emulator.onConverseStream(() => slowWords());
    const stream = await h.openai.responses.create({ model: NOVA, input: 'Talk', stream: true, store: false });
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta' && ++deltas === 2) break;
    }
    const [call] = h.emulator.callsTo('ConverseStream');
    await expect.poll(() => call.closedByClient, { timeout: 3000 }).toBe(true);
  });
});

describe('model access', () => {
  const SONNET_35 = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
  const TEAM_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-claude-a1b2c3';
  const keys: Record<string, Caller> = {
    'sk-nova-only': { name: 'nova-only', models: [NOVA] },
    'sk-routed': { name: 'routed', models: [SONNET_35], inferenceProfiles: { [SONNET_35]: TEAM_PROFILE } },
  };
  const h = useHarness({ apiKeys: { verify: async (key) => keys[key] } });

  test('a key with an application inference profile for the model sends its requests through the profile', async () => {
    const response = await h.client('sk-routed').responses.create({ model: SONNET_35, input: 'hi', store: false });
    expect(response.model).toBe(SONNET_35);
    expect(h.emulator.callsTo('Converse')[0].modelId).toBe(TEAM_PROFILE);
  });

  test('a key without access to the model gets 403 model_not_allowed naming it; Bedrock is not called', async () => {
    const client = h.client('sk-nova-only');
    expect((await client.responses.create({ model: NOVA, input: 'hi', store: false })).output_text).toBe('hi');
    const error = await apiError(client.responses.create({ model: SONNET_4, input: 'hi' }));
    expect(error.status).toBe(403);
    expect(error.error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    expect(error.message).toContain(SONNET_4);
    expect(h.emulator.callsTo('Converse')).toHaveLength(1);
  });
});
