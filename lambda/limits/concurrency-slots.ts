import { CounterStore } from './counter-store';
import { expiry, spanWindow, Window } from './windows';

/** Span of a shared concurrency counter: slots that a crashed instance never gave back are forgotten when it ends. */
const SPAN_MS = 600_000;
/** An instance with no request of the key running gives its spare slots back after this long. */
const IDLE_RELEASE_MS = 1000;

/**
 * Slots an instance takes from a key's shared concurrency counter at a time: 1% of the limit, and 1 below 200
 * (then every request takes its slot in the table before it runs and gives it back once answered).
 */
export function slotLeaseSize(maxConcurrentRequests: number): number {
  return Math.max(1, Math.floor(maxConcurrentRequests / 100));
}

/**
 * One key's concurrent requests on one instance, against the key's counter shared by every instance: the instance
 * holds slots in the counter (taken a lease at a time) and runs at most as many requests as it holds, so the total
 * running across instances never exceeds the limit. Requests take and give back held slots without a table round
 * trip; the instance takes more when they run out and gives back spare slots beyond two leases, or all of them once
 * idle for IDLE_RELEASE_MS. Each instance thus keeps at most 2 × 1% of the limit unused (none for limits under 200).
 *
 * The counter restarts every SPAN_MS: in a new span the instance takes slots again for the requests it still runs.
 */
export class ConcurrencySlots {
  private running = 0;
  private held = 0;
  private span?: Window;
  private id = '';
  private taking?: Promise<boolean | undefined>;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly key: string,
    /** The key's `maxConcurrentRequests`. */
    readonly max: number,
    private readonly store: CounterStore,
    private readonly onStoreError: (err: unknown) => void,
    private readonly now: () => number,
  ) {}

  /**
   * Takes a slot for one request (at once while the instance holds a free one): false when the key's limit is
   * reached. When the store fails, the request runs.
   */
  take(): boolean | Promise<boolean> {
    this.roll();
    if (this.running < this.held) {
      this.running++;
      clearTimeout(this.idleTimer);
      return true;
    }
    // Requests that find no slot wait for one look at the counter (single flight) and share its answer.
    this.taking ??= this.takeMore().finally(() => { this.taking = undefined; });
    return this.taking.then((taken) => {
      if (taken !== undefined) return taken ? this.take() : false;
      this.running++;
      return true;
    });
  }

  /** Gives back the slot of a request that has been answered (or given up). */
  give(): void {
    this.running--;
    const lease = slotLeaseSize(this.max);
    const spare = this.held - this.running;
    if (spare > 2 * (lease - 1)) this.release(spare - (lease - 1));
    if (this.running === 0 && this.held > 0) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        if (this.running === 0) this.release(this.held);
      }, IDLE_RELEASE_MS).unref();
    }
  }

  /** In a new span, the old counter is left to expire and nothing is held in the new one yet. */
  private roll(): void {
    const now = this.now();
    if (this.span && now < this.span.end) return;
    this.span = spanWindow(now, SPAN_MS);
    this.id = `${this.key}#concurrent#${this.span.id}`;
    this.held = 0;
  }

  /**
   * Takes the slots the next request needs plus a lease's worth of spare ones, or just those it needs when the
   * counter has no room for the spare: true when taken, false when the limit is reached, undefined when the store failed.
   */
  private async takeMore(): Promise<boolean | undefined> {
    const id = this.id;
    const needed = this.running + 1 - this.held;
    const spare = slotLeaseSize(this.max) - 1;
    const expiresAt = expiry(this.span!);
    try {
      let amount = needed + spare;
      let total = await this.store.addUpTo(id, amount, this.max, expiresAt);
      if (total === undefined && spare > 0) total = await this.store.addUpTo(id, amount = needed, this.max, expiresAt);
      if (total === undefined) return false;
      // Slots taken in a span that ended meanwhile are not held in the new one: the next look takes them anew.
      if (id === this.id) this.held += amount;
      return true;
    } catch (err) {
      this.onStoreError(err);
      return undefined;
    }
  }

  private release(count: number): void {
    if (count <= 0) return;
    this.held -= count;
    this.store.add(this.id, -count, expiry(this.span!)).catch((err) => this.onStoreError(err));
  }
}
