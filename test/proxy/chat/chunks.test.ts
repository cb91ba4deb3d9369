import { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import { ChunkMapper } from '../../../lambda/chat/chunks';
import { structuredOutput } from '../../../lambda/chat/structured-output';

const meta = { id: 'chatcmpl-1', created: 1700000000, model: 'm' };
const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1700000000, model: 'm' };
const delta = (d: object, finish_reason: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason, logprobs: null }] });

function run(events: object[], options: { includeUsage?: boolean; structured?: ReturnType<typeof structuredOutput> } = {}) {
  const mapper = new ChunkMapper({ ...meta, structured: options.structured }, options.includeUsage ?? false);
  return events.flatMap((event) => mapper.map(event as ConverseStreamOutput));
}

describe('ChunkMapper', () => {
  test('text: role first, content deltas, finish reason, usage chunk with empty choices', () => {
    expect(run([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hel' } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'lo' } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'max_tokens' } },
      { metadata: { usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5, cacheReadInputTokens: 1 }, metrics: { latencyMs: 1 } } },
    ], { includeUsage: true })).toEqual([
      delta({ role: 'assistant', content: '', refusal: null }),
      delta({ content: 'Hel' }),
      delta({ content: 'lo' }),
      delta({}, 'length'),
      { ...base, choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6, prompt_tokens_details: { cached_tokens: 1 } } },
    ]);
  });

  test('no usage chunk unless asked', () => {
    expect(run([{ metadata: { usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } } }])).toEqual([]);
  });

  test('reasoning deltas go to reasoning_content; signatures are not sent', () => {
    expect(run([
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Hmm' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'Yes' } } },
    ])).toEqual([delta({ reasoning_content: 'Hmm' }), delta({ content: 'Yes' })]);
  });

  test('tool calls: an index each, id/type/name first, then argument fragments; "{}" for no arguments', () => {
    expect(run([
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Let me check.' } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu_1', name: 'weather' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tu_2', name: 'now' } } } },
      { contentBlockStop: { contentBlockIndex: 2 } },
      { messageStop: { stopReason: 'tool_use' } },
    ])).toEqual([
      delta({ content: 'Let me check.' }),
      delta({ tool_calls: [{ index: 0, id: 'tu_1', type: 'function', function: { name: 'weather', arguments: '' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      delta({ tool_calls: [{ index: 1, id: 'tu_2', type: 'function', function: { name: 'now', arguments: '' } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }),
      delta({}, 'tool_calls'),
    ]);
  });

  test('the response_format tool streams as content and finishes with stop', () => {
    const structured = structuredOutput({ type: 'json_object' });
    expect(run([
      { messageStart: { role: 'assistant' } },
      { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tu', name: 'json_object' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"a":' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '1}' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'tool_use' } },
    ], { structured })).toEqual([
      delta({ role: 'assistant', content: '', refusal: null }),
      delta({ content: '{"a":' }),
      delta({ content: '1}' }),
      delta({}, 'stop'),
    ]);
  });
});
