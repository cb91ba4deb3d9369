import { FastifyInstance, FastifyRequest } from 'fastify';
import { RouteOptions } from './route-options';
import { textModel } from '../bedrock/catalog-entry';
import { ConverseCall } from '../bedrock/converse-call';
import { assembleConverseInput, imageLoaderFor } from '../chat/converse-input';
import { guardedImageFetcher } from '../chat/image-fetcher';
import { imageLoader } from '../chat/image-source';
import { addTurn } from '../chat/messages';
import { sendSse, sseEvents } from '../chat/sse';
import { OpenAIError } from '../errors';
import { compactionItem, COMPACTION_PROMPT } from '../responses/compaction';
import { toGenerationSettings } from '../responses/generation-settings';
import { inputItems, PlacedItem, toConversation } from '../responses/input-items';
import { ResponseEventMapper } from '../responses/response-events';
import { newId, ResponseMeta, ResponseObject, responseObject, toResponse, toResponsesUsage } from '../responses/response-object';
import { responseEncoder, sseEvent } from '../responses/response-sse';
import { InputItem, ResponsesRequest, responsesRequestSchema } from '../responses/responses-request';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } } as const;

function notFound(id: string, param: string | null = null): OpenAIError {
  return new OpenAIError(404, `No response found with id '${id}'.`, { param, code: 'response_not_found' });
}

/**
 * The Responses API on Converse / ConverseStream: `POST /responses` (streamed or not; a compaction when its input ends
 * with a `compaction_trigger` item), `POST /responses/compact`, `GET` and `DELETE /responses/{id}`. Stored responses
 * belong to the key that made them (`request.caller.name`).
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

  /**
   * A request as the Converse input it asks for and what its response is built from. A compaction (a
   * `compaction_trigger` item last, or `POST /responses/compact`: `compact`) asks the model for a summary of the
   * conversation instead, with no tool to call.
   */
  async function prepare(request: FastifyRequest, body: ResponsesRequest, compact: boolean) {
    const { modelId, model } = await textModel(request, body.model, body.stream ?? false, opts.config, catalog);
    const owner = request.caller.name;
    const previous = await previousItems(body.previous_response_id, owner, request.upstreamSignal);
    const given = inputItems(body.input);
    const triggered = given.at(-1)?.type === 'compaction_trigger';
    const compacting = compact || triggered;
    const added = triggered ? given.slice(0, -1) : given;
    const placed: PlacedItem[] = [
      ...previous.map((item) => ({ item, param: 'previous_response_id' })),
      ...added.map((item, i) => ({ item, param: typeof body.input === 'string' ? 'input' : `input[${i}]` })),
    ];
    const ctx = { modelId, model, loadImage, ...defaults };
    const conversation = await toConversation(placed, body.instructions, imageLoaderFor(ctx));
    if (conversation.messages.length === 0) throw OpenAIError.invalidRequest('\'input\' must hold at least one user message or function call output.', 'input');
    if (compacting) addTurn(conversation.messages, 'user', [{ text: COMPACTION_PROMPT }]);
    const settings = toGenerationSettings(body);
    const { input, structured } = assembleConverseInput(conversation, compacting ? { ...settings, tool_choice: 'none', response_format: undefined } : settings, ctx);
    const meta: ResponseMeta = { id: newId('resp'), createdAt: Math.floor(Date.now() / 1000), model: modelId, request: body, structured };
    return { input, meta, owner, added, previous, compacting, bedrock: new ConverseCall(runtime, request, modelId, opts.config.streamIdleTimeoutMs) };
  }

  app.post('/responses', { schema: { body: responsesRequestSchema } }, async (request, reply) => {
    const body = request.body as ResponsesRequest;
    const { input, meta, owner, added, previous, compacting, bedrock } = await prepare(request, body, false);
    const keep = async (response: ResponseObject) => {
      if (store && body.store !== false) await store.put(owner, { response, input: [...previous, ...added] }, request.upstreamSignal);
    };

    if (compacting) {
      const output = await bedrock.converse(input);
      const response = responseObject(meta, 'completed', [compactionItem(output)], toResponsesUsage(output.usage));
      await keep(response);
      if (!body.stream) return response;
      const events = new ResponseEventMapper(meta).whole(response).map(sseEvent);
      return sendSse(reply, (async function* () {
        yield* events;
      })());
    }
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

  // The Responses API's older compaction: the conversation's user messages and one compaction item, nothing stored.
  app.post('/responses/compact', { schema: { body: responsesRequestSchema } }, async (request) => {
    const body = { ...(request.body as ResponsesRequest), stream: false };
    const { input, meta, added, previous, bedrock } = await prepare(request, body, true);
    const output = await bedrock.converse(input);
    const userMessages = [...previous, ...added].filter((item) => (item.type ?? 'message') === 'message' && item.role === 'user');
    return { id: meta.id, object: 'response.compaction', created_at: meta.createdAt, output: [...userMessages, compactionItem(output)], usage: toResponsesUsage(output.usage) };
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
