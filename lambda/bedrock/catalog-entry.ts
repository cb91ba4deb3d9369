import { FastifyBaseLogger } from 'fastify';
import { OpenAIError } from '../errors';
import { ModelCatalog, ModelInfo } from './model-catalog';

/**
 * The catalog entry for a model id, used for its capabilities (image input, streaming, text output). Ids the
 * catalog lacks (profile-only models by bare id, provisioned or imported model ARNs, models launched since the
 * last listing) go to Bedrock, which has the last word; so does every request when the catalog cannot be read.
 */
export async function catalogEntry(catalog: ModelCatalog, modelId: string, log: FastifyBaseLogger): Promise<ModelInfo | undefined> {
  let model: ModelInfo | undefined;
  try {
    model = await catalog.find(modelId);
  } catch (err) {
    log.warn({ error: { name: (err as Error)?.name } }, 'model catalog unavailable; calling Bedrock without it');
    return undefined;
  }
  if (model && !model.outputModalities.includes('TEXT')) {
    throw OpenAIError.invalidRequest(`Model ${modelId} does not produce text; choose a chat model`, 'model');
  }
  return model;
}
