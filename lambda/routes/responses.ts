import { FastifyInstance } from 'fastify';
import { RouteOptions } from './route-options';
import { textModel } from '../bedrock/catalog-entry';
import { ConverseCall } from '../bedrock/converse-call';
import { assembleConverseInput, imageLoaderFor } from '../chat/converse-input';
import { guardedImageFetcher } from '../chat/image-fetcher';
import { imageLoader } from '../chat/image-source';
import { sendSse, sseEvents } from '../chat/sse';
import { OpenAIError } from '../errors';
import { toGenerationSettings } from '../responses/generation-settings';
import { inputItems, PlacedItem, toConversation } from '../responses/input-items';
import { ResponseEventMapper } from '../responses/response-events';
import { newId, ResponseMeta, ResponseObject, toResponse } from '../responses/response-object';
import { responseEncoder, sseEvent } from '../responses/response-sse';
import { InputItem, ResponsesRequest, responsesRequestSchema } from '../responses/responses-request';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } } as const;

function notFound(id: string, param: string | null = null): OpenAIError {
  return new OpenAIError(404, `No response found with id '${id}'.`, { param, code: 'response_not_found' });
}

/**
 * The Responses API on Converse / ConverseStream: `POST /responses` (streamed or not), `GET` and `DELETE
 * /responses/{id}`. Stored responses belong to the key that made them (`request.caller.name`).
 */
export async function responsesRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { runtime, catalog, fetchImage, responseStore: store } = opts.deps;
  const loadImage = imageLoader(fetchImage ?? guardedImageFetcher());
  const defaults = { defaultMaxTokens: opts.config.defaultMaxTokens, promptCachingByDefault: opts.config.enablePromptCaching };

  /** The items a `previous_response_id` continues from: that response's input and output. */
  async function previousItems(id: string | null | undefined, owner: string, signal: AbortSignal): Promise<InputItem[]> {
    if (!id) return [];
    if (!store) {
      throw OpenAIError.invalidRequest(
        'previous_response_id is not available: this gateway keeps no responses (RESPONSES_STORE=none). Send the whole conversation in input instead.',
        'previous_response_id', 'previous_response_not_supported');
    }
    const previous = await store.get(owner, id, signal);
    if (!previous) throw notFound(id, 'previous_response_id');
    return [...previous.input, ...previous.response.output];
  }

  app.post('/responses', { schema: { body: responsesRequestSchema } }, async (request, reply) => {
    const body = request.body as ResponsesRequest;
    const { modelId, model } = await textModel(request, body.model, body.stream ?? false, opts.config, catalog);
    const owner = request.caller.name;
    const previous = await previousItems(body.previous_response_id, owner, request.upstreamSignal);
    const added = inputItems(body.input);
    const placed: PlacedItem[] = [
      ...previous.map((item) => ({ item, param: 'previous_response_id' })),
      ...added.map((item, i) => ({ item, param: typeof body.input === 'string' ? 'input' : `input[${i}]` })),
    ];
    const ctx = { modelId, model, loadImage, ...defaults };
    const conversation = await toConversation(placed, body.instructions, imageLoaderFor(ctx));
    if (conversation.messages.length === 0) throw OpenAIError.invalidRequest('\'input\' must hold at least one user message or function call output.', 'input');
    const { input, structured } = assembleConverseInput(conversation, toGenerationSettings(body), ctx);
    const meta: ResponseMeta = { id: newId('resp'), createdAt: Math.floor(Date.now() / 1000), model: modelId, request: body, structured };
    const keep = async (response: ResponseObject) => {
      if (store && body.store !== false) await store.put(owner, { response, input: [...previous, ...added] }, request.upstreamSignal);
    };
    const bedrock = new ConverseCall(runtime, request, modelId, opts.config.streamIdleTimeoutMs);

    if (!body.stream) {
      const response = toResponse(await bedrock.converse(input), meta);
      await keep(response);
      return response;
    }
    // Errors up to here are ordinary JSON error responses; once Bedrock answers, the SSE stream starts.
    const bedrockEvents = await bedrock.stream(input);
    const mapper = new ResponseEventMapper(meta);
    const onError = (err: unknown) => request.log.error({ error: { name: (err as Error)?.name } }, 'stream failed');
    const events = sseEvents(bedrockEvents, responseEncoder(mapper, keep), request, onError);
    return sendSse(reply, (async function* () {
      yield* mapper.start().map(sseEvent);
      yield* events;
    })());
  });

  app.get('/responses/:id', { schema: { params: idParams } }, async (request) => {
    const { id } = request.params as { id: string };
    const stored = await store?.get(request.caller.name, id, request.upstreamSignal);
    if (!stored) throw notFound(id);
    return stored.response;
  });

  app.delete('/responses/:id', { schema: { params: idParams } }, async (request) => {
    const { id } = request.params as { id: string };
    if (!(await store?.delete(request.caller.name, id, request.upstreamSignal))) throw notFound(id);
    return { id, object: 'response', deleted: true };
  });
}
