import { FastifyInstance } from 'fastify';
import { RouteOptions } from './route-options';

/** `POST /chat/completions` (registered under the route prefix, behind auth). */
export async function chatRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  void app;
  void opts;
}
