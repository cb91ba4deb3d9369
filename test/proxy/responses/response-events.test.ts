import { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import { structuredOutput } from '../../../lambda/chat/structured-output';
import { ResponseEventMapper } from '../../../lambda/responses/response-events';
import { ResponseMeta } from '../../../lambda/responses/response-object';
import { openReasoning, sealReasoning } from '../../../lambda/responses/sealed-reasoning';

const meta: ResponseMeta = { id: 'resp_1', createdAt: 1, model: 'm', request: { input: 'x' } };

/** Runs a whole Bedrock stream through a mapper: every event, then the terminal one. */
function run(events: ConverseStreamOutput[], m = meta) {
  const mapper = new ResponseEventMapper(m);
  const out = [...mapper.start(), ...events.flatMap((e) => mapper.map(e))];
  const { events: closing, response } = mapper.finish();
  out.push(...closing, mapper.terminal(response));
  return { events: out, response };
}

describe('ResponseEventMapper', () => {
  test('the response_format tool streams as output_text of a message item', () => {
    const structured = structuredOutput({ type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } });
    const { events, response } = run([
      { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't', name: 'answer' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"a":' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '1}' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'tool_use' } },
    ], { ...meta, structured });
    expect(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta)).toEqual(['{"a":', '1}']);
    expect(events.some((e) => String(e.type).startsWith('response.function_call'))).toBe(false);
    expect(response.status).toBe('completed');
    expect(response.output).toEqual([expect.objectContaining({ type: 'message', content: [expect.objectContaining({ text: '{"a":1}' })] })]);
  });

  test('max tokens: response.incomplete, and the cut items are marked incomplete', () => {
    const { events, response } = run([
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'cut sh' } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'max_tokens' } },
      { metadata: { usage: { inputTokens: 2, outputTokens: 3, totalTokens: 5 }, metrics: { latencyMs: 1 } } },
    ]);
    expect(events.at(-1)!.type).toBe('response.incomplete');
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { input_tokens: 2, output_tokens: 3, total_tokens: 5 } });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  test('blocks Bedrock left open are closed before the terminal event; a tool called without input gets "{}"', () => {
    const { events, response } = run([
      { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't1', name: 'now' } } } },
      { messageStop: { stopReason: 'tool_use' } },
    ]);
    expect(events.map((e) => e.type).slice(-3)).toEqual(['response.function_call_arguments.done', 'response.output_item.done', 'response.completed']);
    expect(response.output).toEqual([expect.objectContaining({ type: 'function_call', call_id: 't1', name: 'now', arguments: '{}', status: 'completed' })]);
  });

  test('redacted reasoning becomes a reasoning item without summary whose encrypted_content opens to the same block', () => {
    const redacted = new Uint8Array([1, 2, 3]);
    const { events, response } = run([
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { redactedContent: redacted } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'end_turn' } },
    ]);
    expect(events.some((e) => String(e.type).startsWith('response.reasoning_summary'))).toBe(false);
    const [item] = response.output;
    expect(item).toMatchObject({ type: 'reasoning', summary: [] });
    expect(openReasoning((item as { encrypted_content: string }).encrypted_content, 'p')).toEqual({ redactedContent: Buffer.from(redacted) });
  });
});

describe('sealed reasoning', () => {
  test('round-trips text and signature', () => {
    const block = { reasoningText: { text: 'Because.', signature: 'sig' } };
    expect(openReasoning(sealReasoning(block), 'p')).toEqual(block);
  });
});
