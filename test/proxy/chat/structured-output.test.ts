import { makeParseableResponseFormat } from 'openai/lib/parser';
import { describe, expect, test } from 'vitest';
import { DEFAULT_MODELS, DEFAULT_PROFILES, SONNET_45 } from '../../emulator/bedrock-emulator';
import { useHarness } from '../harness';

/** Native structured output and thinking. */
const SONNET_45_ID = SONNET_45.profile.inferenceProfileId;
/** Thinking, but no native structured output: the forced answer tool is the fallback. */
const SONNET_4_ID = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const schema = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer' } },
  required: ['city', 'population'],
  additionalProperties: false,
};
const responseFormat = makeParseableResponseFormat({ type: 'json_schema', json_schema: { name: 'city', schema, strict: true } }, JSON.parse);
/** What the emulator answers for that schema (a value made from it). */
const answer = { city: 'example', population: 1 };
const question = [{ role: 'user' as const, content: 'Largest city in France?' }];

describe('chat completions: response_format json_schema with reasoning_effort', () => {
  const h = useHarness({ emulatorOptions: { models: [...DEFAULT_MODELS, SONNET_45.model], profiles: [...DEFAULT_PROFILES, SONNET_45.profile] } });

  test('native structured output: parse() gets only the JSON as content, reasoning apart, thinking kept', async () => {
    const completion = await h.openai.chat.completions.parse({ model: SONNET_45_ID, messages: question, response_format: responseFormat, reasoning_effort: 'low' });
    const message = completion.choices[0].message as typeof completion.choices[0]['message'] & { reasoning_content?: string };
    expect(message.parsed).toEqual(answer);
    expect(message.content).toBe(JSON.stringify(answer));
    expect(message.reasoning_content).toBe('Let me think about the request.');
    const sent = h.emulator.callsTo('Converse')[0].body;
    expect(sent.outputConfig).toEqual({ textFormat: { type: 'json_schema', structure: { jsonSchema: { name: 'city', schema: JSON.stringify(schema) } } } });
    expect(sent.toolConfig).toBeUndefined();
    expect(sent.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 4096 } });
  });

  test('native structured output: the stream() helper parses the streamed JSON', async () => {
    const stream = h.openai.chat.completions.stream({ model: SONNET_45_ID, messages: question, response_format: responseFormat, reasoning_effort: 'medium' });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.parsed).toEqual(answer);
    expect(final.choices[0].message.content).toBe(JSON.stringify(answer));
    const sent = h.emulator.callsTo('ConverseStream')[0].body;
    expect(sent.outputConfig.textFormat.type).toBe('json_schema');
    expect(sent.additionalModelRequestFields.thinking.type).toBe('enabled');
  });

  test.each([['parse()', false], ['stream()', true]])('forced-tool fallback through %s: the tool is forced and thinking is off for the request', async (_name, streamed) => {
    const request = { model: SONNET_4_ID, messages: question, response_format: responseFormat, reasoning_effort: 'high' as const };
    const message = streamed
      ? (await h.openai.chat.completions.stream(request).finalChatCompletion()).choices[0].message
      : (await h.openai.chat.completions.parse(request)).choices[0].message;
    expect(message.parsed).toEqual(answer);
    expect(message.content).toBe(JSON.stringify(answer));
    expect(message.tool_calls ?? []).toEqual([]);
    const sent = h.emulator.callsTo(streamed ? 'ConverseStream' : 'Converse')[0].body;
    expect(sent.toolConfig.toolChoice).toEqual({ tool: { name: 'city' } });
    expect(sent.additionalModelRequestFields).toBeUndefined();
    expect(sent.outputConfig).toBeUndefined();
  });
});

describe('chat completions: a forced tool_choice with reasoning_effort', () => {
  const h = useHarness();
  const weather = { type: 'function' as const, function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

  test.each([
    ['required', 'required' as const, { any: {} }],
    ['a named function', { type: 'function' as const, function: { name: 'weather' } }, { tool: { name: 'weather' } }],
  ])('tool_choice %s on Claude is honoured: the client gets the tool call, Bedrock gets the forced choice without thinking', async (_name, toolChoice, sentChoice) => {
    const completion = await h.openai.chat.completions.create({
      model: SONNET_4_ID, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weather], tool_choice: toolChoice, reasoning_effort: 'low',
    });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls).toEqual([{ id: 'tooluse_weather', type: 'function', function: { name: 'weather', arguments: '{"city":"example"}' } }]);
    const sent = h.emulator.callsTo('Converse')[0].body;
    expect(sent.toolConfig.toolChoice).toEqual(sentChoice);
    expect(sent.additionalModelRequestFields).toBeUndefined();
  });
});
