/**
 * One value loaded on demand and kept for a TTL. Concurrent callers share one load (single flight);
 * a failed load is not cached, so the next caller tries again.
 */
export class TtlCache<T> {
  private value?: { readonly data: T; readonly expires: number };
  private inflight?: Promise<T>;

  /**
   * @param load fetches a fresh value
   * @param ttlMs how long a loaded value is served; 0 means every call loads (still single-flight)
   * @param staleIfError serve the expired value when a reload fails, rather than failing
   */
  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly staleIfError = false,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.value && this.now() < this.value.expires) return Promise.resolve(this.value.data);
    this.inflight ??= this.refresh().finally(() => { this.inflight = undefined; });
    return this.inflight;
  }

  private async refresh(): Promise<T> {
    try {
      const data = await this.load();
      this.value = { data, expires: this.now() + this.ttlMs };
      return data;
    } catch (err) {
      if (this.staleIfError && this.value) return this.value.data;
      throw err;
    }
  }
}
