import { CounterStore } from './counter-store';

/** Counters in this process's memory: right for a single local server only. Expired counters are swept as new ones come. */
export class MemoryCounterStore implements CounterStore {
  private readonly counters = new Map<string, { value: number; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async addUpTo(id: string, amount: number, max: number, expiresAt: Date): Promise<number | undefined> {
    const current = this.current(id);
    if (current + amount > max) return undefined;
    return this.set(id, current + amount, expiresAt);
  }

  async add(id: string, amount: number, expiresAt: Date): Promise<number> {
    return this.set(id, this.current(id) + amount, expiresAt);
  }

  private current(id: string): number {
    const counter = this.counters.get(id);
    return counter && counter.expiresAt > this.now() ? counter.value : 0;
  }

  private set(id: string, value: number, expiresAt: Date): number {
    if (!this.counters.has(id)) this.sweep();
    this.counters.set(id, { value, expiresAt: expiresAt.getTime() });
    return value;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, counter] of this.counters) if (counter.expiresAt <= now) this.counters.delete(id);
  }
}
