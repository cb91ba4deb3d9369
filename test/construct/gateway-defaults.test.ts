import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { GatewayDefaults } from '../../src';

describe('GatewayDefaults', () => {
  test('the proxy\'s built-in default models (local runs without DEFAULT_MODEL) are the construct\'s', () => {
    // GIVEN only an API key: no DEFAULT_MODEL or DEFAULT_EMBEDDING_MODEL
    const config = loadConfig({ API_KEY: 'local-key' });
    // THEN
    expect([config.defaultModel, config.defaultEmbeddingModel]).toEqual([GatewayDefaults.CHAT_MODEL, GatewayDefaults.EMBEDDING_MODEL]);
  });
});
