import { timingSafeEqual } from 'node:crypto';
import { ApiKeyVerifier } from '../auth/api-key-verifier';
import { Caller } from '../auth/caller';
import { apiKeyUnavailable, keyDigest } from '../auth/key-digest';
import { TtlCache } from '../ttl-cache';
import { KeyEntry, KeysDocument, KeysDocumentError, KeyValueSource } from './keys-document';

/** An enabled key with its value fetched: the digest to compare and the caller it stands for. */
interface ResolvedKey {
  readonly digest: Buffer;
  readonly caller: Caller;
}

/** What the verifier reads: the document, and each key's value wherever the document says it is. */
export interface KeysDocumentSources {
  /** The current document, parsed and validated (a KeysDocumentError when it is not valid); the read ends when `signal` fires. */
  readonly document: (signal: AbortSignal) => Promise<KeysDocument>;
  /** The value of one key. */
  readonly keyValue: (source: KeyValueSource, signal: AbortSignal) => Promise<string>;
}

/**
 * Verifies keys against a keys document. The document and the values it points at are fetched at most once per
 * TTL, by one request at a time, so added, disabled and rotated keys take effect within the TTL without a restart.
 * When a refresh fails (document unreadable or invalid, a key's secret missing), the last good keys keep being
 * served and `onRefreshError` hears why; only when no document was ever loaded does a request get a 500.
 *
 * A presented key's digest is compared with every enabled key's digest, with no early exit on a match, so the
 * time taken does not tell which key matched.
 */
export class KeysDocumentVerifier implements ApiKeyVerifier {
  private readonly keys: TtlCache<readonly ResolvedKey[]>;
  private lastGood?: readonly ResolvedKey[];

  constructor(
    private readonly sources: KeysDocumentSources,
    ttlMs: number,
    private readonly onRefreshError: (err: unknown) => void,
    now?: () => number,
  ) {
    this.keys = new TtlCache((signal) => this.refresh(signal), ttlMs, false, now);
  }

  async verify(presented: string, signal?: AbortSignal): Promise<Caller | undefined> {
    let keys: readonly ResolvedKey[];
    try {
      keys = await this.keys.get(signal);
    } catch (err) {
      throw apiKeyUnavailable(err);
    }
    const digest = keyDigest(presented);
    let match: Caller | undefined;
    for (const key of keys) {
      if (timingSafeEqual(digest, key.digest)) match = key.caller;
    }
    return match;
  }

  private async refresh(signal: AbortSignal): Promise<readonly ResolvedKey[]> {
    try {
      this.lastGood = await this.resolve(signal);
      return this.lastGood;
    } catch (err) {
      this.onRefreshError(err);
      if (this.lastGood) return this.lastGood;
      throw err;
    }
  }

  private async resolve(signal: AbortSignal): Promise<readonly ResolvedKey[]> {
    const enabled = (await this.sources.document(signal)).keys.filter((entry) => !entry.disabled);
    const resolved = await Promise.all(enabled.map(async (entry) => ({
      digest: keyDigest(await this.keyValue(entry, signal)),
      caller: callerOf(entry),
    })));
    const seen = new Map<string, string>();
    for (const key of resolved) {
      const twin = seen.get(key.digest.toString('hex'));
      if (twin !== undefined) throw new KeysDocumentError(`keys "${twin}" and "${key.caller.name}": both have the same key value; give each its own`);
      seen.set(key.digest.toString('hex'), key.caller.name);
    }
    return resolved;
  }

  private async keyValue(entry: KeyEntry, signal: AbortSignal): Promise<string> {
    try {
      return await this.sources.keyValue(entry.value, signal);
    } catch (err) {
      throw new KeysDocumentError(`key "${entry.name}": its value could not be read (${(err as Error)?.name}: ${(err as Error)?.message})`);
    }
  }
}

function callerOf(entry: KeyEntry): Caller {
  return {
    name: entry.name,
    ...(entry.models ? { models: entry.models } : {}),
    ...(entry.limits ? { limits: entry.limits } : {}),
    ...(entry.inferenceProfiles ? { inferenceProfiles: entry.inferenceProfiles } : {}),
  };
}
