import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { build } from '../../lambda/app';
import { loadConfig } from '../../lambda/config';
import { createDeps } from '../../lambda/create-deps';
import { BedrockEmulator } from '../emulator/bedrock-emulator';

describe('request.clientGone', () => {
  let emulator: BedrockEmulator;
  let origin: string;
  const signals: AbortSignal[] = [];
  let close: () => Promise<void>;

  beforeAll(async () => {
    emulator = await BedrockEmulator.start();
    const config = loadConfig({ API_KEY: 'k', LOG_LEVEL: 'silent' });
    const app = build(config, createDeps(config, { bedrock: emulator.clientConfig }));
    // A slow route standing in for a long stream.
    app.get('/slow', async (request, reply) => {
      signals.push(request.clientGone);
      reply.raw.writeHead(200, { 'content-type': 'text/plain' });
      reply.raw.write('started\n');
      await new Promise((resolve) => request.clientGone.addEventListener('abort', resolve));
      return reply;
    });
    app.get('/quick', async (request) => {
      signals.push(request.clientGone);
      return { ok: true };
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
    close = () => app.close();
  });
  afterAll(async () => {
    await close?.();
    await emulator?.stop();
  });

  test('fires when the client disconnects before the response is complete', async () => {
    const controller = new AbortController();
    const res = await fetch(`${origin}/slow`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    expect(signals.at(-1)!.aborted).toBe(false);
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(signals.at(-1)!.aborted).toBe(true);
  });

  test('does not fire for a response that completed', async () => {
    const res = await fetch(`${origin}/quick`);
    expect(await res.json()).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signals.at(-1)!.aborted).toBe(false);
  });
});
