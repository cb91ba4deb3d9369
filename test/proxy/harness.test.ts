import { describe, expect, test } from 'vitest';
import { useHarness } from './harness';

describe('harness', () => {
  const h = useHarness();

  test('the OpenAI SDK reaches the gateway, which reaches the emulator with the real Bedrock clients', async () => {
    const page = await h.openai.models.list();
    expect(page.data.map((m) => m.id)).toContain('anthropic.claude-3-5-sonnet-20240620-v1:0');
    expect(h.emulator.callsTo('ListFoundationModels')).toHaveLength(1);
    expect(h.emulator.callsTo('ListFoundationModels')[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });
});
