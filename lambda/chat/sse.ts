import { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { sseErrorEvent } from '../errors';
import { ChunkMapper } from './chunks';

/**
 * The SSE body of a streamed completion: one `data:` event per chunk as each Bedrock event arrives,
 * then `data: [DONE]`. A Bedrock failure mid-stream ends the body with an OpenAI error event instead;
 * when the client is gone (`clientGone` fired) there is no one to tell, so it just stops.
 */
export async function* sseEvents(
  events: AsyncIterable<ConverseStreamOutput>,
  mapper: ChunkMapper,
  clientGone: AbortSignal,
  onError: (err: unknown) => void,
): AsyncGenerator<string> {
  try {
    for await (const event of events) {
      for (const chunk of mapper.map(event)) yield `data: ${JSON.stringify(chunk)}\n\n`;
    }
    yield 'data: [DONE]\n\n';
  } catch (err) {
    if (clientGone.aborted) return;
    onError(err);
    yield sseErrorEvent(err);
  }
}

