import { describe, expect, test } from 'vitest';
import { TtlCache } from '../../lambda/ttl-cache';

/** A cache whose loads the test finishes: each load's signal, and a way to answer the latest one. */
function slowCache() {
  const signals: AbortSignal[] = [];
  let answer: (value: string) => void = () => undefined;
  const cache = new TtlCache<string>((signal) => {
    signals.push(signal);
    return new Promise((resolve) => { answer = resolve; });
  }, 60_000);
  return { cache, signals, answer: (value: string) => answer(value) };
}

describe('TtlCache: callers that stop waiting', () => {
  test.each([
    ['another caller with a signal that does not fire', (cache: TtlCache<string>) => cache.get(new AbortController().signal)],
    ['a caller without a signal', (cache: TtlCache<string>) => cache.get()],
  ])('a caller whose signal fires stops waiting with its reason; the load goes on for %s', async (_name, stay) => {
    const { cache, signals, answer } = slowCache();
    const stayed = stay(cache);
    const leaving = new AbortController();
    const left = cache.get(leaving.signal);
    leaving.abort(new Error('out of time'));
    await expect(left).rejects.toThrow('out of time');
    expect(signals[0].aborted).toBe(false);
    answer('value');
    await expect(stayed).resolves.toBe('value');
    expect(signals).toHaveLength(1);
  });

  test('once every caller has stopped waiting, the load is ended and the next caller starts another', async () => {
    const { cache, signals, answer } = slowCache();
    const first = new AbortController();
    const second = new AbortController();
    const waits = [cache.get(first.signal), cache.get(second.signal)];
    first.abort(new Error('first gave up'));
    second.abort(new Error('second gave up'));
    await Promise.allSettled(waits);
    expect(signals[0].aborted).toBe(true);
    const next = cache.get(new AbortController().signal);
    expect(signals).toHaveLength(2);
    answer('fresh');
    await expect(next).resolves.toBe('fresh');
  });
});
