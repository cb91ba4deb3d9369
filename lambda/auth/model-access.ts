import { FastifyRequest } from 'fastify';
import { ModelKind, resolveModelName } from '../bedrock/resolve-model-name';
import { GatewayConfig } from '../config';
import { OpenAIError } from '../errors';
import { Caller } from './caller';

/** A system-defined cross-region inference profile id: a geography prefix (`us.`, `eu.`, `apac.`, `global.` …) and a model id. */
const CROSS_REGION_PROFILE = /^[a-z]{2,6}(?:-[a-z]+)?\.(.+\..+)$/;

/**
 * Whether a caller may use a Bedrock model id (after alias and `gpt-*` mapping): every model when the key lists
 * none; otherwise a listed id, or a cross-region profile id (`us.…`, `global.…`) of a listed model, since such a
 * profile serves the same model from other regions. Listing a profile id does not grant the bare model id.
 */
export function mayUseModel(caller: Caller, modelId: string): boolean {
  if (caller.models === undefined || caller.models.includes(modelId)) return true;
  const base = CROSS_REGION_PROFILE.exec(modelId)?.[1];
  return base !== undefined && caller.models.includes(base);
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
