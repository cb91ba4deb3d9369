import { ApiKeySource } from './api-key-source';

/**
 * Limits of one key, held across every Lambda instance or Fargate task (counters in the limits
 * table). Beyond a limit the gateway answers 429: `rate_limit_exceeded` for the per-minute and
 * concurrency limits, `insufficient_quota` for the monthly budget. Token counts come from Bedrock's
 * usage after each answer, so a request may overshoot a token limit by its own size.
 */
export interface KeyLimits {
  /**
   * Requests the key may start per minute.
   * @default - no request rate limit
   */
  readonly requestsPerMinute?: number;

  /**
   * Input plus output tokens the key may use per minute.
   * @default - no token rate limit
   */
  readonly tokensPerMinute?: number;

  /**
   * Input plus output tokens the key may use per calendar month (UTC).
   * @default - no monthly budget
   */
  readonly tokensPerMonth?: number;

  /**
   * Requests of the key that may run at the same time.
   * @default - no concurrency limit
   */
  readonly maxConcurrentRequests?: number;
}

/** One named API key of the gateway, e.g. one per team. */
export interface GatewayKey {
  /**
   * The key's name: it appears in metrics, in the dashboard and on the key's inference profiles,
   * never in answers to clients. 1 to 64 letters, digits, "-" or "_", starting with a letter or digit;
   * unique among the keys.
   */
  readonly name: string;

  /**
   * Where the key's value lives.
   * @default ApiKeySource.generate(): a new secret holding a random key (see `BedrockAccessGateway.keySecret(name)`)
   */
  readonly value?: ApiKeySource;

  /**
   * Bedrock model ids (or inference profile ids) the key may use; requests for other models get 403.
   * The names clients send (`gpt-*`, aliases) are mapped to model ids first.
   * @default - every model the gateway may invoke
   */
  readonly models?: string[];

  /**
   * The key's limits.
   * @default - no limits
   */
  readonly limits?: KeyLimits;

  /**
   * Refuses the key (401) while keeping its secret, e.g. to suspend a team.
   * @default false
   */
  readonly disabled?: boolean;
}
