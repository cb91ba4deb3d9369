import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { StreamStep } from '../../emulator/bedrock-emulator';
import { TEST_API_KEY, useHarness } from '../harness';
import { readSse } from './sse-events';

const NOVA = 'amazon.nova-lite-v1:0';
const ev = (event: Record<string, unknown>): StreamStep => ({ event });
const GRAMMAR = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF\nend_patch: "*** End Patch" LF?';
/** Codex CLI's file-editing tool for GPT-5 model names: free-form text in a Lark grammar. */
const applyPatch = {
  type: 'custom' as const,
  name: 'apply_patch',
  description: 'Use the `apply_patch` tool to edit files.',
  format: { type: 'grammar' as const, syntax: 'lark' as const, definition: GRAMMAR },
};
const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+Hello "world"\n*** End Patch\n';
/** What Bedrock is given for `applyPatch`: a function tool with one string argument that carries the grammar. */
const applyPatchSpec = {
  toolSpec: {
    name: 'apply_patch',
    description: 'Use the `apply_patch` tool to edit files.',
    inputSchema: {
      json: {
        type: 'object',
        properties: { input: { type: 'string', description: `The tool's whole input. Text in this lark grammar:\n${GRAMMAR}` } },
        required: ['input'],
        additionalProperties: false,
      },
    },
  },
};
const patchCall = (toolUseId: string) => ({
  output: {
    output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId, name: 'apply_patch', input: { input: PATCH } } }] } },
    stopReason: 'tool_use',
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    metrics: { latencyMs: 1 },
  },
});
/** The same call streamed: its `{"input": …}` arrives in fragments that split the JSON string. */
const streamedPatchCall = (toolUseId: string): StreamStep[] => {
  const json = JSON.stringify({ input: PATCH });
  return [
    ev({ messageStart: { role: 'assistant' } }),
    ev({ contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId, name: 'apply_patch' } } } }),
    ...[json.slice(0, 7), json.slice(7, 30), json.slice(30)]
      .map((input) => ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input } } } })),
    ev({ contentBlockStop: { contentBlockIndex: 0 } }),
    ev({ messageStop: { stopReason: 'tool_use' } }),
    ev({ metadata: { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 }, metrics: { latencyMs: 1 } } }),
  ];
};

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

  test('a Codex-CLI-shaped turn (shell and update_plan functions, apply_patch free-form) streams the patch as a custom_tool_call', async () => {
    h.emulator.onConverseStream(() => streamedPatchCall('tooluse_p4'));
    const shell = {
      type: 'function',
      name: 'shell',
      description: 'Runs a shell command and returns its output.',
      strict: false,
      parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'], additionalProperties: false },
    };
    const updatePlan = {
      type: 'function',
      name: 'update_plan',
      description: 'Updates the task plan.',
      strict: false,
      parameters: { type: 'object', properties: { plan: { type: 'array', items: { type: 'object' } } }, required: ['plan'], additionalProperties: false },
    };
    const res = await fetch(`${h.baseURL}/responses`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', 'accept': 'text/event-stream', 'originator': 'codex_cli_rs' },
      body: JSON.stringify({
        model: 'gpt-5-codex',
        instructions: 'You are Codex, a coding agent.',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Create hello.txt saying Hello "world".' }] }],
        tools: [shell, updatePlan, applyPatch],
        tool_choice: 'auto',
        parallel_tool_calls: false,
        reasoning: { effort: 'medium', summary: 'auto' },
        store: false,
        stream: true,
        include: ['reasoning.encrypted_content'],
        text: { verbosity: 'low' },
      }),
    });
    const { events } = await readSse(res);
    expect(events.at(-1)!.type).toBe('response.completed');
    const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item);
    expect(done).toEqual([expect.objectContaining({ type: 'custom_tool_call', call_id: 'tooluse_p4', name: 'apply_patch', input: PATCH })]);
    expect(h.emulator.callsTo('ConverseStream')[0].body.toolConfig.tools.map((t: any) => t.toolSpec.name)).toEqual(['shell', 'update_plan', 'apply_patch']);
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
