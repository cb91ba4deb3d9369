import { FastifyInstance } from 'fastify';

/**
 * One structured line per request, when it completes: method, URL without the query, status and duration, with
 * fastify's request id. Never headers or bodies, so keys, prompts and completions stay out of the logs. Passing
 * load balancer health checks are logged at debug level only.
 */
export function registerAccessLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const healthCheck = request.routeOptions.url === '/health' && reply.statusCode === 200;
    request.log[healthCheck ? 'debug' : 'info']({
      method: request.method,
      url: request.url.split('?')[0],
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
    }, 'request completed');
  });
}
