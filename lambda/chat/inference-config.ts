import { InferenceConfiguration } from '@aws-sdk/client-bedrock-runtime';
import { GenerationSettings } from './chat-request';

/**
 * Newer Claude models (Sonnet 4.5+, Haiku 4.5+, Opus 4.1+ and later generations) reject temperature and
 * top_p together; for them top_p is dropped when both are set.
 */
const REJECTS_TEMPERATURE_WITH_TOP_P = /anthropic\.claude-(sonnet-4-[5-9]|haiku-4-[5-9]|opus-4-[1-9]|(sonnet|opus|haiku)-[5-9])/;

/**
 * The request's max tokens: `max_completion_tokens` wins over `max_tokens`; when neither is set, the gateway
 * default (DEFAULT_MAX_TOKENS), and without one the model's maximum.
 */
export function maxTokensOf(request: GenerationSettings, defaultMaxTokens?: number): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens;
}

/**
 * Converse `inferenceConfig` with `maxTokens` from maxTokensOf; `samplingAllowed` is false while Claude thinks
 * (sampling must stay default).
 */
export function toInferenceConfig(
  request: GenerationSettings, modelId: string, samplingAllowed: boolean, maxTokens: number | undefined,
): InferenceConfiguration {
  const config: InferenceConfiguration = {};
  if (maxTokens !== undefined) config.maxTokens = maxTokens;
  if (samplingAllowed) {
    if (request.temperature != null) config.temperature = request.temperature;
    const bothRejected = config.temperature !== undefined && REJECTS_TEMPERATURE_WITH_TOP_P.test(modelId);
    if (request.top_p != null && !bothRejected) config.topP = request.top_p;
  }
  const stop = typeof request.stop === 'string' ? [request.stop] : request.stop ?? [];
  const stopSequences = stop.filter((s) => s !== '');
  if (stopSequences.length > 0) config.stopSequences = stopSequences;
  return config;
}
