import { createOpenAI } from '@ai-sdk/openai';
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { generateText, streamText } from 'ai';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { TEST_API_KEY, useHarness } from '../harness';
import { applyPatch, PATCH, streamedPatchCall } from './apply-patch-tool';
import { readSse } from './sse-events';
import { weatherModel } from '../weather-model';

const NOVA = 'amazon.nova-lite-v1:0';
/** The default model here: a thinking Claude, as Codex's `gpt-*` model names map to it. */
const SONNET_4 = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

/** Codex CLI's shell tool. */
const shell = {
  type: 'function',
  name: 'shell',
  description: 'Runs a shell command and returns its output.',
  strict: false,
  parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } }, workdir: { type: 'string' } }, required: ['command'], additionalProperties: false },
};

/** A turn as Codex CLI sends it: these settings around its instructions, input and tools. */
const codexTurn = <T extends Record<string, unknown>>(fields: T) => ({
  model: 'gpt-5-codex',
  tool_choice: 'auto',
  parallel_tool_calls: false,
  reasoning: { effort: 'medium', summary: 'auto' },
  store: false,
  stream: true,
  include: ['reasoning.encrypted_content'],
  ...fields,
});

describe('Responses API clients over real HTTP', () => {
  const h = useHarness({ env: { DEFAULT_MODEL: SONNET_4 } });

  /** POSTs a turn to /responses with the headers Codex CLI sends. */
  const postAsCodex = (body: Record<string, unknown>) => fetch(`${h.baseURL}/responses`, {
    method: 'POST',
    headers: { 'authorization': `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', 'accept': 'text/event-stream', 'originator': 'codex_cli_rs' },
    body: JSON.stringify(body),
  });

  test('the OpenAI Agents SDK (default Responses mode) runs an agent with a tool', async () => {
    setTracingDisabled(true);
    h.emulator.onConverse(weatherModel('tooluse_w1'));
    const weather = tool({
      name: 'weather',
      description: 'Weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => `Sunny in ${city}`,
    });
    const agent = new Agent({ name: 'Forecaster', instructions: 'Use the weather tool.', model: NOVA, tools: [weather] });
    const runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient: h.openai }), tracingDisabled: true });
    const result = await runner.run(agent, 'Weather in Paris?');
    expect(result.finalOutput).toBe('The tool says: Sunny in Paris');
    const [first, second] = h.emulator.callsTo('Converse').map((c) => c.body);
    expect(first.system).toEqual([{ text: 'Use the weather tool.' }]);
    expect(first.toolConfig.tools[0].toolSpec).toMatchObject({ name: 'weather', description: 'Weather for a city', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } });
    expect(second.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_w1', name: 'weather', input: { city: 'Paris' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_w1', content: [{ text: 'Sunny in Paris' }] } }] },
    ]);
  });

  test.each([
    ['openai(model) (Responses API)', false], ['openai(model) (Responses API)', true],
    ['openai.chat(model) (chat completions)', false], ['openai.chat(model) (chat completions)', true],
  ])('the AI SDK\'s %s, streamed: %s', async (api, streamed) => {
    const openai = createOpenAI({ baseURL: h.baseURL, apiKey: TEST_API_KEY });
    const request = { model: api.includes('chat') ? openai.chat(NOVA) : openai(NOVA), system: 'Be brief.', prompt: 'alpha beta gamma delta' };
    const { text, usage } = streamed
      ? await (async () => {
        const result = streamText(request);
        return { text: await result.text, usage: await result.usage };
      })()
      : await generateText(request);
    expect(text).toBe('alpha beta gamma delta');
    expect(usage.outputTokens).toBe(4);
    const [call] = h.emulator.callsTo(streamed ? 'ConverseStream' : 'Converse');
    expect(call.body.system).toEqual([{ text: 'Be brief.' }]);
    expect(call.body.messages).toEqual([{ role: 'user', content: [{ text: 'alpha beta gamma delta' }] }]);
  });

  test('a Codex-CLI-shaped request (streamed, store false, instructions, function-call history, encrypted reasoning asked for) ends with response.completed', async () => {
    // The shape Codex CLI sends on its second turn of a tool loop: the whole history, nothing stored server-side.
    const codexRequest = codexTurn({
      instructions: 'You are Codex, a coding agent. Use the shell tool to inspect the repository.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n  <cwd>/work/app</cwd>\n</environment_context>' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Run ls.' }], content: null, encrypted_content: null },
        { type: 'function_call', name: 'shell', arguments: '{"command":["ls"],"workdir":"/work/app"}', call_id: 'call_ls1' },
        { type: 'function_call_output', call_id: 'call_ls1', output: '{"output":"README.md\\nsrc\\n","metadata":{"exit_code":0,"duration_seconds":0.0}}' },
      ],
      tools: [shell],
      prompt_cache_key: '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    });
    const res = await postAsCodex(codexRequest);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { raw, events } = await readSse(res);
    expect(raw).not.toContain('[DONE]');
    const completed = events.at(-1)!;
    expect(completed.type).toBe('response.completed');
    expect(completed.response.id).toMatch(/^resp_/);
    const { input_tokens: input, output_tokens: output, total_tokens: total } = completed.response.usage;
    expect(input).toBeGreaterThan(0);
    expect(output).toBeGreaterThan(0);
    expect(total).toBe(input + output);
    expect(events.filter((e) => ['response.completed', 'response.incomplete', 'response.failed'].includes(e.type))).toHaveLength(1);

    const [call] = h.emulator.callsTo('ConverseStream');
    expect(call.modelId).toBe(SONNET_4);
    // Thinking Claude needs its signed reasoning back in a tool loop; Codex's reasoning item has none, so this turn runs without.
    expect(call.body.additionalModelRequestFields).toBeUndefined();
    expect(call.body.system).toEqual([{ text: codexRequest.instructions }]);
    expect(call.body.messages).toEqual([
      { role: 'user', content: [{ text: '<environment_context>\n  <cwd>/work/app</cwd>\n</environment_context>' }, { text: 'List the files.' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_ls1', name: 'shell', input: { command: ['ls'], workdir: '/work/app' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'call_ls1', content: [{ text: codexRequest.input[4].output }] } }] },
    ]);
    expect(call.body.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'shell', description: shell.description, inputSchema: { json: shell.parameters } } }], toolChoice: { auto: {} } });
  });

  test('a Codex-CLI-shaped first turn (shell and update_plan functions, apply_patch free-form) streams the patch as a custom_tool_call', async () => {
    h.emulator.onConverseStream(() => streamedPatchCall('tooluse_p4'));
    const updatePlan = {
      type: 'function',
      name: 'update_plan',
      description: 'Updates the task plan.',
      strict: false,
      parameters: { type: 'object', properties: { plan: { type: 'array', items: { type: 'object' } } }, required: ['plan'], additionalProperties: false },
    };
    const res = await postAsCodex(codexTurn({
      instructions: 'You are Codex, a coding agent.',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Create hello.txt saying Hello "world".' }] }],
      tools: [shell, updatePlan, applyPatch],
      text: { verbosity: 'low' },
    }));
    const { events } = await readSse(res);
    expect(events.at(-1)!.type).toBe('response.completed');
    const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item);
    expect(done).toEqual([expect.objectContaining({ type: 'custom_tool_call', call_id: 'tooluse_p4', name: 'apply_patch', input: PATCH })]);
    expect(h.emulator.callsTo('ConverseStream')[0].body.toolConfig.tools.map((t: any) => t.toolSpec.name)).toEqual(['shell', 'update_plan', 'apply_patch']);
  });
});
