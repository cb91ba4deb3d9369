import { KeyLimits } from '../auth/caller';
import { OpenAIError } from '../errors';
import { untilAborted } from '../until-aborted';
import { ConcurrencySlots } from './concurrency-slots';
import { CounterStore } from './counter-store';
import { expiry, minuteWindow, monthWindow, Window } from './windows';

/** How stale an instance's view of a shared token counter may get before it reads it again (without waiting for it). */
const TOKENS_REFRESH_MS = 1000;
/**
 * How long an instance gathers the tokens its requests used before adding them to the shared counter in one update:
 * a second while the key is under half its limit, 100 ms past that, where a late count lets the key overshoot.
 */
const TOKENS_FLUSH_MS = 1000;
const TOKENS_FLUSH_NEAR_LIMIT_MS = 100;

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

  constructor(readonly id: string, readonly window: Window, public limit: number) {}

  get used(): number {
    return this.known + this.pending;
  }
}

interface KeyState {
  requests?: RequestLease;
  minuteTokens?: TokenCount;
  monthTokens?: TokenCount;
  slots?: ConcurrencySlots;
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/**
 * Applies the keys' limits on one instance, against counters shared through a CounterStore:
 * - requests per minute: leased from the shared counter in batches (`leaseSize`), so admitted requests never
 *   exceed the limit; a lease is topped up in the background before it runs out.
 * - tokens per minute and per month: a request is admitted while the key's tokens so far are under the limit (so a
 *   request may overshoot by its own size). Used tokens are added to the shared counter in one update every
 *   TOKENS_FLUSH_MS (TOKENS_FLUSH_NEAR_LIMIT_MS past half the limit), and the instance re-reads the total in the
 *   background once TOKENS_REFRESH_MS old: past half the limit, other instances' usage is seen within about 1.1 s.
 * - concurrent requests: slots held in the shared counter a lease at a time (ConcurrencySlots).
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
   * The verdict on one request of key `name`. The request waits for the shared counters (a lease, a token total, a
   * concurrency slot, each updated once for all the requests that need it) only until `signal` fires: it then fails
   * with the signal's reason (the request's 504, or its client gone), and a slot taken after that is given back.
   */
  async admit(name: string, limits: KeyLimits, signal?: AbortSignal): Promise<Admission> {
    const now = this.now();
    const state = this.keys.get(name) ?? {};
    this.keys.set(name, state);
    const minute = minuteWindow(now);
    const month = monthWindow(now);
    const headers: Record<string, string> = {};
    const admission = (refusal?: OpenAIError, slots?: ConcurrencySlots): Admission => ({
      headers,
      refusal,
      settle: (tokens) => this.settle(name, limits, tokens, slots),
    });

    const monthCount = limits.tokensPerMonth ? this.tokenCount(state, name, 'month', limits.tokensPerMonth, now) : undefined;
    const minuteCount = limits.tokensPerMinute ? this.tokenCount(state, name, 'minute', limits.tokensPerMinute, now) : undefined;
    // The first look in a window waits for the shared total; later ones refresh it in the background once it is stale.
    const loading = [monthCount, minuteCount].flatMap((count) => (count ? this.look(count) : []));
    if (loading.length > 0) await untilAborted(Promise.all(loading), signal);
    const monthUsed = monthCount?.used ?? 0;
    const minuteTokensUsed = minuteCount?.used ?? 0;
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
      const taking = this.takeRequest(lease, limits.requestsPerMinute!);
      const taken = typeof taking === 'boolean' ? taking : await untilAborted(taking, signal);
      requestHeaders();
      if (!taken) return admission(rateLimited(`requests per minute (RPM): limit ${limits.requestsPerMinute}`, minute.end - now));
    }
    if (!limits.maxConcurrentRequests) return admission();
    const slots = state.slots = state.slots?.max === limits.maxConcurrentRequests
      ? state.slots
      : new ConcurrencySlots(name, limits.maxConcurrentRequests, this.store, this.onStoreError, this.now);
    const taking = slots.take();
    const taken = typeof taking === 'boolean' ? taking : await untilAborted(taking, signal).catch((err: unknown) => {
      void taking.then((slot) => { if (slot) slots.give(); });
      throw err;
    });
    if (!taken) {
      return admission(new OpenAIError(429,
        `Too many concurrent requests: this key allows ${limits.maxConcurrentRequests} at once. Please retry when one has finished.`,
        { code: 'rate_limit_exceeded', retryAfterSeconds: 1 }));
    }
    return admission(undefined, slots);
  }

  private settle(name: string, limits: KeyLimits, tokens: number, slots: ConcurrencySlots | undefined): number | undefined {
    const now = this.now();
    const state = this.keys.get(name)!;
    slots?.give();
    if (limits.tokensPerMinute) this.addTokens(this.tokenCount(state, name, 'minute', limits.tokensPerMinute, now), tokens);
    if (!limits.tokensPerMonth) return undefined;
    const month = this.tokenCount(state, name, 'month', limits.tokensPerMonth, now);
    this.addTokens(month, tokens);
    return (month.used * 100) / limits.tokensPerMonth;
  }

  /**
   * Takes one request from the lease (at once while it has some left), leasing more from the shared counter when it
   * has run out.
   */
  private takeRequest(lease: RequestLease, limit: number): boolean | Promise<boolean> {
    if (lease.used < lease.leased) {
      lease.used++;
      // Top up in the background before the lease runs out, so requests seldom wait for the table.
      if (lease.leased - lease.used < leaseSize(limit) / 2 && !lease.exhausted) void this.extend(lease, limit);
      return true;
    }
    if (lease.exhausted) return false;
    return this.extend(lease, limit).then((extended) => (extended ? this.takeRequest(lease, limit) : true));
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
    return lease.extending.then(() => true, (err) => {
      this.onStoreError(err);
      return false;
    });
  }

  /** The key's count of tokens in the current minute or month, kept in `state` (a new count in a new window). */
  private tokenCount(state: KeyState, name: string, period: 'minute' | 'month', limit: number, now: number): TokenCount {
    const field = period === 'minute' ? 'minuteTokens' : 'monthTokens';
    const window = period === 'minute' ? minuteWindow(now) : monthWindow(now);
    const current = state[field];
    if (current?.window.id !== window.id) return state[field] = new TokenCount(`${name}#tokens-${period}#${window.id}`, window, limit);
    current.limit = limit;
    return current;
  }

  /** A look at a token count: the load to wait for when the count has never been read, else a background refresh once stale. */
  private look(count: TokenCount): Promise<void>[] {
    if (!count.loaded) return [this.sync(count)];
    if (this.now() - count.knownAt >= TOKENS_REFRESH_MS) void this.sync(count);
    return [];
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
    }, count.used * 2 < count.limit ? TOKENS_FLUSH_MS : TOKENS_FLUSH_NEAR_LIMIT_MS).unref();
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
}

function rateLimited(what: string, resetMs: number): OpenAIError {
  return new OpenAIError(429, `Rate limit reached for ${what}. Please try again in ${seconds(resetMs)}s.`,
    { code: 'rate_limit_exceeded', retryAfterSeconds: seconds(resetMs) });
}

/** OpenAI's trio of headers for each kind of limit. */
const RATE_HEADERS = {
  requests: ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'],
  tokens: ['x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens'],
} as const;

/** OpenAI's trio for one kind of limit, e.g. `x-ratelimit-limit-requests`, `…-remaining-requests`, `…-reset-requests`. */
function rateHeaders(kind: keyof typeof RATE_HEADERS, limit: number, remaining: number, resetMs: number): Record<string, string> {
  const [limitName, remainingName, resetName] = RATE_HEADERS[kind];
  return { [limitName]: String(limit), [remainingName]: String(Math.max(0, remaining)), [resetName]: `${seconds(resetMs)}s` };
}
