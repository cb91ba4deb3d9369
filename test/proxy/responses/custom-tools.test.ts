import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { applyPatch, applyPatchSpec, PATCH, patchCall, streamedPatchCall } from './apply-patch-tool';
import { useHarness } from '../harness';

const NOVA = 'amazon.nova-lite-v1:0';
describe('custom (free-form) tools in the Responses API', () => {
  const h = useHarness();

  test('a custom tool reaches Bedrock as one string argument carrying its grammar; the call comes back as a custom_tool_call with the text', async () => {
    h.emulator.onConverse(() => patchCall('tooluse_p1'));
    const response = await h.openai.responses.create({
      model: NOVA, input: 'Create hello.txt', tools: [applyPatch], tool_choice: { type: 'custom', name: 'apply_patch' }, store: false,
    });
    expect(response.output).toEqual([{ id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'tooluse_p1', name: 'apply_patch', input: PATCH }]);
    expect(h.emulator.callsTo('Converse')[0].body.toolConfig).toEqual({ tools: [applyPatchSpec], toolChoice: { tool: { name: 'apply_patch' } } });
  });

  test('streamed, the call is one custom_tool_call item whose input arrives whole in its delta and done events', async () => {
    h.emulator.onConverseStream(() => streamedPatchCall('tooluse_p2'));
    const stream = h.openai.responses.stream({ model: NOVA, input: 'Create hello.txt', tools: [applyPatch], store: false });
    const types: string[] = [];
    const deltas: string[] = [];
    stream.on('event', (e) => types.push(e.type));
    stream.on('response.custom_tool_call_input.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(types).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done', 'response.output_item.done', 'response.completed',
    ]);
    expect(deltas).toEqual([PATCH]);
    expect(final.output).toEqual([{ id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'tooluse_p2', name: 'apply_patch', input: PATCH }]);
  });

  test('in a tool loop the call and its output go back to Bedrock as the tool use and its result, sent whole or through previous_response_id', async () => {
    h.emulator.onConverse(({ body }) => (body.messages.length === 1 ? patchCall('tooluse_p3') : {
      output: {
        output: { message: { role: 'assistant', content: [{ text: 'Created hello.txt.' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 20, outputTokens: 4, totalTokens: 24 },
        metrics: { latencyMs: 1 },
      },
    }));
    const first = await h.openai.responses.create({ model: NOVA, input: 'Create hello.txt', tools: [applyPatch] });
    const output = { type: 'custom_tool_call_output' as const, call_id: 'tooluse_p3', output: 'Success. Updated the following files:\nA hello.txt' };
    const viaStore = await h.openai.responses.create({ model: NOVA, previous_response_id: first.id, input: [output], tools: [applyPatch] });
    const whole = await h.openai.responses.create({
      model: NOVA,
      input: [{ role: 'user', content: 'Create hello.txt' }, { type: 'custom_tool_call', call_id: 'tooluse_p3', name: 'apply_patch', input: PATCH }, output],
      tools: [applyPatch],
      store: false,
    });
    expect([viaStore.output_text, whole.output_text]).toEqual(['Created hello.txt.', 'Created hello.txt.']);
    const [, second, third] = h.emulator.callsTo('Converse').map((call) => call.body.messages);
    expect(second).toEqual([
      { role: 'user', content: [{ text: 'Create hello.txt' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_p3', name: 'apply_patch', input: { input: PATCH } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_p3', content: [{ text: output.output }] } }] },
    ]);
    expect(third).toEqual(second);
  });

  test.each([
    ['a grammar without its definition', { tools: [{ type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark' } }] }, 'tools[0].format.definition'],
    ['a custom tool call without its text', { input: [{ type: 'custom_tool_call', call_id: 'c1', name: 'apply_patch' }] }, 'input[0].input'],
  ])('%s is a 400 naming the field', async (_name, fields, param) => {
    const error = await h.openai.responses.create({ model: NOVA, input: 'Hi', store: false, ...fields } as never).then(
      () => { throw new Error('accepted'); },
      (err: unknown) => err as InstanceType<typeof OpenAI.APIError>,
    );
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(h.emulator.callsTo('Converse')).toEqual([]);
  });
});
