import { CachePointBlock, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { GenerationSettings, PromptCacheSettings } from './chat-request';

/**
 * Models that take cache points (Bedrock's prompt caching list): Claude 3.5 Haiku, 3.7 Sonnet and the 4+
 * generations, Nova Micro/Lite/Pro/Premier; with or without an inference-profile prefix or ARN path.
 */
const SUPPORTS_PROMPT_CACHING = /(^|[./])(anthropic\.claude-(3-5-haiku|3-7-sonnet|(sonnet|opus|haiku)-\d)|amazon\.nova-(micro|lite|pro|premier))/;

/**
 * The prompt-cache settings for a request, or undefined for none: the request's `prompt_cache` when given
 * (`false` opts out), else the gateway default (ENABLE_PROMPT_CACHING) for models that support caching.
 */
export function promptCacheOf(request: GenerationSettings, modelId: string, enabledByDefault: boolean): PromptCacheSettings | undefined {
  const asked = request.prompt_cache;
  if (asked === undefined) return enabledByDefault && SUPPORTS_PROMPT_CACHING.test(modelId) ? {} : undefined;
  if (asked === false) return undefined;
  return asked === true ? {} : asked;
}

/**
 * Prompt caching: a cache point after the system prompt and one at the end of the last user turn, so
 * the next request that repeats this prefix reads it from the cache.
 */
export function withCachePoints(system: SystemContentBlock[], messages: Message[], settings: PromptCacheSettings): void {
  const cachePoint = (): CachePointBlock => ({ type: 'default', ...(settings.ttl ? { ttl: settings.ttl } : {}) });
  if (system.length > 0) system.push({ cachePoint: cachePoint() });
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  lastUser?.content?.push({ cachePoint: cachePoint() });
}
