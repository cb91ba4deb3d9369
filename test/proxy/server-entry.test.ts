import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ServerProcess, startServerProcess } from './server-process';
import { bundleProxyEntry } from '../../scripts/bundle-proxy';
import { BedrockEmulator } from '../emulator/bedrock-emulator';

const KEY = 'sk-server-entry-secret';
const SECRET_PROMPT = 'PROMPT-7f3a-confidential';

describe('server entry point over real HTTP', () => {
  let emulator: BedrockEmulator;
  let script: string;
  let env: Record<string, string>;
  const running: ServerProcess[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    const server = await startServerProcess(script, { ...env, ...extra });
    running.push(server);
    return server;
  };

  beforeAll(async () => {
    emulator = await BedrockEmulator.start();
    script = await bundleProxyEntry('server', mkdtempSync(join(tmpdir(), 'gateway-server-')));
    env = { ...emulator.environment, API_KEY: KEY };
  });
  afterAll(async () => {
    for (const server of running) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await emulator?.stop();
  });
  beforeEach(() => emulator.reset());

  test('serves the OpenAI SDK; logs are JSON lines with a request id and never the key, prompt or completion', async () => {
    const server = await start({ LOG_LEVEL: 'trace' });
    const openai = new OpenAI({ baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: SECRET_PROMPT }] });
    expect(completion.choices[0].message.content).toBe(SECRET_PROMPT);
    expect(emulator.callsTo('Converse')[0].body.messages[0].content[0].text).toBe(SECRET_PROMPT);
    const stream = await openai.chat.completions.create({ model: 'amazon.nova-lite-v1:0', stream: true, messages: [{ role: 'user', content: SECRET_PROMPT }] });
    for await (const chunk of stream) void chunk;
    await new OpenAI({ baseURL: server.baseURL, apiKey: `${KEY}-wrong`, maxRetries: 0 }).models.list().catch(() => undefined);
    expect((await fetch(`${server.origin}/health`)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const lines = server.stdout().split('\n').filter(Boolean);
    const entries = lines.map((line) => JSON.parse(line));
    const requestLogs = entries.filter((e) => e.msg === 'request completed');
    // pino levels: 30 info, 20 debug (passing health checks). A line is written once its response has gone
    // out, so the order of lines need not be the order in which the client saw the answers.
    expect(requestLogs.map((e) => [e.method, e.url, e.statusCode, e.level]).sort()).toEqual([
      ['GET', '/api/v1/models', 401, 30],
      ['GET', '/health', 200, 20],
      ['POST', '/api/v1/chat/completions', 200, 30],
      ['POST', '/api/v1/chat/completions', 200, 30],
    ]);
    for (const entry of requestLogs) {
      expect(entry.reqId).toEqual(expect.any(String));
      expect(entry.responseTimeMs).toEqual(expect.any(Number));
    }
    for (const output of [server.stdout(), server.stderr()]) {
      expect(output).not.toContain(KEY);
      expect(output).not.toContain(SECRET_PROMPT);
    }
  });

  test('SIGTERM lets an in-flight stream finish, then the process exits 0 and stops listening', async () => {
    const server = await start();
    emulator.onConverseStream(() => [
      { event: { messageStart: { role: 'assistant' } } },
      { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'first ' } } } },
      { delayMs: 400 },
      { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'second ' } } } },
      { delayMs: 400 },
      { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'third' } } } },
      { event: { contentBlockStop: { contentBlockIndex: 0 } } },
      { event: { messageStop: { stopReason: 'end_turn' } } },
      { event: { metadata: { usage: { inputTokens: 1, outputTokens: 3, totalTokens: 4 }, metrics: { latencyMs: 800 } } } },
    ]);
    const openai = new OpenAI({ baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'amazon.nova-lite-v1:0', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    let signalled = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (text.includes('first') && !signalled) {
        signalled = server.child.kill('SIGTERM');
      }
    }
    expect(signalled).toBe(true);
    expect(text).toBe('first second third');
    expect(await server.exited).toBe(0);
    const after = await fetch(`${server.origin}/health`).catch((e) => e);
    expect(after).toBeInstanceOf(Error);
  });

  test('SIGTERM closes idle connections at once, including one that never sent a request', async () => {
    const server = await start({ SHUTDOWN_TIMEOUT_SECONDS: '60' });
    // Like the socket an aborted stream's client can leave behind: connected, silent.
    const silent = connect(Number(new URL(server.origin).port), '127.0.0.1');
    const silentClosed = new Promise((resolve) => silent.once('close', resolve));
    await new Promise((resolve) => silent.once('connect', resolve));
    // A keep-alive connection that served a request and is now idle.
    expect((await fetch(`${server.origin}/health`)).status).toBe(200);
    server.child.kill('SIGTERM');
    // Exit code 0: drained, not cut off at the deadline (which is beyond this test's timeout).
    expect(await server.exited).toBe(0);
    await silentClosed;
  }, 10_000);

  test('at SHUTDOWN_TIMEOUT_SECONDS a stream still running is cut off and the process exits 1', async () => {
    const server = await start({ SHUTDOWN_TIMEOUT_SECONDS: '1' });
    emulator.onConverseStream(() => [
      { event: { messageStart: { role: 'assistant' } } },
      { event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'first' } } } },
      { delayMs: 30_000 },
      { event: { messageStop: { stopReason: 'end_turn' } } },
    ]);
    const openai = new OpenAI({ baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'amazon.nova-lite-v1:0', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const read = (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content === 'first') server.child.kill('SIGTERM');
      }
    })();
    expect(await read.then(() => 'finished', () => 'cut off')).toBe('cut off');
    expect(await server.exited).toBe(1);
    expect(server.stdout()).toContain('shutdown timeout reached; open requests were cut off');
  }, 10_000);

  test('bad configuration stops start-up with a message naming the variable', async () => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, API_KEY: KEY, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    const fatal = err.split('\n').find((line) => line.startsWith('{'));
    expect(JSON.parse(fatal!)).toMatchObject({ level: 'fatal', msg: 'PORT: must be an integer from 1 to 65535; received "eighty"' });
  });
});
