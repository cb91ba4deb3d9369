import { untilAborted } from './until-aborted';

/** One load under way: its outcome, and how many callers still wait for it. */
interface Load<T> {
  readonly done: Promise<T>;
  readonly ended: AbortController;
  waiting: number;
}

/**
 * One value loaded on demand and kept for a TTL. Concurrent callers share one load (single flight);
 * a failed load is not cached, so the next caller tries again.
 */
export class TtlCache<T> {
  private value?: { readonly data: T; readonly expires: number };
  private inflight?: Load<T>;

  /**
   * @param load fetches a fresh value; its signal fires when no caller waits for it any more
   * @param ttlMs how long a loaded value is served; 0 means every call loads (still single-flight)
   * @param staleIfError serve the expired value when a reload fails, rather than failing
   */
  constructor(
    private readonly load: (signal: AbortSignal) => Promise<T>,
    private readonly ttlMs: number,
    private readonly staleIfError = false,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The value, loaded if it is stale. A caller with a `signal` stops waiting when it fires (with its reason); the load
   * itself is ended once every caller has stopped waiting for it, and a caller without a signal never stops.
   */
  get(signal?: AbortSignal): Promise<T> {
    if (this.value && this.now() < this.value.expires) return Promise.resolve(this.value.data);
    const load = this.inflight ??= this.start();
    if (!signal) {
      load.waiting = Infinity;
      return load.done;
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    load.waiting++;
    const leave = () => {
      if (--load.waiting > 0) return;
      if (this.inflight === load) this.inflight = undefined;
      load.ended.abort(signal.reason);
    };
    signal.addEventListener('abort', leave, { once: true });
    return untilAborted(load.done, signal).finally(() => signal.removeEventListener('abort', leave));
  }

  private start(): Load<T> {
    const ended = new AbortController();
    const load: Load<T> = {
      ended,
      waiting: 0,
      done: this.refresh(ended.signal).finally(() => {
        if (this.inflight === load) this.inflight = undefined;
      }),
    };
    return load;
  }

  private async refresh(signal: AbortSignal): Promise<T> {
    try {
      const data = await this.load(signal);
      this.value = { data, expires: this.now() + this.ttlMs };
      return data;
    } catch (err) {
      if (this.staleIfError && this.value) return this.value.data;
      throw err;
    }
  }
}
