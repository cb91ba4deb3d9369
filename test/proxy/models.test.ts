import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { useHarness } from './harness';

const APP_PROFILE_ARN = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-claude-a1b2c3';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GET /models', () => {
  const h = useHarness();

  test('lists servable foundation models and inference profiles in OpenAI shape', async () => {
    const page = await h.openai.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining([
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'anthropic.claude-3-haiku-20240307-v1:0', // LEGACY is still served
      'cohere.embed-english-v3',
      'amazon.titan-embed-text-v2:0',
      'us.anthropic.claude-sonnet-4-20250514-v1:0',
      'eu.anthropic.claude-sonnet-4-20250514-v1:0',
      'apac.anthropic.claude-sonnet-4-20250514-v1:0',
      'global.anthropic.claude-sonnet-4-20250514-v1:0',
      'us.deepseek.r1-v1:0',
      APP_PROFILE_ARN,
    ]));
    expect(ids).not.toContain('stability.sd3-5-large-v1:0'); // image output
    expect(ids).not.toContain('anthropic.claude-sonnet-4-20250514-v1:0'); // profile-only: not callable by bare id
    const model = page.data.find((m) => m.id === 'anthropic.claude-3-5-sonnet-20240620-v1:0')!;
    expect(model).toEqual({ id: model.id, object: 'model', created: expect.any(Number), owned_by: 'anthropic' });
    const profile = page.data.find((m) => m.id === 'us.deepseek.r1-v1:0')!;
    expect(profile.created).toBe(Date.parse('2025-01-01T00:00:00Z') / 1000);
  });

  test('retrieves one model by id, profile id or application profile ARN (with its / and :)', async () => {
    for (const id of ['amazon.nova-lite-v1:0', 'global.anthropic.claude-sonnet-4-20250514-v1:0', APP_PROFILE_ARN]) {
      const model = await h.openai.models.retrieve(id);
      expect(model.id).toBe(id);
      expect(model.object).toBe('model');
    }
    const raw = await fetch(`${h.baseURL}/models/${APP_PROFILE_ARN}`, { headers: { authorization: `Bearer ${h.openai.apiKey}` } });
    expect((await raw.json()).id).toBe(APP_PROFILE_ARN);
  });

  test('an unknown id is a 404 in OpenAI shape', async () => {
    const err = await h.openai.models.retrieve('acme.unknown-v1').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.error).toEqual({
      message: 'The model `acme.unknown-v1` does not exist or you do not have access to it.', type: 'invalid_request_error', param: 'model', code: 'model_not_found',
    });
  });

  test('is never re-listed per request', async () => {
    await Promise.all(Array.from({ length: 5 }, () => h.openai.models.list()));
    await h.openai.models.retrieve('amazon.nova-lite-v1:0');
    expect(h.emulator.callsTo('ListFoundationModels')).toHaveLength(0); // listed once, by the first test
  });
});

describe('models Bedrock serves only through inference profiles', () => {
  const h = useHarness();

  test('are neither listed nor retrievable, but chat passes them to Bedrock, which explains what to use', async () => {
    const bareId = 'anthropic.claude-sonnet-4-20250514-v1:0';
    expect((await h.openai.models.list()).data.map((m) => m.id)).not.toContain(bareId);
    expect(await h.openai.models.retrieve(bareId).catch((e) => e.status)).toBe(404);
    const err = await h.openai.chat.completions.create({ model: bareId, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toMatch(/on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile/);
    expect(h.emulator.callsTo('Converse')[0].modelId).toBe(bareId);
  });
});

describe('model catalog listing', () => {
  const h = useHarness({ emulatorOptions: { profilePageSize: 2 } });

  test('pages through system-defined and application inference profiles', async () => {
    await h.openai.models.list();
    const profileCalls = h.emulator.callsTo('ListInferenceProfiles');
    expect(profileCalls.filter((c) => c.query.type === 'SYSTEM_DEFINED').map((c) => c.query.nextToken)).toEqual([undefined, '2', '4']);
    expect(profileCalls.filter((c) => c.query.type === 'APPLICATION')).toHaveLength(1);
  });
});

describe('model catalog cache', () => {
  const h = useHarness({ env: { MODELS_CACHE_TTL_SECONDS: '1' } });

  test('concurrent first requests share one listing; it is refreshed after the TTL', async () => {
    await Promise.all(Array.from({ length: 5 }, () => h.openai.models.list()));
    expect(h.emulator.callsTo('ListFoundationModels')).toHaveLength(1);
    await sleep(1100);
    await h.openai.models.list();
    expect(h.emulator.callsTo('ListFoundationModels')).toHaveLength(2);
  });

  test('when a refresh fails the last list keeps being served', async () => {
    await sleep(1100);
    h.emulator.failOperation('ListFoundationModels', { type: 'ThrottlingException', message: 'Rate exceeded' });
    const page = await h.openai.models.list();
    expect(page.data.map((m) => m.id)).toContain('amazon.nova-lite-v1:0');
    expect(h.emulator.callsTo('ListFoundationModels')).toHaveLength(1);
  });
});

describe('model catalog, first listing fails', () => {
  const h = useHarness();

  test('the error reaches the client in OpenAI shape, and the next request lists again', async () => {
    h.emulator.failOperation('ListFoundationModels', { type: 'AccessDeniedException', message: 'not authorized to perform bedrock:ListFoundationModels' });
    const err = await h.openai.models.list().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    h.emulator.reset();
    expect((await h.openai.models.list()).data.length).toBeGreaterThan(0);
  });
});
