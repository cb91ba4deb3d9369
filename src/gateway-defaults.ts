/**
 * The models the gateway uses unless told otherwise. The construct hands them to the proxy
 * (`DEFAULT_MODEL`, `DEFAULT_EMBEDDING_MODEL`) when `defaultModel` / `defaultEmbeddingModel` are not set.
 */
export class GatewayDefaults {
  /**
   * Chat model for requests naming an OpenAI model (`gpt-*`) or none: the global cross-region
   * inference profile of Claude Sonnet 4.6, which Bedrock offers from most commercial regions.
   */
  public static readonly CHAT_MODEL = 'global.anthropic.claude-sonnet-4-6';

  /**
   * Embedding model for requests naming an OpenAI embedding model (`text-embedding-*`):
   * Amazon Titan Text Embeddings V2, available in most Bedrock regions.
   */
  public static readonly EMBEDDING_MODEL = 'amazon.titan-embed-text-v2:0';

  private constructor() {}
}
