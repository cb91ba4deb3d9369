import { randomUUID } from 'node:crypto';
import { FastifyInstance } from 'fastify';
import { RouteOptions } from './route-options';
import { textModel } from '../bedrock/catalog-entry';
import { ConverseCall } from '../bedrock/converse-call';
import { ChatRequest, chatRequestSchema } from '../chat/chat-request';
import { ChunkMapper } from '../chat/chunks';
import { toChatCompletion } from '../chat/completion';
import { toConverseInput } from '../chat/converse-input';
import { chatCustomToolNames } from '../chat/custom-tools';
import { guardedImageFetcher } from '../chat/image-fetcher';
import { imageLoader } from '../chat/image-source';
import { chatEncoder, sendSse, sseEvents } from '../chat/sse';

/** `POST /chat/completions` on Converse / ConverseStream (registered under the route prefix, behind auth). */
export async function chatRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { runtime, catalog, fetchImage } = opts.deps;
  const loadImage = imageLoader(fetchImage ?? guardedImageFetcher());
  const defaults = { defaultMaxTokens: opts.config.defaultMaxTokens, promptCachingByDefault: opts.config.enablePromptCaching };

  app.post('/chat/completions', { schema: { body: chatRequestSchema } }, async (request, reply) => {
    const body = request.body as ChatRequest;
    const { modelId, model } = await textModel(request, body.model, body.stream ?? false, opts.config, catalog);
    const { input, structured } = await toConverseInput(body, { modelId, model, loadImage, ...defaults });
    const meta = {
      id: `chatcmpl-${randomUUID().replace(/-/g, '')}`, created: Math.floor(Date.now() / 1000), model: modelId, structured, customTools: chatCustomToolNames(body),
    };
    const bedrock = new ConverseCall(runtime, request, modelId, opts.config.streamIdleTimeoutMs);

    if (!body.stream) return toChatCompletion(await bedrock.converse(input), meta);
    // Errors up to here are ordinary JSON error responses; once Bedrock answers, the SSE stream starts.
    const events = await bedrock.stream(input);
    const mapper = new ChunkMapper(meta, body.stream_options?.include_usage ?? false);
    const onError = (err: unknown) => request.log.error({ error: { name: (err as Error)?.name } }, 'stream failed');
    return sendSse(reply, sseEvents(events, chatEncoder(mapper), request, onError));
  });
}
