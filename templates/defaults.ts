import { TemplateDefaults } from './gateway-template-stack';

/** What the templates are synthesized with unless `templates/main.ts` is told otherwise. */
export const TEMPLATE_DEFAULTS: TemplateDefaults = {
  // The project's published code buckets: bedrock-access-gateway-assets-<region>.
  assetBucketPrefix: 'bedrock-access-gateway-assets',
  // The same defaults the proxy uses when DEFAULT_MODEL / DEFAULT_EMBEDDING_MODEL are unset.
  defaultModel: 'anthropic.claude-3-sonnet-20240229-v1:0',
  defaultEmbeddingModel: 'cohere.embed-multilingual-v3',
};
