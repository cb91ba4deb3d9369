import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { makeParseableResponseFormat } from 'openai/lib/parser';
import { describe, expect, test } from 'vitest';
import { useHarness } from '../harness';

const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe('POST /chat/completions', () => {
  const h = useHarness({ env: { DEFAULT_MODEL: SONNET, MODEL_ALIASES: '{"fast":"meta.llama3-8b-instruct-v1:0"}' } });

  test('a gpt-* model runs on the default model; system and user messages map to Converse', async () => {
    const completion = await h.openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello gateway' }],
    });
    const [call] = h.emulator.callsTo('Converse');
    expect(call.modelId).toBe(SONNET);
    expect(call.body).toEqual({ system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'Hello gateway' }] }] });
    expect(completion).toEqual({
      id: expect.stringMatching(/^chatcmpl-[0-9a-f]{32}$/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: SONNET,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello gateway', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: {
        prompt_tokens: expect.any(Number), completion_tokens: 2, total_tokens: expect.any(Number), prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(60);
  });

  test('model aliases resolve; parameters map to inferenceConfig', async () => {
    await h.openai.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 50,
      max_completion_tokens: 80,
      temperature: 0.3,
      top_p: 0.8,
      stop: ['###'],
      n: 1,
      user: 'someone',
    });
    const [call] = h.emulator.callsTo('Converse');
    expect(call.modelId).toBe(LLAMA);
    expect(call.body.inferenceConfig).toEqual({ maxTokens: 80, temperature: 0.3, topP: 0.8, stopSequences: ['###'] });
  });

  test('prompt tokens include cache reads and writes; cached_tokens are the reads', async () => {
    h.emulator.onConverse(() => ({
      output: {
        output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
        stopReason: 'max_tokens',
        usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6, cacheReadInputTokens: 100, cacheWriteInputTokens: 10 },
        metrics: { latencyMs: 1 },
      },
    }));
    const completion = await h.openai.chat.completions.create({ model: SONNET, messages: [{ role: 'user', content: 'Hi' }], prompt_cache: true } as never);
    expect(h.emulator.callsTo('Converse')[0].body.messages[0].content).toEqual([{ text: 'Hi' }, { cachePoint: { type: 'default' } }]);
    expect(completion.usage).toEqual({ prompt_tokens: 115, completion_tokens: 1, total_tokens: 116, prompt_tokens_details: { cached_tokens: 100 } });
    expect(completion.choices[0].finish_reason).toBe('length');
  });

  test('reasoning comes back in reasoning_content; reasoning_effort sets a thinking budget', async () => {
    h.emulator.onConverse(() => ({
      output: {
        output: { message: { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'Six times seven.', signature: 's' } } }, { text: '42' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 5, outputTokens: 4, totalTokens: 9 },
        metrics: { latencyMs: 1 },
      },
    }));
    const completion = await h.openai.chat.completions.create({
      model: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
      messages: [{ role: 'user', content: '6*7?' }],
      reasoning_effort: 'low',
      temperature: 0.2,
    });
    const body = h.emulator.callsTo('Converse')[0].body;
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 4096 } });
    expect(body.inferenceConfig).toBeUndefined();
    const message = completion.choices[0].message as typeof completion.choices[0]['message'] & { reasoning_content?: string };
    expect(message.content).toBe('42');
    expect(message.reasoning_content).toBe('Six times seven.');
  });

  test('runTools: tool calls round-trip as toolUse / toolResult', async () => {
    h.emulator.onConverse(({ body }) => {
      const last = body.messages.at(-1).content;
      const results = last.filter((b: any) => b.toolResult);
      const content = results.length > 0
        ? [{ text: `It is ${results.map((r: any) => r.toolResult.content[0].text).join(' and ')}.` }]
        : [
          { text: 'Checking.' },
          { toolUse: { toolUseId: 'tooluse_p', name: 'weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'tooluse_r', name: 'weather', input: { city: 'Rome' } } },
        ];
      return { output: { output: { message: { role: 'assistant', content } }, stopReason: results.length > 0 ? 'end_turn' : 'tool_use', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, metrics: { latencyMs: 1 } } };
    });
    const runner = h.openai.chat.completions.runTools({
      model: SONNET,
      messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
      tools: [{
        type: 'function',
        function: {
          name: 'weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          parse: JSON.parse,
          function: (args: { city: string }) => (args.city === 'Paris' ? 'sunny' : 'rainy'),
        },
      }],
    });
    expect(await runner.finalContent()).toBe('It is sunny and rainy.');

    const [first, second] = h.emulator.callsTo('Converse');
    expect(first.body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'weather', description: 'Current weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } }],
      toolChoice: { auto: {} },
    });
    expect(second.body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { text: 'Checking.' },
          { toolUse: { toolUseId: 'tooluse_p', name: 'weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'tooluse_r', name: 'weather', input: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'tooluse_p', content: [{ text: 'sunny' }] } },
          { toolResult: { toolUseId: 'tooluse_r', content: [{ text: 'rainy' }] } },
        ],
      },
    ]);
  });

  test('response_format json_schema: the answer is JSON the SDK parses', async () => {
    h.emulator.onConverse(({ body }) => ({
      output: {
        output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: body.toolConfig.toolChoice.tool.name, input: { city: 'Paris', population: 2102650 } } }] } },
        stopReason: 'tool_use',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        metrics: { latencyMs: 1 },
      },
    }));
    const schema = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'], additionalProperties: false };
    const completion = await h.openai.chat.completions.parse({
      model: SONNET,
      messages: [{ role: 'user', content: 'Largest city in France?' }],
      response_format: makeParseableResponseFormat({ type: 'json_schema', json_schema: { name: 'city', schema, strict: true } }, JSON.parse),
    });
    expect(completion.choices[0].message.parsed).toEqual({ city: 'Paris', population: 2102650 });
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.choices[0].message.tool_calls).toBeUndefined();
    expect(h.emulator.callsTo('Converse')[0].body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'city', description: expect.any(String), inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: 'city' } },
    });
  });

  test('a data: URL image reaches Bedrock as image bytes', async () => {
    await h.openai.chat.completions.create({
      model: SONNET,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } }] }],
    });
    expect(h.emulator.callsTo('Converse')[0].body.messages[0].content).toEqual([
      { text: 'What is it?' },
      { image: { format: 'png', source: { bytes: PNG.toString('base64') } } },
    ]);
  });

  test('image URLs to local servers are refused without contacting them', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end(PNG);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const url of [`http://127.0.0.1:${port}/a.png`, `https://127.0.0.1:${port}/a.png`, `https://localhost:${port}/a.png`, 'https://169.254.169.254/latest/meta-data']) {
        const error = await apiError(h.openai.chat.completions.create({
          model: SONNET,
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }],
        }));
        expect(error.status).toBe(400);
        expect(error.param).toBe('messages[0].content[0].image_url.url');
      }
      expect(hits).toBe(0);
      expect(h.emulator.callsTo('Converse')).toHaveLength(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test.each([
    ['n other than 1', 400, 'n', { model: SONNET, messages: [{ role: 'user', content: 'x' }], n: 3 }],
    ['missing messages', 400, 'messages', { model: SONNET }],
    ['a bad role', 400, 'messages[0].role', { model: SONNET, messages: [{ role: 'robot', content: 'x' }] }],
    ['temperature out of range', 400, 'temperature', { model: SONNET, messages: [{ role: 'user', content: 'x' }], temperature: 7 }],
    ['an image for a text-only model', 400, 'messages[0].content[0].image_url.url', { model: LLAMA, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } }] }] }],
    ['an embedding model', 400, 'model', { model: 'cohere.embed-english-v3', messages: [{ role: 'user', content: 'x' }] }],
    ['content neither text nor parts', 400, 'messages[0].content', { model: SONNET, messages: [{ role: 'user', content: 5 }] }],
    ['stop neither text nor a list', 400, 'stop', { model: SONNET, messages: [{ role: 'user', content: 'x' }], stop: 5 }],
    ['a user turn without content', 400, 'messages[0].content', { model: SONNET, messages: [{ role: 'user' }] }],
    ['a user turn with null content', 400, 'messages[1].content', { model: SONNET, messages: [{ role: 'system', content: 's' }, { role: 'user', content: null }] }],
    ['an assistant turn with neither content nor tool calls', 400, 'messages[1].content', { model: SONNET, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null }, { role: 'user', content: 'y' }] }],
    ['json_schema output without its schema', 400, 'response_format.json_schema', { model: SONNET, messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema' } }],
    ['prompt_cache neither a flag nor settings', 400, 'prompt_cache', { model: SONNET, messages: [{ role: 'user', content: 'x' }], prompt_cache: 'yes' }],
  ])('%s → %i naming the field, without calling Bedrock', async (_name, status, param, body) => {
    const error = await apiError(h.openai.chat.completions.create(body as never));
    expect(error.status).toBe(status);
    expect(error.param).toBe(param);
    expect(error.error).toMatchObject({ message: expect.any(String), type: 'invalid_request_error' });
    expect(h.emulator.callsTo('Converse')).toHaveLength(0);
  });

  test('a model id Bedrock does not know → 404 model_not_found', async () => {
    const error = await apiError(h.openai.chat.completions.create({ model: 'acme.unknown-v1', messages: [{ role: 'user', content: 'x' }] }));
    expect(error.status).toBe(404);
    expect(error.error).toMatchObject({ code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
    expect(h.emulator.callsTo('Converse').map((c) => c.modelId)).toEqual(['acme.unknown-v1']);
  });

  test('a profile-only model called by its bare id gets Bedrock\'s explanation', async () => {
    const error = await apiError(h.openai.chat.completions.create({ model: 'anthropic.claude-sonnet-4-20250514-v1:0', messages: [{ role: 'user', content: 'x' }] }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/on-demand throughput isn.t supported.*inference profile/);
  });

  test.each([
    ['ValidationException', 400, undefined],
    ['AccessDeniedException', 403, undefined],
    ['ThrottlingException', 429, '2'],
    ['ServiceUnavailableException', 503, '2'],
  ])('Bedrock %s → %i in the OpenAI shape', async (type, status, retryAfter) => {
    h.emulator.onConverse(() => ({ error: { type, message: 'from bedrock' } }));
    const error = await apiError(h.openai.chat.completions.create({ model: SONNET, messages: [{ role: 'user', content: 'x' }] }));
    expect(error.status).toBe(status);
    expect(error.headers?.get('retry-after') ?? undefined).toBe(retryAfter);
    expect(error.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
  });
});

describe('POST /chat/completions with an injected image fetcher', () => {
  const fetched: Array<[string, string]> = [];
  const h = useHarness({
    fetchImage: async (url, param) => {
      fetched.push([url.href, param]);
      return PNG;
    },
  });

  test('https image URLs go through the gateway\'s fetcher; the bytes reach Bedrock', async () => {
    await h.openai.chat.completions.create({
      model: SONNET,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://images.example.test/cat.png' } }] }],
    });
    expect(fetched).toEqual([['https://images.example.test/cat.png', 'messages[0].content[0].image_url.url']]);
    expect(h.emulator.callsTo('Converse')[0].body.messages[0].content).toEqual([
      { image: { format: 'png', source: { bytes: PNG.toString('base64') } } },
    ]);
  });
});

describe('POST /chat/completions with DEFAULT_MAX_TOKENS and ENABLE_PROMPT_CACHING', () => {
  const NOVA = 'amazon.nova-lite-v1:0';
  const h = useHarness({ env: { DEFAULT_MAX_TOKENS: '512', ENABLE_PROMPT_CACHING: 'true' } });

  test('a request without max tokens or prompt_cache gets both gateway defaults', async () => {
    await h.openai.chat.completions.create({ model: NOVA, messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'Q' }] });
    const [call] = h.emulator.callsTo('Converse');
    expect(call.body.inferenceConfig).toEqual({ maxTokens: 512 });
    expect(call.body.system).toEqual([{ text: 'S' }, { cachePoint: { type: 'default' } }]);
    expect(call.body.messages).toEqual([{ role: 'user', content: [{ text: 'Q' }, { cachePoint: { type: 'default' } }] }]);
  });

  test('the request\'s own max_tokens and prompt_cache: false win', async () => {
    await h.openai.chat.completions.create({ model: NOVA, max_tokens: 64, prompt_cache: false, messages: [{ role: 'user', content: 'Q' }] } as never);
    const [call] = h.emulator.callsTo('Converse');
    expect(call.body.inferenceConfig).toEqual({ maxTokens: 64 });
    expect(call.body.messages).toEqual([{ role: 'user', content: [{ text: 'Q' }] }]);
  });
});
