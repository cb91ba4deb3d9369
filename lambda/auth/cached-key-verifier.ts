import { createHash, timingSafeEqual } from 'node:crypto';
import { OpenAIError } from '../errors';
import { TtlCache } from '../ttl-cache';
import { ApiKeyVerifier } from './api-key-verifier';
import { Caller, DEFAULT_CALLER } from './caller';
import { KeySource } from './key-source';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Verifies keys against the key from a source, fetched at most once per TTL (so a rotated secret takes effect
 * without a restart) and by one request at a time. Comparing equal-length digests keeps the comparison
 * constant-time whatever the presented key's length.
 */
export class CachedKeyVerifier implements ApiKeyVerifier {
  private readonly key: TtlCache<Buffer>;

  constructor(source: KeySource, ttlMs: number, now?: () => number) {
    this.key = new TtlCache(async () => digest(await source()), ttlMs, false, now);
  }

  async verify(presented: string): Promise<Caller | undefined> {
    let expected: Buffer;
    try {
      expected = await this.key.get();
    } catch (err) {
      // The cause (e.g. a missing secret) is for the operator's logs, not the client.
      throw new OpenAIError(500, 'The gateway could not load its API key. Contact the gateway administrator.', {
        code: 'api_key_unavailable', cause: err,
      });
    }
    return timingSafeEqual(digest(presented), expected) ? DEFAULT_CALLER : undefined;
  }
}
