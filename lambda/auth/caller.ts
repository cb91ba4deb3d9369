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
  /** The key's limits; undefined: none. */
  readonly limits?: KeyLimits;
  /** Bedrock model id → application inference profile ARN that this key's requests for that model go through. */
  readonly inferenceProfiles?: Readonly<Record<string, string>>;
}

/** What one key may spend; each limit is optional. */
export interface KeyLimits {
  /** Requests per UTC minute. */
  readonly requestsPerMinute?: number;
  /** Tokens per UTC minute: input, output and cache reads and writes, as Bedrock reports them. */
  readonly tokensPerMinute?: number;
  /** Tokens per UTC calendar month, counted as for `tokensPerMinute`. */
  readonly tokensPerMonth?: number;
  /** Requests in flight at once. */
  readonly maxConcurrentRequests?: number;
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
