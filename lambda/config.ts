/** Gateway configuration, read from the environment once at start-up. */
export interface GatewayConfig {
  /** Prefix of the OpenAI routes (API_ROUTE_PREFIX). */
  readonly routePrefix: string;
  /** Port of the long-running server (PORT). */
  readonly port: number;
  /** Model used for `gpt-*` names and when a request names none (DEFAULT_MODEL). */
  readonly defaultModel: string;
  /** Model used for `text-embedding-*` names (DEFAULT_EMBEDDING_MODEL). */
  readonly defaultEmbeddingModel: string;
}

/** A configuration problem; the message names the variable. */
export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const routePrefix = env.API_ROUTE_PREFIX ?? '/api/v1';
  if (!/^\/[A-Za-z0-9_\-/]*[A-Za-z0-9_-]$/.test(routePrefix)) {
    throw new ConfigError(`API_ROUTE_PREFIX: must start with "/" and not end with "/"; received "${routePrefix}"`);
  }
  const port = Number(env.PORT ?? '8080');
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`PORT: must be an integer from 1 to 65535; received "${env.PORT}"`);
  }
  return {
    routePrefix,
    port,
    defaultModel: nonEmpty(env, 'DEFAULT_MODEL', 'anthropic.claude-3-sonnet-20240229-v1:0'),
    defaultEmbeddingModel: nonEmpty(env, 'DEFAULT_EMBEDDING_MODEL', 'cohere.embed-multilingual-v3'),
  };
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] ?? fallback;
  if (value.trim() === '') {
    throw new ConfigError(`${name}: must not be empty; unset it to use "${fallback}"`);
  }
  return value;
}
