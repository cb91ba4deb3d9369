import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { useHarness } from '../harness';
import { applyPatchSpec, GRAMMAR, PATCH, patchCall, streamedPatchCall } from '../responses/apply-patch-tool';

const NOVA = 'amazon.nova-lite-v1:0';
/** Codex CLI's `apply_patch` tool as Chat Completions declares a custom tool. */
const applyPatch = {
  type: 'custom' as const,
  custom: {
    name: 'apply_patch',
    description: 'Use the `apply_patch` tool to edit files.',
    format: { type: 'grammar' as const, grammar: { syntax: 'lark' as const, definition: GRAMMAR } },
  },
};
const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const patchToolCall = (id: string) => ({ id, type: 'custom', custom: { name: 'apply_patch', input: PATCH } });

describe('custom (free-form) tools in Chat Completions', () => {
  const h = useHarness();

  test('a custom tool reaches Bedrock as one string argument carrying its grammar; its call comes back with the text as input', async () => {
    h.emulator.onConverse(() => patchCall('tooluse_c1'));
    const completion = await h.openai.chat.completions.create({
      model: NOVA,
      messages: [{ role: 'user', content: 'Create hello.txt' }],
      tools: [applyPatch, weather],
      tool_choice: { type: 'custom', custom: { name: 'apply_patch' } },
    });
    expect(completion.choices[0].message.tool_calls).toEqual([patchToolCall('tooluse_c1')]);
    expect(completion.choices[0].message.content).toBeNull();
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    const { toolConfig } = h.emulator.callsTo('Converse')[0].body;
    expect(toolConfig.tools[0]).toEqual(applyPatchSpec);
    expect(toolConfig.tools[1].toolSpec.name).toBe('get_weather');
    expect(toolConfig.toolChoice).toEqual({ tool: { name: 'apply_patch' } });
  });

  test('streamed, the call arrives whole in one tool call delta', async () => {
    h.emulator.onConverseStream(() => streamedPatchCall('tooluse_c2'));
    const stream = await h.openai.chat.completions.create({
      model: NOVA, messages: [{ role: 'user', content: 'Create hello.txt' }], tools: [applyPatch], stream: true,
    });
    const deltas: unknown[] = [];
    const finishReasons: unknown[] = [];
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      if (chunk.choices[0]?.finish_reason) finishReasons.push(chunk.choices[0].finish_reason);
    }
    expect(deltas).toEqual([{ index: 0, ...patchToolCall('tooluse_c2') }]);
    expect(finishReasons).toEqual(['tool_calls']);
  });

  test('in a tool loop the call and its result go back to Bedrock as the tool use and its result', async () => {
    h.emulator.onConverse(() => ({
      output: {
        output: { message: { role: 'assistant', content: [{ text: 'Created hello.txt.' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 20, outputTokens: 4, totalTokens: 24 },
        metrics: { latencyMs: 1 },
      },
    }));
    const completion = await h.openai.chat.completions.create({
      model: NOVA,
      messages: [
        { role: 'user', content: 'Create hello.txt' },
        { role: 'assistant', content: null, tool_calls: [patchToolCall('tooluse_c3') as never] },
        { role: 'tool', tool_call_id: 'tooluse_c3', content: 'Success. Updated the following files:\nA hello.txt' },
      ],
      tools: [applyPatch],
    });
    expect(completion.choices[0].message.content).toBe('Created hello.txt.');
    expect(h.emulator.callsTo('Converse')[0].body.messages).toEqual([
      { role: 'user', content: [{ text: 'Create hello.txt' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_c3', name: 'apply_patch', input: { input: PATCH } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_c3', content: [{ text: 'Success. Updated the following files:\nA hello.txt' }] } }] },
    ]);
  });

  test.each([
    ['a custom tool without a name', { tools: [{ type: 'custom', custom: { description: 'x' } }] }, 'tools[0].custom.name'],
    ['a grammar without its definition', { tools: [{ type: 'custom', custom: { name: 'apply_patch', format: { type: 'grammar', grammar: { syntax: 'lark' } } } }] },
      'tools[0].custom.format.grammar.definition'],
    ['a tool type the gateway does not serve', { tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    ['a tool_choice naming no custom tool', { tools: [applyPatch], tool_choice: { type: 'custom', custom: { name: 'shell' } } }, 'tool_choice'],
    ['a custom tool call without its text', {
      messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', tool_calls: [{ id: 'c1', type: 'custom', custom: { name: 'apply_patch' } }] }],
    }, 'messages[1].tool_calls[0].custom.input'],
  ])('%s is a 400 naming the field', async (_name, fields, param) => {
    const error = await h.openai.chat.completions.create({ model: NOVA, messages: [{ role: 'user', content: 'Hi' }], ...fields } as never).then(
      () => { throw new Error('accepted'); },
      (err: unknown) => err as InstanceType<typeof OpenAI.APIError>,
    );
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(h.emulator.callsTo('Converse')).toEqual([]);
  });
});
