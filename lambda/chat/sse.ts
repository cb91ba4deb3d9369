import { Readable } from 'node:stream';
import { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { FastifyReply, FastifyRequest } from 'fastify';
import { answerFor, sseErrorEvent } from '../errors';
import { ChunkMapper } from './chunks';

/** How one streamed answer is written as SSE: the text for each Bedrock event, after the last one, and after a failure. */
export interface SseEncoder {
  encode(event: ConverseStreamOutput): string[];
  /** After the last event; may finish work first (a failure here ends the stream as `fail` does). */
  end(): string[] | Promise<string[]>;
  fail(err: unknown): string[];
}

/**
 * The SSE body of a streamed answer to `request`, written as each Bedrock event arrives. A Bedrock failure mid-stream
 * ends the body with the encoder's failure events (the deadline's 504 when the request's time ran out); when the
 * client is gone (`clientGone` fired) there is no one to tell, so it just stops.
 */
export async function* sseEvents(
  events: AsyncIterable<ConverseStreamOutput>,
  encoder: SseEncoder,
  request: FastifyRequest,
  onError: (err: unknown) => void,
): AsyncGenerator<string> {
  try {
    for await (const event of events) yield* encoder.encode(event);
    yield* await encoder.end();
  } catch (err) {
    if (request.clientGone.aborted) return;
    onError(err);
    yield* encoder.fail(answerFor(request, err));
  }
}

/** Chat completions: one `data:` event per chunk, then `data: [DONE]`; a failure is an OpenAI error event. */
export function chatEncoder(mapper: ChunkMapper): SseEncoder {
  return {
    encode: (event) => mapper.map(event).map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`),
    end: () => ['data: [DONE]\n\n'],
    fail: (err) => [sseErrorEvent(err)],
  };
}

/** Sends an SSE body, unbuffered by proxies on the way. */
export function sendSse(reply: FastifyReply, body: AsyncIterable<string>): FastifyReply {
  return reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('x-accel-buffering', 'no')
    .send(Readable.from(body));
}
