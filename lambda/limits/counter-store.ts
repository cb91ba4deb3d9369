/**
 * Named counters shared by every instance of the gateway (DynamoDB), or held by one process (memory). Each counter
 * belongs to one time window and carries when it may be forgotten.
 */
export interface CounterStore {
  /**
   * Adds `amount` to counter `id` unless the total would then exceed `max`: the new total, or undefined when it would.
   * The call ends when `signal` fires.
   */
  addUpTo(id: string, amount: number, max: number, expiresAt: Date, signal?: AbortSignal): Promise<number | undefined>;
  /** Adds `amount` (negative to subtract) to counter `id`: the new total. */
  add(id: string, amount: number, expiresAt: Date): Promise<number>;
}
