import { describe, expect, test } from 'vitest';
import { loadedOnFirstUse } from '../../lambda/loaded-on-first-use';

interface Store {
  get(id: string): Promise<string>;
}

describe('loadedOnFirstUse', () => {
  test('loads on the first call, once, and forwards every call with its arguments', async () => {
    let loads = 0;
    const store = loadedOnFirstUse<Store>(async () => {
      loads++;
      return { get: async (id) => `value of ${id}` };
    });
    expect(loads).toBe(0);
    expect(await Promise.all([store.get('a'), store.get('b')])).toEqual(['value of a', 'value of b']);
    expect(await store.get('c')).toBe('value of c');
    expect(loads).toBe(1);
  });

  test('a failed load fails that call and is tried again on the next', async () => {
    let loads = 0;
    const store = loadedOnFirstUse<Store>(async () => {
      if (++loads === 1) throw new Error('module not loaded');
      return { get: async () => 'loaded' };
    });
    await expect(store.get('a')).rejects.toThrow('module not loaded');
    expect(await store.get('a')).toBe('loaded');
  });

  test('is not taken for a promise: an async function can return it without loading it', async () => {
    let loads = 0;
    const make = async () => loadedOnFirstUse<Store>(async () => {
      loads++;
      return { get: async () => 'loaded' };
    });
    await make();
    expect(loads).toBe(0);
  });
});
