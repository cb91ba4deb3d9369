import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ALBResult } from 'aws-lambda';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { albEvent, albFetch, AlbRequest } from './alb-events';
import { bundleProxyEntry } from '../../scripts/bundle-proxy';
import { BedrockEmulator } from '../emulator/bedrock-emulator';
import { lambdaContext } from '../support/lambda-context';

const KEY = 'sk-lambda-test';

describe('Lambda entry point (ALB events)', () => {
  let emulator: BedrockEmulator;
  let handler: typeof import('../../lambda/lambda').handler;
  const saved = { ...process.env };

  beforeAll(async () => {
    emulator = await BedrockEmulator.start();
    // The deployed function is configured only by environment; the SDK picks the emulator up from AWS_ENDPOINT_URL_*.
    // The load balancer in front waits 3 s (its idle timeout) and passes at most 1 MB; the instance holds one such body at once.
    const oneMegabyte = '1048576';
    Object.assign(process.env, { ...emulator.environment, API_KEY: KEY, LOG_LEVEL: 'silent', REQUEST_TIMEOUT_SECONDS: '3' });
    Object.assign(process.env, { MAX_REQUEST_BODY_BYTES: oneMegabyte, MAX_BODY_BYTES_IN_FLIGHT: oneMegabyte });
    ({ handler } = await import('../../lambda/lambda'));
  });
  afterAll(async () => {
    process.env = saved;
    await emulator?.stop();
  });
  beforeEach(() => emulator.reset());

  const sdk = (multiValue: boolean, seen: ALBResult[] = [], apiKey = KEY) =>
    new OpenAI({ baseURL: 'http://gateway.example/api/v1', apiKey, maxRetries: 0, fetch: albFetch(handler, multiValue, seen) });

  test('GET /health answers without a key', async () => {
    const result = await handler(albEvent({ method: 'GET', path: '/health' }), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!)).toEqual({ status: 'ok' });
  });

  test.each([false, true])('the OpenAI SDK lists models through the handler (multi-value headers: %s)', async (multiValue) => {
    const seen: ALBResult[] = [];
    const page = await sdk(multiValue, seen).models.list();
    expect(page.data.map((m) => m.id)).toContain('amazon.nova-lite-v1:0');
    if (multiValue) {
      expect(seen[0].multiValueHeaders?.['content-type']).toEqual(['application/json; charset=utf-8']);
      expect(seen[0].headers).toBeUndefined();
    } else {
      expect(seen[0].multiValueHeaders).toBeUndefined();
      expect(seen[0].headers?.['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  test('a streamed chat completion arrives as one text/event-stream body the SDK parses', async () => {
    const seen: ALBResult[] = [];
    const stream = await sdk(false, seen).chat.completions.create({
      model: 'amazon.nova-lite-v1:0', stream: true, messages: [{ role: 'user', content: 'streamed through lambda' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('streamed through lambda');
    expect(seen[0].headers?.['content-type']).toMatch(/^text\/event-stream/);
    expect(seen[0].body).toMatch(/data: \[DONE\]\n\n$/);
    expect(emulator.callsTo('ConverseStream')[0].body.messages[0].content[0].text).toBe('streamed through lambda');
  });

  test('each invocation gives its body\'s room back: large prompts one after another are all served', async () => {
    for (const letter of ['a', 'b', 'c']) {
      const completion = await sdk(false).chat.completions.create({ model: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: letter.repeat(600_000) }] });
      expect(completion.choices[0].message.content?.[0]).toBe(letter);
    }
    expect(emulator.callsTo('Converse').map((call) => call.body.messages[0].content[0].text)).toEqual(['a', 'b', 'c'].map((l) => l.repeat(600_000)));
  });

  test.each<[string, AlbRequest, number, string]>([
    ['a malformed percent-encoding in the path', { method: 'GET', path: '/api/v1/models/%zz' }, 400, 'invalid_url'],
    ['a method the route does not serve', { method: 'PUT', path: '/api/v1/models' }, 405, 'method_not_allowed'],
    ['JSON nested too deep', { method: 'POST', path: '/api/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: '['.repeat(5000) + ']'.repeat(5000) },
      400, 'json_too_deep'],
    ['a model name with an unpaired surrogate', {
      method: 'POST', path: '/api/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: '{"model":"\\ud800","messages":[{"role":"user","content":"x"}]}',
    }, 400, 'invalid_value'],
  ])('what the router and the limits refuse reaches ALB in OpenAI\'s shape: %s', async (_name, request, status, code) => {
    const result = await handler(albEvent({ ...request, headers: { authorization: `Bearer ${KEY}`, ...request.headers } }), lambdaContext());
    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body!).error).toMatchObject({ code, type: 'invalid_request_error' });
  });

  test('embeddings and errors keep their OpenAI shape through the handler', async () => {
    const res = await sdk(true).embeddings.create({ model: 'amazon.titan-embed-text-v2:0', input: 'hi', dimensions: 256 });
    expect(res.data[0].embedding).toHaveLength(256);
    const err = await sdk(true, [], 'sk-wrong').models.list().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe('invalid_api_key');
  });

  describe('when the function has little time left', () => {
    const chat = (stream: boolean) => albEvent({
      method: 'POST',
      path: '/api/v1/chat/completions',
      headers: { 'authorization': `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'amazon.nova-lite-v1:0', stream, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    const partial = [
      { event: { messageStart: { role: 'assistant' } } }, { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Partial' } } } },
    ];
    const timeout = {
      message: 'The upstream call did not finish within the 0.5 s the request had left, and was ended. Please retry, or ask for a shorter answer.',
      type: 'server_error',
      param: null,
      code: 'timeout',
    };

    test('a Bedrock call that outlasts it is ended, and the client gets a 504 before the timeout', async () => {
      emulator.onConverse(() => ({ delayMs: 20_000, output: {} }));
      const began = Date.now();
      const result = await handler(chat(false), lambdaContext(1500));
      expect(Date.now() - began).toBeLessThan(1500);
      expect(result.statusCode).toBe(504);
      expect(JSON.parse(result.body!)).toEqual({ error: timeout });
      await expect.poll(() => emulator.callsTo('Converse')[0].closedByClient).toBe(true);
      emulator.reset();
      expect((await handler(chat(false), lambdaContext())).statusCode).toBe(200);
    });

    test('the load balancer\'s idle timeout bounds a request when it comes first', async () => {
      emulator.onConverse(() => ({ delayMs: 20_000, output: {} }));
      const result = await handler(chat(false), lambdaContext());
      expect(result.statusCode).toBe(504);
      expect(JSON.parse(result.body!).error.message).toBe(
        'The upstream call did not finish within the 2.0 s the request had left, and was ended. Please retry, or ask for a shorter answer.');
      await expect.poll(() => emulator.callsTo('Converse')[0].closedByClient).toBe(true);
    });

    test('a stream that outlasts it ends with a timeout error event, and the Bedrock stream is ended', async () => {
      emulator.onConverseStream(() => [...partial, { delayMs: 20_000 }]);
      const result = await handler(chat(true), lambdaContext(1500));
      expect(result.statusCode).toBe(200);
      const events = result.body!.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.replace(/^data: /, '')));
      expect(events.at(-2).choices[0].delta.content).toBe('Partial');
      expect(events.at(-1)).toEqual({ error: timeout });
      await expect.poll(() => emulator.callsTo('ConverseStream')[0].closedByClient).toBe(true);
      emulator.reset();
      expect((await handler(chat(true), lambdaContext())).body).toMatch(/data: \[DONE\]\n\n$/);
    });
  });
});

describe('Lambda entry point with bad configuration', () => {
  test('fails its init with a message naming the variable', async () => {
    const bundle = await bundleProxyEntry('lambda', mkdtempSync(join(tmpdir(), 'gateway-lambda-')));
    const init = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(bundle)})`], {
      env: { PATH: process.env.PATH, API_KEY: 'k', MODEL_ALIASES: '[1]' },
      encoding: 'utf8',
      // Node prints the throwing line of the minified bundle (over 1 MB) before the error: read all of it.
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(init.status).not.toBe(0);
    expect(init.stderr).toContain('ConfigError: MODEL_ALIASES: must be a JSON object mapping names to non-empty model id strings');
  });
});
