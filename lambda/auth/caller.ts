import { FastifyInstance } from 'fastify';

/**
 * Who sent a request: the key that authenticated it. The auth hook sets `request.caller`; routes and the stages every
 * route shares (model access, limits, usage) read it rather than the configuration.
 */
export interface Caller {
  /** The key's name; `default` for the single key of API_KEY, API_KEY_SECRET_ARN or API_KEY_PARAM_NAME. */
  readonly name: string;
  /** Bedrock model ids this key may use; undefined: every model the gateway can reach. */
  readonly models?: readonly string[];
}

/** The caller of the single-key settings: one unnamed key that may use every model. */
export const DEFAULT_CALLER: Caller = { name: 'default' };

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated key; set by the auth hook before any OpenAI route runs. */
    caller: Caller;
  }
}

export function registerCaller(app: FastifyInstance): void {
  app.decorateRequest('caller', null as unknown as Caller);
}
