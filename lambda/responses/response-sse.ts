import { ResponseEvent, ResponseEventMapper } from './response-events';
import { ResponseObject } from './response-object';
import { SseEncoder } from '../chat/sse';

/** One Responses stream event as SSE: its type as the `event:` line and the event itself as `data:`. */
export function sseEvent(event: ResponseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The Responses stream encoder: each Bedrock event's output events; at the end the final response is kept (`keep`,
 * the store) before exactly one terminal event is sent, so a client that saw `response.completed` can retrieve it.
 * A failure, the store's included, ends the stream with `response.failed`. No `[DONE]`: the terminal event ends it.
 */
export function responseEncoder(mapper: ResponseEventMapper, keep: (response: ResponseObject) => Promise<void>): SseEncoder {
  return {
    encode: (event) => mapper.map(event).map(sseEvent),
    end: async () => {
      const { events, response } = mapper.finish();
      await keep(response);
      return [...events, mapper.terminal(response)].map(sseEvent);
    },
    fail: (err) => [sseEvent(mapper.failed(err))],
  };
}
