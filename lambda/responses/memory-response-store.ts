import { ResponseStore, StoredResponse } from './response-store';

interface Entry {
  readonly owner: string;
  readonly stored: StoredResponse;
  readonly expiresAt: number;
}

/**
 * Responses in process memory, for a single local server (several Lambda instances or tasks need the DynamoDB
 * store): at most `maxEntries`, the oldest dropped first, each kept for `ttlMs`.
 */
export class MemoryResponseStore implements ResponseStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number, private readonly maxEntries = 1000, private readonly now: () => number = Date.now) {}

  async put(owner: string, stored: StoredResponse): Promise<void> {
    this.entries.delete(stored.response.id);
    this.entries.set(stored.response.id, { owner, stored, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  async get(owner: string, id: string): Promise<StoredResponse | undefined> {
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.stored;
  }

  async delete(owner: string, id: string): Promise<boolean> {
    if (!(await this.get(owner, id))) return false;
    return this.entries.delete(id);
  }
}
