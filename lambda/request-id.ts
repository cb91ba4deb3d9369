import { randomUUID } from 'node:crypto';
import { FastifyInstance } from 'fastify';

/** A request id in OpenAI's style, for requests that arrive without the ALB's trace id. */
export function newRequestId(): string {
  return `req_${randomUUID().replace(/-/g, '')}`;
}

/**
 * Returns the request id (also on every log line of the request) in `x-request-id`, as OpenAI does; the OpenAI SDKs
 * expose it as `_request_id` and on errors as `requestID`, so a user's report can be matched to the logs.
 */
export function registerRequestIdHeader(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
}
