import { ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import { toChatCompletion } from '../../../lambda/chat/completion';
import { structuredOutput } from '../../../lambda/chat/structured-output';

const meta = { id: 'chatcmpl-1', created: 1700000000, model: 'anthropic.claude-3-haiku-20240307-v1:0' };
const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };

function response(content: unknown[], stopReason: string): ConverseResponse {
  return { output: { message: { role: 'assistant', content: content as never } }, stopReason: stopReason as never, usage, metrics: { latencyMs: 1 } };
}

describe('toChatCompletion', () => {
  test('a text answer', () => {
    expect(toChatCompletion(response([{ text: 'Hello' }, { text: ' there' }], 'end_turn'), meta)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1700000000,
      model: meta.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  test('tool calls: content null, arguments as JSON strings, finish_reason tool_calls', () => {
    const completion = toChatCompletion(response([
      { toolUse: { toolUseId: 'tooluse_1', name: 'weather', input: { city: 'Paris' } } },
      { toolUse: { toolUseId: 'tooluse_2', name: 'now', input: {} } },
    ], 'tool_use'), meta);
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: 'tooluse_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'tooluse_2', type: 'function', function: { name: 'now', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
  });

  test('reasoning goes to reasoning_content, not content', () => {
    const completion = toChatCompletion(response([
      { reasoningContent: { reasoningText: { text: 'Think. ', signature: 'sig' } } },
      { reasoningContent: { reasoningText: { text: 'Done.' } } },
      { reasoningContent: { redactedContent: new Uint8Array([1]) } },
      { text: '42' },
    ], 'end_turn'), meta);
    expect(completion.choices[0].message).toEqual({ role: 'assistant', content: '42', refusal: null, reasoning_content: 'Think. Done.' });
  });

  test('the response_format tool call becomes the JSON content with finish_reason stop', () => {
    const structured = structuredOutput({ type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } });
    const completion = toChatCompletion(response([{ toolUse: { toolUseId: 't', name: 'answer', input: { answer: 'yes', n: [1, 2] } } }], 'tool_use'), { ...meta, structured });
    expect(completion.choices[0].message).toEqual({ role: 'assistant', content: '{"answer":"yes","n":[1,2]}', refusal: null });
    expect(completion.choices[0].finish_reason).toBe('stop');
  });

  test.each([
    ['end_turn', 'stop'], ['stop_sequence', 'stop'], ['max_tokens', 'length'], ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'], ['content_filtered', 'content_filter'], ['guardrail_intervened', 'content_filter'],
  ])('stopReason %s → finish_reason %s', (stopReason, finishReason) => {
    expect(toChatCompletion(response([{ text: 'x' }], stopReason), meta).choices[0].finish_reason).toBe(finishReason);
  });

  test('cache reads and writes count as prompt tokens; reads are cached_tokens', () => {
    const r = { ...response([{ text: 'x' }], 'end_turn'), usage: { ...usage, cacheReadInputTokens: 100, cacheWriteInputTokens: 20 } };
    expect(toChatCompletion(r, meta).usage).toEqual({
      prompt_tokens: 130, completion_tokens: 5, total_tokens: 135, prompt_tokens_details: { cached_tokens: 100 },
    });
  });
});
