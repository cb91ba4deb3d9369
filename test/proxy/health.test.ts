import { describe, expect, test } from 'vitest';
import { useHarness } from './harness';

describe('GET /health', () => {
  const h = useHarness();

  test('answers at the root without a key', async () => {
    const res = await fetch(`${h.origin}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('is not served under the prefix, and there are no docs pages', async () => {
    for (const path of ['/api/v1/health', '/docs', '/openapi.json', '/documentation']) {
      const res = await fetch(`${h.origin}${path}`, { headers: { authorization: `Bearer ${h.config.apiKeySource.kind === 'env' ? h.config.apiKeySource.value : ''}` } });
      expect(res.status, path).toBe(404);
      expect((await res.json()).error.code, path).toBe('unknown_url');
    }
  });
});
