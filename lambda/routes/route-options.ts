import { GatewayConfig } from '../config';
import { GatewayDeps } from '../deps';

/** Options every OpenAI route plugin receives. */
export interface RouteOptions {
  readonly config: GatewayConfig;
  readonly deps: GatewayDeps;
}
