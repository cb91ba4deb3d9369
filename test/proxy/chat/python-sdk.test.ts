import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { fakeEmbedding } from '../../emulator/bedrock-emulator';
import { pythonModuleAvailable } from '../../support/tools';
import { TEST_API_KEY, useHarness } from '../harness';
import { PATCH, patchCall } from '../responses/apply-patch-tool';
import { weatherModel } from '../weather-model';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', 'python', 'openai_client.py');

describe.skipIf(!pythonModuleAvailable('openai', 'REQUIRE_PYTHON_OPENAI'))('the official OpenAI Python SDK over real HTTP', () => {
  const h = useHarness();
  /** Runs one scenario of the Python client (asynchronously: the gateway answers from this process). */
  const scenario = async (name: string) => {
    const { stdout } = await run('python3', [SCRIPT, name], {
      env: { PATH: process.env.PATH, OPENAI_BASE_URL: h.baseURL, OPENAI_API_KEY: TEST_API_KEY },
      timeout: 30_000,
    });
    return JSON.parse(stdout);
  };

  test('chat completions', async () => {
    expect(await scenario('chat')).toEqual({ content: 'alpha beta gamma', finish_reason: 'stop', completion_tokens: 3 });
    expect(h.emulator.callsTo('Converse')[0].body.system).toEqual([{ text: 'Be brief.' }]);
  });

  test('streamed chat completions with usage', async () => {
    const out = await scenario('chat_stream');
    expect(out).toMatchObject({ text: 'one two three four', completion_tokens: 4 });
    expect(out.chunks).toBeGreaterThan(4);
  });

  test('a tool call', async () => {
    h.emulator.onConverse(weatherModel('tooluse_py1'));
    expect(await scenario('tool_call')).toEqual({ finish_reason: 'tool_calls', name: 'weather', arguments: { city: 'Paris' } });
  });

  test('a custom tool call, as the SDK\'s own custom tool call type', async () => {
    h.emulator.onConverse(() => patchCall('tooluse_py2'));
    expect(await scenario('custom_tool_call')).toEqual({ finish_reason: 'tool_calls', class: 'ChatCompletionMessageCustomToolCall', name: 'apply_patch', input: PATCH });
  });

  test('embeddings in the SDK\'s default base64 encoding', async () => {
    const out = await scenario('embeddings');
    expect(out).toMatchObject({ count: 2, dimensions: 1024 });
    out.first.forEach((value: number, i: number) => expect(value).toBeCloseTo(fakeEmbedding('good morning', 1024)[i], 5));
  });

  test('the Responses API', async () => {
    expect(await scenario('responses')).toEqual({ output_text: 'alpha beta gamma delta', status: 'completed', output_tokens: 4 });
  });

  test('a wrong key raises AuthenticationError with the OpenAI error body', async () => {
    const out = await scenario('bad_key');
    expect(out.status).toBe(401);
    expect(out.body).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key', param: null });
  });
});
