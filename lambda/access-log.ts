import { FastifyInstance } from 'fastify';

/**
 * One structured line per request, when it completes: method, URL without the query, status and duration, with
 * fastify's request id. Never headers or bodies, so keys, prompts and completions stay out of the logs.
 */
export function registerAccessLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method,
      url: request.url.split('?')[0],
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
    }, 'request completed');
  });
}
