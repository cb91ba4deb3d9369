import { EmulatedModel, EmulatedProfile } from './types';

/** Account and region the emulator pretends to be in, used in ARNs. */
export const EMULATOR_ACCOUNT = '123456789012';
export const EMULATOR_REGION = 'us-east-1';

const chat = (modelId: string, providerName: string, extra: Partial<EmulatedModel> = {}): EmulatedModel => ({
  modelId,
  providerName,
  inputModalities: ['TEXT'],
  outputModalities: ['TEXT'],
  responseStreamingSupported: true,
  inferenceTypesSupported: ['ON_DEMAND'],
  lifecycleStatus: 'ACTIVE',
  ...extra,
});
const embed = (modelId: string, providerName: string, inputModalities = ['TEXT']): EmulatedModel => ({
  modelId,
  providerName,
  inputModalities,
  outputModalities: ['EMBEDDING'],
  responseStreamingSupported: false,
  inferenceTypesSupported: ['ON_DEMAND'],
  lifecycleStatus: 'ACTIVE',
});

/** A small but representative region: chat, vision, legacy, profile-only, embedding and image models. */
export const DEFAULT_MODELS: EmulatedModel[] = [
  chat('anthropic.claude-3-5-sonnet-20240620-v1:0', 'Anthropic', { inputModalities: ['TEXT', 'IMAGE'] }),
  chat('anthropic.claude-3-haiku-20240307-v1:0', 'Anthropic', { inputModalities: ['TEXT', 'IMAGE'], lifecycleStatus: 'LEGACY' }),
  chat('anthropic.claude-sonnet-4-20250514-v1:0', 'Anthropic', { inputModalities: ['TEXT', 'IMAGE'], inferenceTypesSupported: ['INFERENCE_PROFILE'] }),
  chat('amazon.nova-lite-v1:0', 'Amazon', { inputModalities: ['TEXT', 'IMAGE', 'VIDEO'] }),
  chat('meta.llama3-8b-instruct-v1:0', 'Meta'),
  chat('deepseek.r1-v1:0', 'DeepSeek', { inferenceTypesSupported: ['INFERENCE_PROFILE'] }),
  chat('amazon.titan-text-express-v1', 'Amazon', { responseStreamingSupported: true }),
  embed('cohere.embed-english-v3', 'Cohere'),
  embed('cohere.embed-multilingual-v3', 'Cohere'),
  embed('cohere.embed-v4:0', 'Cohere', ['TEXT', 'IMAGE']),
  embed('amazon.titan-embed-text-v1', 'Amazon'),
  embed('amazon.titan-embed-text-v2:0', 'Amazon'),
  embed('amazon.nova-2-multimodal-embeddings-v1:0', 'Amazon', ['TEXT', 'IMAGE', 'AUDIO', 'VIDEO']),
  {
    modelId: 'stability.sd3-5-large-v1:0',
    providerName: 'Stability AI',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['IMAGE'],
    responseStreamingSupported: false,
    inferenceTypesSupported: ['ON_DEMAND'],
    lifecycleStatus: 'ACTIVE',
  },
];

/** System-defined cross-region profiles (us./eu./apac./global.) and one application profile. */
export const DEFAULT_PROFILES: EmulatedProfile[] = [
  { inferenceProfileId: 'us.anthropic.claude-sonnet-4-20250514-v1:0', type: 'SYSTEM_DEFINED', modelIds: ['anthropic.claude-sonnet-4-20250514-v1:0'] },
  { inferenceProfileId: 'eu.anthropic.claude-sonnet-4-20250514-v1:0', type: 'SYSTEM_DEFINED', modelIds: ['anthropic.claude-sonnet-4-20250514-v1:0'] },
  { inferenceProfileId: 'apac.anthropic.claude-sonnet-4-20250514-v1:0', type: 'SYSTEM_DEFINED', modelIds: ['anthropic.claude-sonnet-4-20250514-v1:0'] },
  { inferenceProfileId: 'global.anthropic.claude-sonnet-4-20250514-v1:0', type: 'SYSTEM_DEFINED', modelIds: ['anthropic.claude-sonnet-4-20250514-v1:0'] },
  { inferenceProfileId: 'us.deepseek.r1-v1:0', type: 'SYSTEM_DEFINED', modelIds: ['deepseek.r1-v1:0'] },
  { inferenceProfileId: 'us.amazon.nova-lite-v1:0', type: 'SYSTEM_DEFINED', modelIds: ['amazon.nova-lite-v1:0'] },
  { inferenceProfileId: 'team-claude-a1b2c3', inferenceProfileName: 'team-claude', type: 'APPLICATION', modelIds: ['anthropic.claude-3-5-sonnet-20240620-v1:0'] },
];

export function modelArn(modelId: string): string {
  return `arn:aws:bedrock:${EMULATOR_REGION}::foundation-model/${modelId}`;
}

export function profileArn(profile: EmulatedProfile): string {
  if (profile.inferenceProfileArn) return profile.inferenceProfileArn;
  const kind = profile.type === 'APPLICATION' ? 'application-inference-profile' : 'inference-profile';
  return `arn:aws:bedrock:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:${kind}/${profile.inferenceProfileId}`;
}

/**
 * Claude Sonnet 4.5 (native structured output, thinking) and its `us.` profile, for tests of newer-model features. Not
 * in the defaults, whose listings other tests pin: pass `{ models: [...DEFAULT_MODELS, SONNET_45.model], profiles:
 * [...DEFAULT_PROFILES, SONNET_45.profile] }`.
 */
export const SONNET_45: { readonly model: EmulatedModel; readonly profile: EmulatedProfile } = {
  model: chat('anthropic.claude-sonnet-4-5-20250929-v1:0', 'Anthropic', { inputModalities: ['TEXT', 'IMAGE'], inferenceTypesSupported: ['INFERENCE_PROFILE'] }),
  profile: { inferenceProfileId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', type: 'SYSTEM_DEFINED', modelIds: ['anthropic.claude-sonnet-4-5-20250929-v1:0'] },
};
