import { KeyLimits } from '../auth/caller';
import { OpenAIError } from '../errors';
import { CounterStore } from './counter-store';
import { minuteWindow, monthWindow, spanWindow, Window } from './windows';

/** How stale an instance's view of a shared token counter may get before it reads it again (without waiting for it). */
const TOKENS_REFRESH_MS = 1000;
/** How long an instance gathers the tokens its requests used before adding them to the shared counter in one update. */
const TOKENS_FLUSH_MS = 100;
/** Span of a concurrency counter: a slot that a crashed instance never gave back is forgotten when the span ends. */
const CONCURRENCY_SPAN_MS = 600_000;
/** Counters outlive their window by this much, so late settlements still find them; DynamoDB's TTL removes them later. */
const EXPIRY_GRACE_MS = 3_600_000;

/**
 * Requests an instance takes from a key's shared per-minute counter at a time: 1% of the limit, so N instances can
 * hold at most N% of it unused, and 1 for limits under 200 (every request is counted in the table before it runs).
 */
export function leaseSize(requestsPerMinute: number): number {
  return Math.max(1, Math.floor(requestsPerMinute / 100));
}

/** The limits' verdict on one request of a limited key. */
export interface Admission {
  /** OpenAI's `x-ratelimit-*` headers for the answer, whatever it is. */
  readonly headers: Readonly<Record<string, string>>;
  /** The 429 to answer with when a limit is reached. */
  readonly refusal?: OpenAIError;
  /**
   * Once the request has been answered (or given up): counts the tokens it used and frees its concurrency slot.
   * Returns the share of the monthly token budget used, in percent, when the key has one.
   */
  settle(tokens: number): number | undefined;
}

/** One key's requests in one minute, as this instance sees them: what it leased from the shared counter and used. */
class RequestLease {
  leased = 0;
  used = 0;
  /** The shared counter's total after this instance's last lease. */
  sharedTotal = 0;
  exhausted = false;
  extending?: Promise<void>;

  constructor(readonly id: string, readonly window: Window) {}

  remaining(limit: number): number {
    return Math.max(0, limit - (this.sharedTotal - (this.leased - this.used)));
  }
}

/** One key's tokens in one window: the shared total last read, plus what this instance used and has not yet added. */
class TokenCount {
  known = 0;
  knownAt = -Infinity;
  loaded = false;
  pending = 0;
  refreshing?: Promise<void>;
  flushTimer?: NodeJS.Timeout;

  constructor(readonly id: string, readonly window: Window) {}

  get used(): number {
    return this.known + this.pending;
  }
}

/** The concurrency counter a request was counted in, to give its slot back there. */
interface ConcurrencySlot {
  readonly id: string;
  readonly expiresAt: Date;
}

interface KeyState {
  requests?: RequestLease;
  minuteTokens?: TokenCount;
  monthTokens?: TokenCount;
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
const expiry = (window: Window): Date => new Date(window.end + EXPIRY_GRACE_MS);

/**
 * Applies the keys' limits on one instance, against counters shared through a CounterStore:
 * - requests per minute: leased from the shared counter in batches (`leaseSize`), so admitted requests never
 *   exceed the limit; a lease is topped up in the background before it runs out.
 * - tokens per minute and per month: a request is admitted while the key's tokens so far are under the limit (so a
 *   request may overshoot by its own size). Used tokens are added to the shared counter in one update every
 *   TOKENS_FLUSH_MS, and the instance re-reads the total in the background once TOKENS_REFRESH_MS old: other
 *   instances' usage is seen within about a second.
 * - concurrent requests: one conditional increment before the request, a decrement after.
 * When the store cannot be reached, requests are admitted (limits fail open) and `onStoreError` hears why.
 */
export class Limiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly store: CounterStore,
    private readonly onStoreError: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The verdict on one request of key `name`. Its concurrency slot is taken with `signal` (the request's upstream calls
   * end when it fires); a wait for what the key's requests share (a lease, a token total) is bounded by the store
   * client's own timeout instead, since other requests wait for the same update.
   */
  async admit(name: string, limits: KeyLimits, signal?: AbortSignal): Promise<Admission> {
    const now = this.now();
    const state = this.keys.get(name) ?? {};
    this.keys.set(name, state);
    const minute = minuteWindow(now);
    const month = monthWindow(now);
    const headers: Record<string, string> = {};
    const admission = (refusal?: OpenAIError, slot?: ConcurrencySlot): Admission => ({
      headers,
      refusal,
      settle: (tokens) => this.settle(name, limits, tokens, slot),
    });

    const [monthUsed, minuteTokensUsed] = await Promise.all([
      limits.tokensPerMonth ? this.tokensUsed(state.monthTokens = this.tokenCount(state.monthTokens, `${name}#tokens-month`, month)) : 0,
      limits.tokensPerMinute ? this.tokensUsed(state.minuteTokens = this.tokenCount(state.minuteTokens, `${name}#tokens-minute`, minute)) : 0,
    ]);
    if (limits.tokensPerMinute) {
      Object.assign(headers, rateHeaders('tokens', limits.tokensPerMinute, limits.tokensPerMinute - minuteTokensUsed, minute.end - now));
    }
    const lease = limits.requestsPerMinute
      ? state.requests = state.requests?.window.id === minute.id ? state.requests : new RequestLease(`${name}#requests-minute#${minute.id}`, minute)
      : undefined;
    const requestHeaders = () => {
      if (lease) Object.assign(headers, rateHeaders('requests', limits.requestsPerMinute!, lease.remaining(limits.requestsPerMinute!), minute.end - now));
    };
    // Checked before a request is taken from the per-minute count, so a request refused for tokens does not use one.
    if (limits.tokensPerMonth && monthUsed >= limits.tokensPerMonth) {
      requestHeaders();
      return admission(new OpenAIError(429,
        `You exceeded your current quota: this key's monthly budget of ${limits.tokensPerMonth} tokens is spent (used ${monthUsed}). It renews at the start of next month (UTC).`,
        { type: 'insufficient_quota', code: 'insufficient_quota', retryAfterSeconds: seconds(month.end - now) }));
    }
    if (limits.tokensPerMinute && minuteTokensUsed >= limits.tokensPerMinute) {
      requestHeaders();
      return admission(rateLimited(`tokens per minute (TPM): limit ${limits.tokensPerMinute}, used ${minuteTokensUsed}`, minute.end - now));
    }
    if (lease) {
      const taken = await this.takeRequest(lease, limits.requestsPerMinute!);
      requestHeaders();
      if (!taken) return admission(rateLimited(`requests per minute (RPM): limit ${limits.requestsPerMinute}`, minute.end - now));
    }
    if (!limits.maxConcurrentRequests) return admission();
    const span = spanWindow(now, CONCURRENCY_SPAN_MS);
    const slot = { id: `${name}#concurrent#${span.id}`, expiresAt: expiry(span) };
    const total = await this.store.addUpTo(slot.id, 1, limits.maxConcurrentRequests, slot.expiresAt, signal).catch((err) => this.failOpen(err, 0));
    if (total === undefined) {
      return admission(new OpenAIError(429,
        `Too many concurrent requests: this key allows ${limits.maxConcurrentRequests} at once. Please retry when one has finished.`,
        { code: 'rate_limit_exceeded', retryAfterSeconds: 1 }));
    }
    return admission(undefined, slot);
  }

  private settle(name: string, limits: KeyLimits, tokens: number, slot: ConcurrencySlot | undefined): number | undefined {
    const now = this.now();
    const state = this.keys.get(name)!;
    if (slot !== undefined) this.store.add(slot.id, -1, slot.expiresAt).catch((err) => this.onStoreError(err));
    if (limits.tokensPerMinute) this.addTokens(state.minuteTokens = this.tokenCount(state.minuteTokens, `${name}#tokens-minute`, minuteWindow(now)), tokens);
    if (!limits.tokensPerMonth) return undefined;
    const month = state.monthTokens = this.tokenCount(state.monthTokens, `${name}#tokens-month`, monthWindow(now));
    this.addTokens(month, tokens);
    return (month.used * 100) / limits.tokensPerMonth;
  }

  /** Takes one request from the lease, leasing more from the shared counter when it has run out. */
  private async takeRequest(lease: RequestLease, limit: number): Promise<boolean> {
    for (;;) {
      if (lease.used < lease.leased) {
        lease.used++;
        // Top up in the background before the lease runs out, so requests seldom wait for the table.
        if (lease.leased - lease.used < leaseSize(limit) / 2 && !lease.exhausted) void this.extend(lease, limit);
        return true;
      }
      if (lease.exhausted) return false;
      if (!(await this.extend(lease, limit))) return true;
    }
  }

  /** Leases more requests (single flight); false when the store failed (the request is then let through). */
  private async extend(lease: RequestLease, limit: number): Promise<boolean> {
    lease.extending ??= (async () => {
      const size = leaseSize(limit);
      const expiresAt = expiry(lease.window);
      let total = await this.store.addUpTo(lease.id, size, limit, expiresAt);
      let got = size;
      if (total === undefined && size > 1) {
        total = await this.store.addUpTo(lease.id, 1, limit, expiresAt);
        got = 1;
      }
      if (total === undefined) {
        lease.exhausted = true;
        lease.sharedTotal = limit + (lease.leased - lease.used);
      } else {
        lease.leased += got;
        lease.sharedTotal = total;
      }
    })().finally(() => { lease.extending = undefined; });
    return lease.extending.then(() => true, (err) => this.failOpen(err, false));
  }

  private tokenCount(current: TokenCount | undefined, prefix: string, window: Window): TokenCount {
    return current?.window.id === window.id ? current : new TokenCount(`${prefix}#${window.id}`, window);
  }

  /** The key's tokens in the window; the first look in a window waits for the shared total, later ones do not. */
  private async tokensUsed(count: TokenCount): Promise<number> {
    if (!count.loaded) await this.sync(count);
    else if (this.now() - count.knownAt >= TOKENS_REFRESH_MS) void this.sync(count);
    return count.used;
  }

  private addTokens(count: TokenCount, tokens: number): void {
    if (tokens <= 0) return;
    count.pending += tokens;
    this.scheduleFlush(count);
  }

  private scheduleFlush(count: TokenCount): void {
    count.flushTimer ??= setTimeout(() => {
      count.flushTimer = undefined;
      void this.sync(count);
    }, TOKENS_FLUSH_MS).unref();
  }

  /** Adds this instance's pending tokens to the shared counter and reads its total back (single flight). */
  private sync(count: TokenCount): Promise<void> {
    count.refreshing ??= (async () => {
      const adding = count.pending;
      count.pending -= adding;
      try {
        count.known = await this.store.add(count.id, adding, expiry(count.window));
        count.knownAt = this.now();
      } catch (err) {
        count.pending += adding;
        this.onStoreError(err);
      }
      count.loaded = true;
    })().finally(() => {
      count.refreshing = undefined;
      // Tokens that arrived while this update was under way (or that it failed to add) go in the next one.
      if (count.pending > 0) this.scheduleFlush(count);
    });
    return count.refreshing;
  }

  private failOpen<T>(err: unknown, value: T): T {
    this.onStoreError(err);
    return value;
  }
}

function rateLimited(what: string, resetMs: number): OpenAIError {
  return new OpenAIError(429, `Rate limit reached for ${what}. Please try again in ${seconds(resetMs)}s.`,
    { code: 'rate_limit_exceeded', retryAfterSeconds: seconds(resetMs) });
}

/** OpenAI's trio for one kind of limit, e.g. `x-ratelimit-limit-requests`, `…-remaining-requests`, `…-reset-requests`. */
function rateHeaders(kind: 'requests' | 'tokens', limit: number, remaining: number, resetMs: number): Record<string, string> {
  return {
    [`x-ratelimit-limit-${kind}`]: String(limit),
    [`x-ratelimit-remaining-${kind}`]: String(Math.max(0, remaining)),
    [`x-ratelimit-reset-${kind}`]: `${seconds(resetMs)}s`,
  };
}
