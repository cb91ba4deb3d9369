import { FastifyInstance } from 'fastify';
import { mayUseModel } from '../auth/model-access';
import { ModelInfo } from '../bedrock/model-catalog';
import { OpenAIError } from '../errors';
import { RouteOptions } from './route-options';

const modelSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string' },
    created: { type: 'integer' },
    owned_by: { type: 'string' },
  },
} as const;

function toOpenAIModel(m: ModelInfo): { id: string; object: 'model'; created: number; owned_by: string } {
  return { id: m.id, object: 'model', created: m.created ?? 0, owned_by: m.provider.toLowerCase() };
}

/**
 * `GET /models` and `GET /models/{id}` from the cached catalog, only the models the caller's key may use. Ids may
 * contain `/` and `:` (application profile ARNs), so the id is the whole rest of the path, URL-encoded or not.
 */
export async function modelsRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { catalog } = opts.deps;

  app.get('/models', {
    schema: { response: { 200: { type: 'object', properties: { object: { type: 'string' }, data: { type: 'array', items: modelSchema } } } } },
  }, async (request) => ({
    object: 'list',
    data: (await catalog.list(request.upstreamSignal)).filter((m) => mayUseModel(request.caller, m.id)).map(toOpenAIModel),
  }));

  app.get<{ Params: { '*': string } }>('/models/*', { schema: { response: { 200: modelSchema } } }, async (request) => {
    const id = request.params['*'];
    const model = await catalog.find(id, request.upstreamSignal);
    if (!model || model.requiresProfile || !mayUseModel(request.caller, id)) throw OpenAIError.modelNotFound(id);
    return toOpenAIModel(model);
  });
}
