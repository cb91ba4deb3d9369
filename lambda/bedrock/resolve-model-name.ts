import { GatewayConfig } from '../config';

/** Which default applies when a request names an OpenAI model or none. */
export type ModelKind = 'chat' | 'embedding';

/**
 * The Bedrock model id for a model name a client sent: MODEL_ALIASES first, then `gpt-*` → DEFAULT_MODEL and
 * `text-embedding-*` → DEFAULT_EMBEDDING_MODEL; a missing name gets the default of its kind; anything else is
 * taken as a Bedrock id as-is.
 */
export function resolveModelName(
  name: string | undefined,
  config: Pick<GatewayConfig, 'modelAliases' | 'defaultModel' | 'defaultEmbeddingModel'>,
  kind: ModelKind = 'chat',
): string {
  const requested = name?.trim() ?? '';
  if (requested === '') return kind === 'chat' ? config.defaultModel : config.defaultEmbeddingModel;
  if (Object.hasOwn(config.modelAliases, requested)) return config.modelAliases[requested];
  if (requested.startsWith('gpt-')) return config.defaultModel;
  if (requested.startsWith('text-embedding-')) return config.defaultEmbeddingModel;
  return requested;
}
