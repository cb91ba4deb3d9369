import { StreamStep } from '../../emulator/bedrock-emulator';

const ev = (event: Record<string, unknown>): StreamStep => ({ event });
export const GRAMMAR = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF\nend_patch: "*** End Patch" LF?';
/** Codex CLI's file-editing tool for GPT-5 model names: free-form text in a Lark grammar. */
export const applyPatch = {
  type: 'custom' as const,
  name: 'apply_patch',
  description: 'Use the `apply_patch` tool to edit files.',
  format: { type: 'grammar' as const, syntax: 'lark' as const, definition: GRAMMAR },
};
export const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+Hello "world"\n*** End Patch\n';
/** What Bedrock is given for `applyPatch`: a function tool with one string argument that carries the grammar. */
export const applyPatchSpec = {
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
export const patchCall = (toolUseId: string) => ({
  output: {
    output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId, name: 'apply_patch', input: { input: PATCH } } }] } },
    stopReason: 'tool_use',
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    metrics: { latencyMs: 1 },
  },
});
/** The same call streamed: its `{"input": …}` arrives in fragments that split the JSON string. */
export const streamedPatchCall = (toolUseId: string): StreamStep[] => {
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
