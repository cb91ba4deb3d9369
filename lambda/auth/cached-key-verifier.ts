import { timingSafeEqual } from 'node:crypto';
import { TtlCache } from '../ttl-cache';
import { ApiKeyVerifier } from './api-key-verifier';
import { Caller, DEFAULT_CALLER } from './caller';
import { apiKeyUnavailable, keyDigest } from './key-digest';
import { KeySource } from './key-source';

/**
 * Verifies keys against the key from a source, fetched at most once per TTL (so a rotated secret takes effect
 * without a restart) and by one request at a time. Comparing equal-length digests keeps the comparison
 * constant-time whatever the presented key's length.
 */
export class CachedKeyVerifier implements ApiKeyVerifier {
  private readonly key: TtlCache<Buffer>;

  constructor(source: KeySource, ttlMs: number, now?: () => number) {
    this.key = new TtlCache(async (signal) => keyDigest(await source(signal)), ttlMs, false, now);
  }

  async verify(presented: string, signal?: AbortSignal): Promise<Caller | undefined> {
    let expected: Buffer;
    try {
      expected = await this.key.get(signal);
    } catch (err) {
      throw apiKeyUnavailable(err);
    }
    return timingSafeEqual(keyDigest(presented), expected) ? DEFAULT_CALLER : undefined;
  }
}
