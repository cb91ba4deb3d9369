import { describe, expect, test } from 'vitest';
import { slotLeaseSize } from '../../lambda/limits/concurrency-slots';
import { CounterStore } from '../../lambda/limits/counter-store';
import { Admission, leaseSize, Limiter } from '../../lambda/limits/limiter';
import { MemoryCounterStore } from '../../lambda/limits/memory-counter-store';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** 10 s into a UTC minute. */
const T0 = Date.UTC(2026, 10, 30, 12, 0, 10);

/** Two limiters on one store stand for two gateway instances sharing one table. */
function instances(store: CounterStore = new MemoryCounterStore(() => clock.now)) {
  const errors: unknown[] = [];
  const make = () => new Limiter(store, (err) => errors.push(err), () => clock.now);
  return { a: make(), b: make(), errors };
}
const clock = { now: T0 };

describe('Limiter', () => {
  test('lease sizes: 1% of the limit, 1 for small limits (exact per request)', () => {
    expect([1, 60, 199, 200, 1000, 10_000, 1_000_000].map(leaseSize)).toEqual([1, 1, 1, 2, 10, 100, 10_000]);
  });

  test('requests per minute hold exactly across instances: leases never add up to more than the limit', async () => {
    clock.now = T0;
    const { a, b } = instances();
    const limits = { requestsPerMinute: 1000 };
    let admitted = 0;
    for (let i = 0; i < 700; i++) {
      for (const instance of [a, b]) if (!(await instance.admit('k', limits)).refusal) admitted++;
    }
    expect(admitted).toBe(1000);
    const refused = await a.admit('k', limits);
    expect(refused.refusal?.code).toBe('rate_limit_exceeded');
    expect(refused.refusal?.retryAfterSeconds).toBe(50);
    expect(refused.headers).toEqual({ 'x-ratelimit-limit-requests': '1000', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '50s' });
    // The next minute starts afresh.
    clock.now = T0 + 60_000;
    expect((await b.admit('k', limits)).refusal).toBeUndefined();
  });

  test('tokens one instance used are seen by another once its view is a second old (a request may overshoot by its own size)', async () => {
    clock.now = T0;
    const { a, b } = instances();
    const limits = { tokensPerMinute: 100 };
    expect((await a.admit('k', limits)).refusal).toBeUndefined();
    expect((await b.admit('k', limits)).headers['x-ratelimit-remaining-tokens']).toBe('100');
    (await a.admit('k', limits)).settle(250);
    // A sees its own tokens at once.
    expect((await a.admit('k', limits)).refusal?.message).toBe('Rate limit reached for tokens per minute (TPM): limit 100, used 250. Please try again in 50s.');
    await sleep(150);
    // B's view is fresh: it admits, and starts a background refresh once it is a second old...
    expect((await b.admit('k', limits)).refusal).toBeUndefined();
    clock.now = T0 + 1000;
    expect((await b.admit('k', limits)).refusal).toBeUndefined();
    await sleep(10);
    // ...after which it refuses too.
    expect((await b.admit('k', limits)).refusal?.code).toBe('rate_limit_exceeded');
  });

  test('the monthly budget: refused with insufficient_quota until the next month; the share used is reported', async () => {
    clock.now = Date.UTC(2026, 10, 30, 23, 59, 0);
    const { a } = instances();
    const limits = { tokensPerMonth: 1000 };
    expect((await a.admit('k', limits)).settle(400)).toBe(40);
    expect((await a.admit('k', limits)).settle(700)).toBe(110);
    const refused = await a.admit('k', limits);
    expect(refused.refusal).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'insufficient_quota', retryAfterSeconds: 60 });
    clock.now = Date.UTC(2026, 11, 1, 0, 0, 1);
    expect((await a.admit('k', limits)).refusal).toBeUndefined();
  });

  test('concurrent requests across instances; a settled request gives its slot back', async () => {
    clock.now = T0;
    const { a, b } = instances();
    const limits = { maxConcurrentRequests: 2 };
    const first = await a.admit('k', limits);
    const second = await b.admit('k', limits);
    expect([first.refusal, second.refusal]).toEqual([undefined, undefined]);
    expect((await a.admit('k', limits)).refusal?.message).toBe('Too many concurrent requests: this key allows 2 at once. Please retry when one has finished.');
    second.settle(0);
    await sleep(0);
    expect((await a.admit('k', limits)).refusal).toBeUndefined();
  });

  test('concurrency slot leases: 1% of the limit, 1 for small limits (exact per request)', () => {
    expect([1, 8, 199, 200, 10_000].map(slotLeaseSize)).toEqual([1, 1, 1, 2, 100]);
  });

  test('large concurrency limits: slots are leased, the total across instances never exceeds the limit, spare slots come back', async () => {
    clock.now = T0;
    const memory = new MemoryCounterStore(() => clock.now);
    const calls: number[] = [];
    const store: CounterStore = {
      addUpTo: (id, amount, max, expiresAt) => { calls.push(amount); return memory.addUpTo(id, amount, max, expiresAt); },
      add: (id, amount, expiresAt) => { calls.push(amount); return memory.add(id, amount, expiresAt); },
    };
    const { a, b } = instances(store);
    const limits = { maxConcurrentRequests: 1000 };
    const running = { a: [] as Admission[], b: [] as Admission[] };
    // 1,200 requests arrive at once, alternating between two instances: exactly 1,000 run.
    const outcomes = await Promise.all(Array.from({ length: 1200 }, (_, i) => (i % 2 ? b : a).admit('k', limits)));
    outcomes.forEach((admission, i) => { if (!admission.refusal) running[i % 2 ? 'b' : 'a'].push(admission); });
    expect(running.a.length + running.b.length).toBe(1000);
    expect(outcomes.filter((o) => o.refusal).every((o) => o.refusal!.code === 'rate_limit_exceeded')).toBe(true);
    // Slots were taken a lease (10) at a time, not one table update per request.
    expect(calls.length).toBeLessThan(1200 / 5);
    // Instance a finishes all its requests: it keeps at most two leases of spare slots, then gives them all back once idle.
    for (const admission of running.a.splice(0)) admission.settle(0);
    const stillRunningOnB = running.b.length;
    const admittedOnB = async () => (await Promise.all(Array.from({ length: 1000 }, () => b.admit('k', limits)))).filter((o) => !o.refusal);
    const first = await admittedOnB();
    expect(first.length).toBeGreaterThanOrEqual(1000 - stillRunningOnB - 18);
    expect(first.length).toBeLessThanOrEqual(1000 - stillRunningOnB);
    await sleep(1100);
    const second = await admittedOnB();
    expect(first.length + second.length).toBe(1000 - stillRunningOnB);
  });

  test('a new concurrency span counts the requests still running again', async () => {
    clock.now = Date.UTC(2026, 10, 30, 12, 9, 59);
    const { a, b } = instances();
    const limits = { maxConcurrentRequests: 2 };
    const longRunning = await a.admit('k', limits);
    expect(longRunning.refusal).toBeUndefined();
    clock.now = Date.UTC(2026, 10, 30, 12, 10, 1);
    expect((await a.admit('k', limits)).refusal).toBeUndefined();
    // Both of a's requests hold slots in the new span's counter: b is refused until one ends.
    expect((await b.admit('k', limits)).refusal?.code).toBe('rate_limit_exceeded');
    longRunning.settle(0);
    await sleep(0);
    expect((await b.admit('k', limits)).refusal).toBeUndefined();
  });

  test('a request stops waiting for the shared counters when its signal fires; a slot taken after that is given back', async () => {
    clock.now = T0;
    const memory = new MemoryCounterStore(() => clock.now);
    let release = () => {};
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const slow: CounterStore = {
      addUpTo: async (...args) => { await gate; return memory.addUpTo(...args); },
      add: (...args) => memory.add(...args),
    };
    const { a, b } = instances(slow);
    const limits = { maxConcurrentRequests: 1 };
    const deadline = new AbortController();
    const waiting = a.admit('k', limits, deadline.signal);
    const timeout = new Error('the request had no time left');
    deadline.abort(timeout);
    await expect(waiting).rejects.toBe(timeout);
    // The slot update finishes later: the slot goes back, so another instance can take it.
    release();
    await sleep(10);
    expect((await b.admit('k', limits)).refusal).toBeUndefined();
  });

  test('when the store fails, requests are let through and the failure is reported', async () => {
    clock.now = T0;
    const failing: CounterStore = {
      addUpTo: async () => { throw Object.assign(new Error('Could not connect'), { name: 'NetworkingError' }); },
      add: async () => { throw Object.assign(new Error('Could not connect'), { name: 'NetworkingError' }); },
    };
    const { a, errors } = instances(failing);
    const admission = await a.admit('k', { requestsPerMinute: 1, tokensPerMinute: 1, tokensPerMonth: 1, maxConcurrentRequests: 1 });
    expect(admission.refusal).toBeUndefined();
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect((errors[0] as Error).name).toBe('NetworkingError');
  });
});
