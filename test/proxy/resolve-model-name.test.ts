import { describe, expect, test } from 'vitest';
import { resolveModelName } from '../../lambda/bedrock/resolve-model-name';

const config = {
  defaultModel: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  defaultEmbeddingModel: 'cohere.embed-multilingual-v3',
  modelAliases: { 'gpt-4o-mini': 'amazon.nova-lite-v1:0', 'fast': 'us.amazon.nova-lite-v1:0' },
};

describe('resolveModelName', () => {
  test.each([
    ['gpt-4o-mini', 'chat', 'amazon.nova-lite-v1:0'], // aliases win over the gpt-* rule
    ['fast', 'chat', 'us.amazon.nova-lite-v1:0'],
    ['gpt-4o', 'chat', 'anthropic.claude-3-5-sonnet-20240620-v1:0'],
    ['text-embedding-3-small', 'embedding', 'cohere.embed-multilingual-v3'],
    [undefined, 'chat', 'anthropic.claude-3-5-sonnet-20240620-v1:0'],
    ['', 'embedding', 'cohere.embed-multilingual-v3'],
    ['meta.llama3-8b-instruct-v1:0', 'chat', 'meta.llama3-8b-instruct-v1:0'],
    ['arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x', 'chat', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x'],
    ['toString', 'chat', 'toString'], // not an inherited alias
  ] as const)('%s (%s) → %s', (name, kind, expected) => {
    expect(resolveModelName(name, config, kind)).toBe(expected);
  });
});
