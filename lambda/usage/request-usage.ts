import { ConverseStreamOutput, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import { FastifyInstance, FastifyRequest } from 'fastify';

/** The tokens Bedrock reported for one request, summed over its calls. */
export interface RequestUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The Bedrock model id the request uses, once resolved (see `requestedModel`). */
    modelId: string | null;
    /** Tokens Bedrock reported so far; null until it reports any. Complete when the response has been sent. */
    usage: RequestUsage | null;
  }
}

export function registerRequestUsage(app: FastifyInstance): void {
  app.decorateRequest('modelId', null);
  app.decorateRequest('usage', null);
}

/** Adds what Bedrock reported for one call to the request's usage. */
export function recordUsage(request: FastifyRequest, usage: TokenUsage | undefined): void {
  if (!usage) return;
  const total = request.usage ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  total.inputTokens += usage.inputTokens ?? 0;
  total.outputTokens += usage.outputTokens ?? 0;
  total.cacheReadTokens += usage.cacheReadInputTokens ?? 0;
  total.cacheWriteTokens += usage.cacheWriteInputTokens ?? 0;
  request.usage = total;
}

/** Passes a ConverseStream's events through, recording the usage of its metadata event as it goes by. */
export async function* recordingStreamUsage(
  request: FastifyRequest,
  events: AsyncIterable<ConverseStreamOutput>,
): AsyncGenerator<ConverseStreamOutput> {
  for await (const event of events) {
    if (event.metadata) recordUsage(request, event.metadata.usage);
    yield event;
  }
}
