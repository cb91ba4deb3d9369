import { Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';

const CACHE_POINT = { cachePoint: { type: 'default' } } as const;

/**
 * Prompt caching: a cache point after the system prompt and one at the end of the last user turn, so
 * the next request that repeats this prefix reads it from the cache.
 */
export function withCachePoints(system: SystemContentBlock[], messages: Message[]): void {
  if (system.length > 0) system.push({ ...CACHE_POINT });
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  lastUser?.content?.push({ ...CACHE_POINT });
}
