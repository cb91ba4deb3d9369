import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { createDeps } from '../../lambda/create-deps';
import { BedrockEmulator } from '../emulator/bedrock-emulator';

describe('the Bedrock runtime client of the gateway', () => {
  let emulator: BedrockEmulator;
  beforeAll(async () => {
    emulator = await BedrockEmulator.start();
  });
  afterAll(() => emulator.stop());

  test('sends its body as bytes made once, without the SDK logger middleware, and the request arrives intact', async () => {
    const { runtime } = createDeps(loadConfig({ API_KEY: 'k' }), { bedrock: { ...emulator.clientConfig, maxAttempts: 1 } });
    const stack = runtime.middlewareStack.identify();
    expect(stack).toContain('sendBodyAsBytes - build');
    expect(stack.filter((name) => name.startsWith('loggerMiddleware'))).toEqual([]);
    const text = `${'é'.repeat(1000)} \u{1F600} "quoted" \\ end`;
    const answer = await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: [{ text }] }] }));
    expect((emulator.callsTo('Converse')[0].body as any).messages[0].content[0].text).toBe(text);
    expect(answer.output?.message?.content?.[0].text).toBe(text);
    runtime.destroy();
  });
});
