import { describe, expect, test } from 'vitest';
import { build } from '../../lambda/app';
import { loadConfig } from '../../lambda/config';

describe('GET /health', () => {
  test('answers without a key', async () => {
    const app = build(loadConfig({}));
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});
