import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ServerProcess, startServerProcess } from './server-process';
import { bundleProxyEntry } from '../../scripts/bundle-proxy';
import { BedrockEmulator } from '../emulator/bedrock-emulator';
import { runFuzz } from '../fuzz/hostile-traffic';

const KEY = 'sk-fuzz-test';

// The short form of `npx projen fuzz`: the same generators and verdicts, fewer requests.
describe('hostile traffic against the bundled server', () => {
  let emulator: BedrockEmulator;
  let server: ServerProcess;

  beforeAll(async () => {
    emulator = await BedrockEmulator.start();
    const script = await bundleProxyEntry('server', mkdtempSync(join(tmpdir(), 'gateway-fuzz-')));
    server = await startServerProcess(script, { ...emulator.environment, API_KEY: KEY });
  });
  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    await emulator?.stop();
  });

  test('400 generated requests: no 5xx, every error OpenAI-shaped, no resets, internal image URLs refused, alive after', async () => {
    const report = await runFuzz(
      { port: Number(new URL(server.origin).port), apiKey: KEY, routePrefix: '/api/v1', pid: server.child.pid! },
      { requests: 400, concurrency: 8, seed: 20261130 },
    );
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ requests: 400, serverErrors: 0, nonOpenAIBodies: 0, resets: 0, timeouts: 0, notRefused: 0, aliveAfter: true });
    // The traffic reached every kind of answer: refusals of several kinds and requests served.
    expect(Object.keys(report.byStatus)).toEqual(expect.arrayContaining(['200', '400', '404', '413']));
  }, 180_000);
});
