import { FastifyInstance } from 'fastify';
import { GatewayConfig } from '../config';
import { GatewayDeps } from '../deps';

/** Options every OpenAI route plugin receives. */
export interface RouteOptions {
  readonly config: GatewayConfig;
  readonly deps: GatewayDeps;
}

/** `POST /chat/completions` (registered under the route prefix, behind auth). */
export async function chatRoutes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  void app;
  void opts;
}
