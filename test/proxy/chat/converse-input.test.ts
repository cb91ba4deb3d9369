import { ConverseRequest } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import { ModelInfo } from '../../../lambda/bedrock/model-catalog';
import { ChatRequest } from '../../../lambda/chat/chat-request';
import { assembleConverseInput, ConverseInputContext, toConverseInput } from '../../../lambda/chat/converse-input';
import { OpenAIError } from '../../../lambda/errors';

const HAIKU_3 = 'anthropic.claude-3-haiku-20240307-v1:0';
const SONNET_45 = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const SONNET_37 = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';
const user = [{ role: 'user' as const, content: 'Hi' }];
const userTurn = [{ role: 'user', content: [{ text: 'Hi' }] }];
const weather = {
  type: 'function' as const,
  function: { name: 'weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
const weatherSpec = { toolSpec: { name: 'weather', description: 'Weather for a city', inputSchema: { json: weather.function.parameters } } };
const answerSchema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };

async function map(request: Partial<ChatRequest>, modelId = HAIKU_3, model?: ModelInfo, defaults: Partial<ConverseInputContext> = {}) {
  return toConverseInput({ model: 'x', messages: user, ...request }, {
    modelId,
    model,
    loadImage: async () => ({ format: 'png', source: { bytes: new Uint8Array([1]) } }),
    ...defaults,
  });
}

describe('toConverseInput', () => {
  test.each<{ name: string; request: Partial<ChatRequest>; modelId?: string; expected: Partial<ConverseRequest> }>([
    { name: 'no parameters: no inferenceConfig, so the model maximum applies', request: {}, expected: {} },
    { name: 'max_tokens', request: { max_tokens: 100 }, expected: { inferenceConfig: { maxTokens: 100 } } },
    {
      name: 'max_completion_tokens wins over max_tokens',
      request: { max_tokens: 100, max_completion_tokens: 200 },
      expected: { inferenceConfig: { maxTokens: 200 } },
    },
    {
      name: 'temperature, top_p and stop as a string',
      request: { temperature: 0.2, top_p: 0.9, stop: 'END' },
      expected: { inferenceConfig: { temperature: 0.2, topP: 0.9, stopSequences: ['END'] } },
    },
    {
      name: 'top_p dropped when the model rejects it with temperature',
      request: { temperature: 0.2, top_p: 0.9, stop: ['a', 'b'] },
      modelId: SONNET_45,
      expected: { inferenceConfig: { temperature: 0.2, stopSequences: ['a', 'b'] } },
    },
    {
      name: 'top_p alone kept on such a model',
      request: { top_p: 0.9 },
      modelId: SONNET_45,
      expected: { inferenceConfig: { topP: 0.9 } },
    },
    { name: 'n=1, user and unknown fields are accepted and ignored', request: { n: 1, user: 'u1', seed: 3 } as never, expected: {} },
    {
      name: 'tools with tool_choice auto',
      request: { tools: [weather], tool_choice: 'auto', parallel_tool_calls: true },
      expected: { toolConfig: { tools: [weatherSpec], toolChoice: { auto: {} } } },
    },
    {
      name: 'tool_choice required → any',
      request: { tools: [weather], tool_choice: 'required' },
      expected: { toolConfig: { tools: [weatherSpec], toolChoice: { any: {} } } },
    },
    {
      name: 'named tool_choice → tool',
      request: { tools: [weather], tool_choice: { type: 'function', function: { name: 'weather' } } },
      expected: { toolConfig: { tools: [weatherSpec], toolChoice: { tool: { name: 'weather' } } } },
    },
    { name: 'tool_choice none without tool history → no toolConfig', request: { tools: [weather], tool_choice: 'none' }, expected: {} },
    {
      name: 'a function without parameters gets an empty object schema',
      request: { tools: [{ type: 'function', function: { name: 'now' } }] },
      expected: { toolConfig: { tools: [{ toolSpec: { name: 'now', inputSchema: { json: { type: 'object', properties: {} } } } }], toolChoice: { auto: {} } } },
    },
    {
      name: 'response_format json_schema → a forced tool with the schema',
      request: { response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: answerSchema } } },
      expected: {
        toolConfig: {
          tools: [{
            toolSpec: {
              name: 'answer',
              description: 'Give your final answer as the input of this tool; it must match the answer schema.',
              inputSchema: { json: answerSchema },
            },
          }],
          toolChoice: { tool: { name: 'answer' } },
        },
      },
    },
    {
      name: 'response_format json_object → a forced tool taking any object',
      request: { response_format: { type: 'json_object' } },
      expected: {
        toolConfig: {
          tools: [{ toolSpec: { name: 'json_object', description: 'Give your final answer as a JSON object: the input of this tool.', inputSchema: { json: { type: 'object' } } } }],
          toolChoice: { tool: { name: 'json_object' } },
        },
      },
    },
    {
      name: 'response_format with client tools → any of them or the answer tool',
      request: { tools: [weather], response_format: { type: 'json_schema', json_schema: { name: 'answer', description: 'The answer', schema: answerSchema } } },
      expected: {
        toolConfig: {
          tools: [weatherSpec, { toolSpec: { name: 'answer', description: 'The answer', inputSchema: { json: answerSchema } } }],
          toolChoice: { any: {} },
        },
      },
    },
    { name: 'response_format text changes nothing', request: { response_format: { type: 'text' } }, expected: {} },
    {
      name: 'reasoning_effort on Claude 3.7 without max tokens: fixed budget, no sampling parameters',
      request: { reasoning_effort: 'medium', temperature: 0.5, top_p: 0.5 },
      modelId: SONNET_37,
      expected: { additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 8192 } } },
    },
    {
      name: 'reasoning_effort high with max tokens: a share of them',
      request: { reasoning_effort: 'high', max_completion_tokens: 10000 },
      modelId: SONNET_37,
      expected: { inferenceConfig: { maxTokens: 10000 }, additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 9000 } } },
    },
    {
      name: 'reasoning_effort minimal: the smallest budget',
      request: { reasoning_effort: 'minimal', max_tokens: 4000 },
      modelId: SONNET_45,
      expected: { inferenceConfig: { maxTokens: 4000 }, additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } } },
    },
    {
      name: 'reasoning_effort with tool_choice required on Claude: the forced choice holds, thinking is off for the request',
      request: { reasoning_effort: 'low', tools: [weather], tool_choice: 'required', temperature: 0.3 },
      modelId: SONNET_37,
      expected: { inferenceConfig: { temperature: 0.3 }, toolConfig: { tools: [weatherSpec], toolChoice: { any: {} } } },
    },
    {
      name: 'reasoning_effort with a named tool_choice on Claude: the forced choice holds, thinking is off for the request',
      request: { reasoning_effort: 'high', tools: [weather], tool_choice: { type: 'function', function: { name: 'weather' } } },
      modelId: SONNET_45,
      expected: { toolConfig: { tools: [weatherSpec], toolChoice: { tool: { name: 'weather' } } } },
    },
    {
      name: 'reasoning_effort with tool_choice auto on Claude: thinking stays on',
      request: { reasoning_effort: 'low', tools: [weather], tool_choice: 'auto' },
      modelId: SONNET_37,
      expected: {
        toolConfig: { tools: [weatherSpec], toolChoice: { auto: {} } },
        additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 4096 } },
      },
    },
    {
      name: 'response_format json_schema on a model with native structured output → outputConfig, no tool, thinking stays on',
      request: { reasoning_effort: 'low', response_format: { type: 'json_schema', json_schema: { name: 'answer', description: 'The answer', schema: answerSchema } } },
      modelId: SONNET_45,
      expected: {
        outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema: { name: 'answer', description: 'The answer', schema: JSON.stringify(answerSchema) } } } },
        additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 4096 } },
      },
    },
    {
      name: 'reasoning_effort on gpt-oss',
      request: { reasoning_effort: 'minimal' },
      modelId: 'openai.gpt-oss-120b-1:0',
      expected: { additionalModelRequestFields: { reasoning_effort: 'low' } },
    },
    {
      name: 'reasoning_effort on Nova 2',
      request: { reasoning_effort: 'xhigh' },
      modelId: 'us.amazon.nova-2-lite-v1:0',
      expected: { additionalModelRequestFields: { reasoningConfig: { type: 'enabled', maxReasoningEffort: 'high' } } },
    },
    { name: 'reasoning_effort on a model that cannot reason is ignored', request: { reasoning_effort: 'high' }, expected: {} },
    { name: 'reasoning_effort none is off', request: { reasoning_effort: 'none' }, modelId: SONNET_37, expected: {} },
    {
      name: 'additional_model_request_fields pass through and win',
      request: { reasoning_effort: 'low', additional_model_request_fields: { top_k: 5, thinking: { type: 'disabled' } } },
      modelId: SONNET_37,
      expected: { additionalModelRequestFields: { top_k: 5, thinking: { type: 'disabled' } } },
    },
    { name: 'service_tier flex', request: { service_tier: 'flex' }, expected: { serviceTier: { type: 'flex' } } },
    { name: 'service_tier auto leaves Bedrock\'s default', request: { service_tier: 'auto' }, expected: {} },
    { name: 'performance_config', request: { performance_config: { latency: 'optimized' } }, expected: { performanceConfig: { latency: 'optimized' } } },
    {
      name: 'guardrail_config',
      request: { guardrail_config: { guardrail_identifier: 'gr-1', guardrail_version: '2', trace: 'enabled' } },
      expected: { guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '2', trace: 'enabled' } },
    },
  ])('$name', async ({ request, modelId, expected }) => {
    const { input } = await map(request, modelId);
    expect(input).toEqual({ modelId: modelId ?? HAIKU_3, messages: userTurn, ...expected });
  });

  test('prompt_cache puts cache points after the system prompt and at the end of the last user turn', async () => {
    const { input } = await map({
      prompt_cache: true,
      messages: [
        { role: 'system', content: 'Long instructions' },
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'Q2' },
      ],
    });
    expect(input.system).toEqual([{ text: 'Long instructions' }, { cachePoint: { type: 'default' } }]);
    expect(input.messages).toEqual([
      { role: 'user', content: [{ text: 'Q1' }] },
      { role: 'assistant', content: [{ text: 'A1' }] },
      { role: 'user', content: [{ text: 'Q2' }, { cachePoint: { type: 'default' } }] },
    ]);
  });

  test('prompt_cache with a ttl sets it on every cache point', async () => {
    const { input } = await map({ prompt_cache: { ttl: '1h' }, messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'Q' }] });
    expect(input.system).toEqual([{ text: 'S' }, { cachePoint: { type: 'default', ttl: '1h' } }]);
    expect(input.messages).toEqual([{ role: 'user', content: [{ text: 'Q' }, { cachePoint: { type: 'default', ttl: '1h' } }] }]);
  });

  describe('gateway defaults', () => {
    const cached = { role: 'user', content: [{ text: 'Hi' }, { cachePoint: { type: 'default' } }] };

    test('DEFAULT_MAX_TOKENS applies when the request sets none, and feeds the reasoning budget', async () => {
      expect((await map({}, HAIKU_3, undefined, { defaultMaxTokens: 512 })).input.inferenceConfig).toEqual({ maxTokens: 512 });
      expect((await map({ max_tokens: 100 }, HAIKU_3, undefined, { defaultMaxTokens: 512 })).input.inferenceConfig).toEqual({ maxTokens: 100 });
      const thinking = await map({ reasoning_effort: 'high' }, SONNET_37, undefined, { defaultMaxTokens: 10_000 });
      const withoutDefault = await map({ reasoning_effort: 'high', max_tokens: 10_000 }, SONNET_37);
      expect(thinking.input).toEqual(withoutDefault.input);
    });

    test.each<[string, Partial<ChatRequest>, string, unknown[]]>([
      ['a model with prompt caching gets cache points', {}, SONNET_37, [cached]],
      ['a Nova model by inference profile too', {}, 'us.amazon.nova-lite-v1:0', [cached]],
      ['a model without prompt caching gets none', {}, HAIKU_3, userTurn],
      ['prompt_cache: false opts out', { prompt_cache: false }, SONNET_37, userTurn],
      ['prompt_cache settings win', { prompt_cache: { ttl: '1h' } }, SONNET_37, [{ role: 'user', content: [{ text: 'Hi' }, { cachePoint: { type: 'default', ttl: '1h' } }] }]],
    ])('ENABLE_PROMPT_CACHING: %s', async (_name, request, modelId, messages) => {
      const { input } = await map(request, modelId, undefined, { promptCachingByDefault: true });
      expect(input.messages).toEqual(messages);
    });
  });

  test.each([['tool_choice none', 'none' as const], ['no tools in the request', undefined]])('%s with tool history still declares the tools, as Converse requires', async (_name, choice) => {
    const { input } = await map({
      tool_choice: choice,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    });
    expect(input.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'weather', inputSchema: { json: { type: 'object' } } } }] });
  });

  test('inside a tool loop Claude runs without thinking (the history cannot carry its signed thinking blocks)', async () => {
    const toolLoop: ChatRequest['messages'] = [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
    ];
    const inLoop = await map({ reasoning_effort: 'high', temperature: 0.4, tools: [weather], messages: toolLoop }, SONNET_37);
    expect(inLoop.input.additionalModelRequestFields).toBeUndefined();
    expect(inLoop.input.inferenceConfig).toEqual({ temperature: 0.4 });
    const afterLoop = await map({ reasoning_effort: 'high', tools: [weather], messages: [...toolLoop, { role: 'assistant', content: 'Sunny.' }, { role: 'user', content: 'And tomorrow?' }] }, SONNET_37);
    expect(afterLoop.input.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 16384 } });
  });

  test('structured output on a thinking Claude without native structured output: the answer tool is forced and thinking is off', async () => {
    const { input, structured } = await map({
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: answerSchema } },
    }, SONNET_37);
    expect(structured?.toolName).toBe('answer');
    expect(input.system).toBeUndefined();
    expect(input.outputConfig).toBeUndefined();
    expect(input.toolConfig?.toolChoice).toEqual({ tool: { name: 'answer' } });
    expect(input.additionalModelRequestFields).toBeUndefined();
  });

  test('a tool loop whose history carries the signed reasoning block keeps thinking on', async () => {
    const conversation = {
      system: [],
      messages: [
        { role: 'user' as const, content: [{ text: 'Weather?' }] },
        { role: 'assistant' as const, content: [{ reasoningContent: { reasoningText: { text: 'Look it up.', signature: 'sig' } } }, { toolUse: { toolUseId: 't1', name: 'weather', input: {} } }] },
        { role: 'user' as const, content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'sunny' }] } }] },
      ],
    };
    const { input } = assembleConverseInput(conversation, { reasoning_effort: 'low', tools: [weather] }, { modelId: SONNET_37, loadImage: async () => { throw new Error('no images'); } });
    expect(input.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 4096 } });
  });

  test.each<{ name: string; request: Partial<ChatRequest>; model?: ModelInfo; param: string; message: RegExp }>([
    { name: 'n other than 1', request: { n: 2 }, param: 'n', message: /Only n=1 is supported; received n=2/ },
    {
      name: 'a named tool_choice that is not in tools',
      request: { tools: [weather], tool_choice: { type: 'function', function: { name: 'other' } } },
      param: 'tool_choice',
      message: /"other", which is not in tools/,
    },
    {
      name: 'a response_format name that is also a tool name',
      request: { tools: [weather], response_format: { type: 'json_schema', json_schema: { name: 'weather' } } },
      param: 'response_format.json_schema.name',
      message: /also a tool name/,
    },
    {
      name: 'reasoning with max tokens too small for a thinking budget',
      request: { reasoning_effort: 'low', max_tokens: 1000 },
      param: 'max_completion_tokens',
      message: /above 1024/,
    },
    {
      name: 'an image for a model without IMAGE input',
      request: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }] },
      model: { id: HAIKU_3, provider: 'Anthropic', inputModalities: ['TEXT'], outputModalities: ['TEXT'], streaming: true },
      param: 'messages[0].content[0].image_url.url',
      message: /does not accept image input/,
    },
  ])('400 for $name', async ({ request, model, param, message }) => {
    const error = await map(request, request.reasoning_effort ? SONNET_37 : HAIKU_3, model).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAIError);
    expect(error).toMatchObject({ param, message: expect.stringMatching(message) });
  });
});
