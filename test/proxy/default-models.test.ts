import { describe, expect, test } from 'vitest';
import { useHarness } from './harness';
import { DEFAULT_MODELS, DEFAULT_PROFILES } from '../emulator/default-catalog';

const SONNET_4_6 = 'anthropic.claude-sonnet-4-6';

describe('built-in default models (no DEFAULT_MODEL or DEFAULT_EMBEDDING_MODEL set)', () => {
  // GIVEN a region offering Claude Sonnet 4.6 through its global cross-region profile only
  const h = useHarness({
    emulatorOptions: {
      models: [...DEFAULT_MODELS, { ...DEFAULT_MODELS[0], modelId: SONNET_4_6, inferenceTypesSupported: ['INFERENCE_PROFILE'] }],
      profiles: [...DEFAULT_PROFILES, { inferenceProfileId: `global.${SONNET_4_6}`, type: 'SYSTEM_DEFINED', modelIds: [SONNET_4_6] }],
    },
  });

  test('gpt-* names run on the global Claude Sonnet 4.6 profile', async () => {
    const completion = await h.openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    expect(h.emulator.callsTo('Converse').map((call) => call.modelId)).toEqual(['global.anthropic.claude-sonnet-4-6']);
    expect(completion.model).toBe('global.anthropic.claude-sonnet-4-6');
  });

  test('text-embedding-* names run on Titan Text Embeddings V2', async () => {
    const embeddings = await h.openai.embeddings.create({ model: 'text-embedding-3-small', input: 'Hi' });
    expect(h.emulator.callsTo('InvokeModel').map((call) => call.modelId)).toEqual(['amazon.titan-embed-text-v2:0']);
    expect(embeddings.data).toHaveLength(1);
  });
});
