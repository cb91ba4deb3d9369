/**
 * A stand-in for an object whose methods all return promises, made by `load` on the first call and used from then on.
 * `load` is a dynamic `import()` (esbuild keeps the module in the same bundle, and scripts/bundle-proxy.ts keeps the
 * AWS SDK clients it brings as small as static imports would): a cold start that never calls the object does not
 * evaluate its modules, such as the SDK clients of the key, counter and response stores. A failed load is tried again
 * on the next call.
 */
export function loadedOnFirstUse<T extends object>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const loaded = () => (loading ??= load().catch((err) => {
    loading = undefined;
    throw err;
  }));
  return new Proxy({} as T, {
    // Not a promise itself (`then` undefined), so returning the stand-in from an async function does not load it.
    get: (_target, method) => (method === 'then' ? undefined
      : (...args: unknown[]) => loaded().then((object) => (object as Record<PropertyKey, (...a: unknown[]) => unknown>)[method](...args))),
  });
}
