import { CachePointBlock, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { PromptCacheSettings } from './chat-request';

/**
 * Prompt caching: a cache point after the system prompt and one at the end of the last user turn, so
 * the next request that repeats this prefix reads it from the cache.
 */
export function withCachePoints(system: SystemContentBlock[], messages: Message[], settings: PromptCacheSettings = {}): void {
  const cachePoint = (): CachePointBlock => ({ type: 'default', ...(settings.ttl ? { ttl: settings.ttl } : {}) });
  if (system.length > 0) system.push({ cachePoint: cachePoint() });
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  lastUser?.content?.push({ cachePoint: cachePoint() });
}
