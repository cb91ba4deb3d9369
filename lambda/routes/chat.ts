import { randomUUID } from 'node:crypto';
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { FastifyInstance } from 'fastify';
import { RouteOptions } from './route-options';
import { bedrockModelId } from '../auth/bedrock-model-id';
import { requestedModel } from '../auth/model-access';
import { catalogEntry } from '../bedrock/catalog-entry';
import { withIdleTimeout } from '../bedrock/idle-timeout';
import { ChatRequest, chatRequestSchema } from '../chat/chat-request';
import { ChunkMapper } from '../chat/chunks';
import { toChatCompletion } from '../chat/completion';
import { toConverseInput } from '../chat/converse-input';
import { guardedImageFetcher } from '../chat/image-fetcher';
import { imageLoader } from '../chat/image-source';
import { asModelNotFound } from '../chat/model-not-found';
import { chatEncoder, sendSse, sseEvents } from '../chat/sse';
import { OpenAIError } from '../errors';
import { recordingStreamUsage, recordUsage } from '../usage/request-usage';

/** `POST /chat/completions` on Converse / ConverseStream (registered under the route prefix, behind auth). */
export async function chatRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { runtime, catalog, fetchImage } = opts.deps;
  const loadImage = imageLoader(fetchImage ?? guardedImageFetcher());
  const defaults = { defaultMaxTokens: opts.config.defaultMaxTokens, promptCachingByDefault: opts.config.enablePromptCaching };

  app.post('/chat/completions', { schema: { body: chatRequestSchema } }, async (request, reply) => {
    const body = request.body as ChatRequest;
    const modelId = requestedModel(request, body.model, opts.config);
    const model = await catalogEntry(catalog, modelId, request.log);
    if (body.stream && model && !model.streaming) {
      throw OpenAIError.invalidRequest(`Model ${modelId} does not support streaming; set stream to false`, 'stream');
    }
    const { input: converseInput, structured } = await toConverseInput(body, { modelId, model, loadImage, ...defaults });
    const input = { ...converseInput, modelId: bedrockModelId(request, modelId) };
    const meta = { id: `chatcmpl-${randomUUID().replace(/-/g, '')}`, created: Math.floor(Date.now() / 1000), model: modelId, structured };
    // Ends the Bedrock call when the client goes away or the stream stalls.
    const upstream = new AbortController();
    const call = { abortSignal: AbortSignal.any([request.clientGone, upstream.signal]) };
    const notFound = (err: unknown) => {
      throw asModelNotFound(err, modelId);
    };

    if (!body.stream) {
      const output = await runtime.send(new ConverseCommand(input), call).catch(notFound);
      recordUsage(request, output.usage);
      return toChatCompletion(output, meta);
    }
    // Errors up to here are ordinary JSON error responses; once Bedrock answers, the SSE stream starts.
    const response = await runtime.send(new ConverseStreamCommand(input), call).catch(notFound);
    const mapper = new ChunkMapper(meta, body.stream_options?.include_usage ?? false);
    const onError = (err: unknown) => request.log.error({ error: { name: (err as Error)?.name } }, 'stream failed');
    const events = withIdleTimeout(response.stream!, opts.config.streamIdleTimeoutMs, () => upstream.abort(new Error('stream stalled')));
    return sendSse(reply, sseEvents(recordingStreamUsage(request, events), chatEncoder(mapper), request.clientGone, onError));
  });
}
