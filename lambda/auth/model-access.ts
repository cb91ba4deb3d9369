import { FastifyRequest } from 'fastify';
import { ModelKind, resolveModelName } from '../bedrock/resolve-model-name';
import { GatewayConfig } from '../config';
import { OpenAIError } from '../errors';
import { Caller } from './caller';

/** Whether a caller may use a Bedrock model id (after alias and `gpt-*` mapping). */
export function mayUseModel(caller: Caller, modelId: string): boolean {
  return caller.models === undefined || caller.models.includes(modelId);
}

/**
 * The Bedrock model id a request asks for, resolved as `resolveModelName` does, when its caller may use it; a 403
 * naming the model (never the key) otherwise. Records the id on the request for the usage stage every route shares.
 */
export function requestedModel(
  request: FastifyRequest,
  name: string | undefined,
  config: Pick<GatewayConfig, 'modelAliases' | 'defaultModel' | 'defaultEmbeddingModel'>,
  kind: ModelKind = 'chat',
): string {
  const modelId = resolveModelName(name, config, kind);
  if (!mayUseModel(request.caller, modelId)) {
    throw new OpenAIError(403, `This API key does not have access to model \`${modelId}\`.`, { param: 'model', code: 'model_not_allowed' });
  }
  request.modelId = modelId;
  return modelId;
}
