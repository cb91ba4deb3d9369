import Fastify, { FastifyInstance } from 'fastify';
import { GatewayConfig } from './config';
import { healthRoutes } from './routes/health';

/** Builds the gateway app without listening; entry points (Lambda, server) and tests wrap it. */
export function build(config: GatewayConfig): FastifyInstance {
  const app = Fastify({
    logger: { level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization'] },
  });
  app.register(healthRoutes);
  app.register(async (api) => {
    // OpenAI routes live here, under the configured prefix.
    void api;
  }, { prefix: config.routePrefix });
  return app;
}
