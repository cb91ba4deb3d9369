import { FastifyInstance } from 'fastify';

/** `GET /health`: unauthenticated liveness for load balancer health checks. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', async () => ({ status: 'ok' }));
}
