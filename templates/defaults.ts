import { GatewayDefaults } from '../src';
import { TemplateDefaults } from './gateway-template-stack';

/** What the templates are synthesized with unless `templates/main.ts` is told otherwise. */
export const TEMPLATE_DEFAULTS: TemplateDefaults = {
  // The project's published code buckets: bedrock-access-gateway-assets-<region>.
  assetBucketPrefix: 'bedrock-access-gateway-assets',
  // The construct's default models, as the DefaultModel / DefaultEmbeddingModel parameter defaults.
  defaultModel: GatewayDefaults.CHAT_MODEL,
  defaultEmbeddingModel: GatewayDefaults.EMBEDDING_MODEL,
};
