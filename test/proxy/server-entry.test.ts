import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { BedrockEmulator } from '../emulator/bedrock-emulator';

const KEY = 'sk-server-entry-secret';
const SECRET_PROMPT = 'PROMPT-7f3a-confidential';

/** Bundles lambda/server.ts the way the container asset is built. */
function bundleServer(): string {
  const outfile = join(mkdtempSync(join(tmpdir(), 'gateway-server-')), 'server.js');
  buildSync({
    entryPoints: [join(__dirname, '..', '..', 'lambda', 'server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  return outfile;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface RunningServer {
  readonly child: ChildProcess;
  readonly baseURL: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

async function startServer(script: string, env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 15_000;
  while (!out.includes('Server listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${out}${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, baseURL: `http://127.0.0.1:${port}/api/v1`, stdout: () => out, stderr: () => err, exited };
}

describe('server entry point over real HTTP', () => {
  let emulator: BedrockEmulator;
  let script: string;
  let env: Record<string, string>;
  const running: RunningServer[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    const server = await startServer(script, { ...env, ...extra });
    running.push(server);
    return server;
  };

  beforeAll(async () => {
    emulator = await BedrockEmulator.start();
    script = bundleServer();
    env = {
      API_KEY: KEY,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emulator.endpoint,
      AWS_ENDPOINT_URL_BEDROCK: emulator.endpoint,
    };
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
    expect((await fetch(`${server.baseURL.replace('/api/v1', '')}/health`)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const lines = server.stdout().split('\n').filter(Boolean);
    const entries = lines.map((line) => JSON.parse(line));
    const requestLogs = entries.filter((e) => e.msg === 'request completed');
    // pino levels: 30 info, 20 debug (passing health checks).
    expect(requestLogs.map((e) => [e.method, e.url, e.statusCode, e.level])).toEqual([
      ['POST', '/api/v1/chat/completions', 200, 30],
      ['POST', '/api/v1/chat/completions', 200, 30],
      ['GET', '/api/v1/models', 401, 30],
      ['GET', '/health', 200, 20],
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
    const after = await fetch(`${server.baseURL.replace('/api/v1', '')}/health`).catch((e) => e);
    expect(after).toBeInstanceOf(Error);
  });

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
