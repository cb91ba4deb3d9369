import { FastifyInstance } from 'fastify';
import { RouteOptions } from './route-options';
import { bedrockModelId } from '../auth/bedrock-model-id';
import { requestedModel } from '../auth/model-access';
import { invokeJson } from '../bedrock/invoke-json';
import { embeddingModelFor, SUPPORTED_EMBEDDING_MODELS } from '../embeddings/embedding-models';
import { embeddingsAnswer } from '../embeddings/embeddings-answer';
import { float32Base64 } from '../embeddings/float32-base64';
import { OpenAIError } from '../errors';
import { LIMITS, modelNameSchema } from '../request-limits';
import { recordUsage } from '../usage/request-usage';

interface EmbeddingsBody {
  model: string;
  input: unknown;
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
  /** Cohere's input_type; a Bedrock extra. */
  input_type?: string;
}

/** Parallel InvokeModel calls per request for models that take one text per call. */
const CONCURRENCY = 8;

/** The texts of `input`: a string or an array of strings. Token arrays are refused with a clear message. */
function textsOf(input: unknown): string[] {
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || texts.length === 0) throw OpenAIError.invalidRequest('\'input\' must be a non-empty string or array of strings.', 'input');
  if (texts.some((t) => typeof t === 'number' || Array.isArray(t))) {
    throw OpenAIError.invalidRequest('Token arrays are not supported as \'input\': Bedrock embedding models take text. Send the text instead.', 'input', 'unsupported_input');
  }
  texts.forEach((t, i) => {
    if (typeof t !== 'string' || t === '') throw OpenAIError.invalidRequest(`'input[${i}]' must be a non-empty string.`, `input[${i}]`);
    if (t.length > LIMITS.embeddingInputChars) {
      throw OpenAIError.invalidRequest(`'input[${i}]' is ${t.length} characters long; at most ${LIMITS.embeddingInputChars} are accepted.`, `input[${i}]`);
    }
  });
  return texts as string[];
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `POST /embeddings` via InvokeModel: Cohere Embed v3/v4, Titan Text Embeddings v1/v2, Nova Multimodal Embeddings. */
export async function embeddingsRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  const { config, deps } = opts;

  app.post<{ Body: EmbeddingsBody }>('/embeddings', {
    schema: {
      body: {
        type: 'object',
        required: ['model', 'input'],
        properties: {
          model: modelNameSchema,
          // Items are checked in textsOf (token arrays get their own message).
          input: { type: ['string', 'array'], maxItems: LIMITS.embeddingInputs },
          encoding_format: { type: 'string', enum: ['float', 'base64'] },
          dimensions: { type: 'integer', minimum: 1 },
          user: { type: 'string' },
          // Cohere's values; refused here rather than by Bedrock, so an unknown value is never sent on.
          input_type: { type: 'string', enum: ['search_document', 'search_query', 'classification', 'clustering'] },
        },
      },
    },
  }, async (request, reply) => {
    const body = request.body;
    const texts = textsOf(body.input);
    const modelId = requestedModel(request, body.model, config, 'embedding');
    const model = embeddingModelFor(modelId);
    if (!model) {
      // Unknown to Bedrock (404) or known but unsupported (400); with the list unreadable, only the latter can be said.
      const listed = await deps.catalog.find(modelId, request.upstreamSignal).then((found) => found !== undefined, () => true);
      if (!listed) throw OpenAIError.modelNotFound(body.model);
      throw OpenAIError.invalidRequest(`The model \`${body.model}\` is not an embedding model the gateway supports (${SUPPORTED_EMBEDDING_MODELS}).`, 'model');
    }
    const dimensions = body.dimensions ?? model.dimensions[0];
    if (!model.dimensions.includes(dimensions)) {
      throw OpenAIError.invalidRequest(`${model.family} supports dimensions ${model.dimensions.join(', ')}; received ${dimensions}.`, 'dimensions');
    }
    const calls = model.calls(texts, dimensions, { inputType: body.input_type });
    const invokedId = bedrockModelId(request, modelId);
    const answers = await mapLimited(calls, CONCURRENCY, async (call) => {
      const result = await invokeJson(deps.runtime, invokedId, call.body, request.upstreamSignal);
      const parsed = call.parse(result.body);
      return { vectors: parsed.vectors, tokens: parsed.inputTokens ?? result.inputTokens ?? 0 };
    });
    const vectors = answers.flatMap((a) => a.vectors);
    const tokens = answers.reduce((n, a) => n + a.tokens, 0);
    recordUsage(request, { inputTokens: tokens, outputTokens: 0, totalTokens: tokens });
    const encode = body.encoding_format === 'base64' ? float32Base64 : (v: number[]) => v;
    return reply.type('application/json; charset=utf-8').send(embeddingsAnswer(vectors, encode, body.model, tokens));
  });
}
