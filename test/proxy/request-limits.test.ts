import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { TEST_API_KEY, useHarness } from './harness';
import { OpenAIError } from '../../lambda/errors';
import { checkJsonShape, LIMITS } from '../../lambda/request-limits';

const MODEL = 'amazon.nova-lite-v1:0';
const user = (content: unknown) => ({ role: 'user', content });
const chat = (extra: Record<string, unknown>) => ({ model: MODEL, messages: [user('hi')], ...extra });
const tool = (name: string, parameters?: unknown) => ({ type: 'function', function: { name, ...(parameters ? { parameters } : {}) } });
const PNG = `data:image/png;base64,${Buffer.from('89504e470d0a1a0a', 'hex').toString('base64')}`;

function refusal(fn: () => void): OpenAIError {
  try {
    fn();
  } catch (err) {
    return err as OpenAIError;
  }
  throw new Error('expected a refusal');
}

describe('checkJsonShape', () => {
  test(`nesting up to ${LIMITS.jsonDepth} levels passes; one more is a 400 before anything is parsed`, () => {
    expect(() => checkJsonShape('['.repeat(LIMITS.jsonDepth) + ']'.repeat(LIMITS.jsonDepth))).not.toThrow();
    const err = refusal(() => checkJsonShape(`{"a":${'['.repeat(LIMITS.jsonDepth)}${']'.repeat(LIMITS.jsonDepth)}}`));
    expect(err).toBeInstanceOf(OpenAIError);
    expect(err.toJSON().error).toEqual({ message: 'The JSON body is nested more than 64 levels deep.', type: 'invalid_request_error', param: null, code: 'json_too_deep' });
  });

  test('brackets, commas and escaped quotes inside strings are text, not structure', () => {
    expect(() => checkJsonShape(JSON.stringify({ text: '['.repeat(1000) + '\\"['.repeat(100), list: ','.repeat(20_000) }))).not.toThrow();
  });

  test(`an array of ${LIMITS.jsonArrayItems} items passes; one more is a 413 naming the field when one is given`, () => {
    expect(() => checkJsonShape(JSON.stringify(Array(LIMITS.jsonArrayItems).fill(0)))).not.toThrow();
    const err = refusal(() => checkJsonShape(`{"x":${JSON.stringify(Array(LIMITS.jsonArrayItems + 1).fill(0))}}`, 'messages[0].tool_calls[0].function.arguments'));
    expect(err.status).toBe(413);
    expect(err.param).toBe('messages[0].tool_calls[0].function.arguments');
  });
});

describe('request limits through the gateway', () => {
  const h = useHarness();

  async function post(path: string, body: unknown): Promise<{ status: number; error: Record<string, unknown> }> {
    const res = await fetch(`${h.baseURL}${path}`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, error: (await res.json()).error };
  }

  test.each([
    ['nesting beyond the limit', `{"model":"${MODEL}","messages":[{"role":"user","content":"x"}],"metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 400, null, 'json_too_deep'],
    ['a model name longer than Bedrock\'s', chat({ model: 'a'.repeat(LIMITS.modelLength + 1) }), 400, 'model', 'invalid_value'],
    ['a model name with an unpaired surrogate', '{"model":"nova\\ud800","messages":[{"role":"user","content":"x"}]}', 400, 'model', 'invalid_value'],
    ['a model name with a control character', chat({ model: 'amazon.nova-lite-v1:0\u0000' }), 400, 'model', 'invalid_value'],
    ['too many messages', chat({ messages: Array(LIMITS.messages + 1).fill(user('x')) }), 400, 'messages', 'invalid_value'],
    ['too many content parts', chat({ messages: [user(Array(LIMITS.contentParts + 1).fill({ type: 'text', text: 'x' }))] }), 400, 'messages[0].content', 'invalid_value'],
    ['too many images', chat({ messages: [user(Array(LIMITS.images + 1).fill({ type: 'image_url', image_url: { url: PNG } }))] }), 400, 'messages', 'too_many_images'],
    ['an image larger than Bedrock accepts', chat({ messages: [user([{ type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(5_300_000)}` } }])] }),
      400, 'messages[0].content[0].image_url.url', null],
    ['too many tools', chat({ tools: Array.from({ length: LIMITS.tools + 1 }, (_, i) => tool(`f${i}`)) }), 400, 'tools', 'invalid_value'],
    ['too many stop sequences', chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), 400, 'stop', 'invalid_value'],
    ['a tool schema too large', chat({ tools: [tool('f', { type: 'object', description: 'x'.repeat(LIMITS.schemaChars) })] }), 413, 'tools[0].function.parameters', 'schema_too_large'],
    ['a response_format schema too large', chat({ response_format: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object', description: 'x'.repeat(LIMITS.schemaChars) } } } }),
      413, 'response_format.json_schema.schema', 'schema_too_large'],
    ['deeply nested tool call arguments', chat({
      messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":'.repeat(100) + '1' + '}'.repeat(100) } }] },
        { role: 'tool', tool_call_id: 'c', content: 'r' }],
    }), 400, 'messages[0].tool_calls[0].function.arguments', 'json_too_deep'],
  ])('chat: %s is refused before Bedrock', async (_name, body, status, param, code) => {
    const { status: got, error } = await post('/chat/completions', body);
    expect(got).toBe(status);
    expect(error).toMatchObject({ param, code });
    expect(error.message).toEqual(expect.any(String));
    expect(h.emulator.calls.filter((c) => c.operation.startsWith('Converse'))).toHaveLength(0);
  });

  test.each([
    ['more inputs than OpenAI allows', { model: 'cohere.embed-english-v3', input: Array(LIMITS.embeddingInputs + 1).fill('x') }, 'input'],
    ['an input longer than any model takes', { model: 'cohere.embed-english-v3', input: ['ok', 'x'.repeat(LIMITS.embeddingInputChars + 1)] }, 'input[1]'],
    ['a model name with an unpaired surrogate', '{"model":"\\udc00cohere.embed-english-v3","input":"x"}', 'model'],
  ])('embeddings: %s is a 400 naming the field', async (_name, body, param) => {
    const { status, error } = await post('/embeddings', body);
    expect(status).toBe(400);
    expect(error.param).toBe(param);
    expect(h.emulator.callsTo('InvokeModel')).toHaveLength(0);
  });

  test('requests at the limits are served', async () => {
    const completion = await h.openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: [...Array(LIMITS.images).fill({ type: 'image_url', image_url: { url: PNG } }), { type: 'text', text: 'what are these?' }] }],
      stop: ['a', 'b', 'c', 'd'],
      tools: Array.from({ length: LIMITS.tools }, (_, i) => ({ type: 'function' as const, function: { name: `f${i}` } })),
    });
    expect(completion.choices[0].message.content).toBe('what are these?');
    const embeddings = await h.openai.embeddings.create({ model: 'cohere.embed-english-v3', input: Array(LIMITS.embeddingInputs).fill('x') });
    expect(embeddings.data).toHaveLength(LIMITS.embeddingInputs);
  });

  test('the OpenAI SDK surfaces a limit as a BadRequestError naming the field', async () => {
    const err = await h.openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], stop: ['1', '2', '3', '4', '5'] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe('stop');
    expect(err.message).toContain('must NOT have more than 4 items');
  });
});
