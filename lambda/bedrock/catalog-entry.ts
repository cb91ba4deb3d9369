import { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { ModelCatalog, ModelInfo } from './model-catalog';
import { requestedModel } from '../auth/model-access';
import { GatewayConfig } from '../config';
import { OpenAIError } from '../errors';

/**
 * The model a request for text (chat completions, responses) names, resolved and allowed for its key
 * (`requestedModel`), with its catalog entry; a stream is refused up front for a model that cannot stream.
 */
export async function textModel(
  request: FastifyRequest, name: string | undefined, stream: boolean, config: GatewayConfig, catalog: ModelCatalog,
): Promise<{ modelId: string; model?: ModelInfo }> {
  const modelId = requestedModel(request, name, config);
  const model = await catalogEntry(catalog, modelId, request.log, request.upstreamSignal);
  if (stream && model && !model.streaming) {
    throw OpenAIError.invalidRequest(`Model ${modelId} does not support streaming; set stream to false`, 'stream');
  }
  return { modelId, model };
}

/**
 * The catalog entry for a model id, used for its capabilities (image input, streaming, text output). Ids the
 * catalog lacks (profile-only models by bare id, provisioned or imported model ARNs, models launched since the
 * last listing) go to Bedrock, which has the last word; so does every request when the catalog cannot be read
 * (unless the request itself has ended, `signal`).
 */
export async function catalogEntry(
  catalog: ModelCatalog, modelId: string, log: FastifyBaseLogger, signal: AbortSignal,
): Promise<ModelInfo | undefined> {
  let model: ModelInfo | undefined;
  try {
    model = await catalog.find(modelId, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    log.warn({ error: { name: (err as Error)?.name } }, 'model catalog unavailable; calling Bedrock without it');
    return undefined;
  }
  if (model && !model.outputModalities.includes('TEXT')) {
    throw OpenAIError.invalidRequest(`Model ${modelId} does not produce text; choose a chat model`, 'model');
  }
  return model;
}
