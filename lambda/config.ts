import { readFileSync } from 'node:fs';
import { KeysDocument, parseKeysDocument } from './keys/keys-document';

/** Where the gateway's API key, or its keys document, comes from; exactly one is configured. */
export type ApiKeySourceConfig =
  /** API_KEY: the key itself, for local runs. */
  | { readonly kind: 'env'; readonly value: string }
  /** API_KEY_SECRET_ARN (+ API_KEY_SECRET_FIELD): a Secrets Manager secret, JSON field or plain string. */
  | { readonly kind: 'secret'; readonly secretId: string; readonly field: string }
  /** API_KEY_PARAM_NAME: an SSM SecureString parameter. */
  | { readonly kind: 'parameter'; readonly name: string }
  /** API_KEYS_FILE: a keys document in a local file, read again after each TTL. */
  | { readonly kind: 'keys-file'; readonly path: string }
  /** API_KEYS_SECRET_ARN: a keys document as a secret's SecretString. */
  | { readonly kind: 'keys-secret'; readonly secretId: string }
  /** API_KEYS_PARAM_NAME: a keys document as an SSM parameter's value. */
  | { readonly kind: 'keys-parameter'; readonly name: string }
  /** API_KEYS_DOCUMENT: a keys document given inline, validated at start-up. */
  | { readonly kind: 'keys-inline'; readonly document: KeysDocument };

/** Gateway configuration, read from the environment once at start-up. */
export interface GatewayConfig {
  /** Prefix of the OpenAI routes (API_ROUTE_PREFIX). */
  readonly routePrefix: string;
  /** Port of the long-running server (PORT). */
  readonly port: number;
  /** Address the long-running server listens on (HOST); 0.0.0.0 in containers, 127.0.0.1 for local-only runs. */
  readonly host: string;
  /** Model used for `gpt-*` names and when a request names none (DEFAULT_MODEL). */
  readonly defaultModel: string;
  /** Model used for `text-embedding-*` names (DEFAULT_EMBEDDING_MODEL). */
  readonly defaultEmbeddingModel: string;
  /** AWS region of Bedrock (AWS_REGION, else AWS_DEFAULT_REGION); undefined lets the SDK decide. */
  readonly region?: string;
  /** The API key source (API_KEY, API_KEY_SECRET_ARN, API_KEY_PARAM_NAME, API_KEYS_FILE, API_KEYS_SECRET_ARN, API_KEYS_PARAM_NAME, API_KEYS_DOCUMENT). */
  readonly apiKeySource: ApiKeySourceConfig;
  /** How long a fetched key is trusted before it is fetched again (API_KEY_CACHE_TTL_SECONDS). */
  readonly apiKeyCacheTtlMs: number;
  /** How long the model list is cached (MODELS_CACHE_TTL_SECONDS). */
  readonly modelsCacheTtlMs: number;
  /** Client model name → Bedrock model id, checked before any other mapping (MODEL_ALIASES, a JSON object). */
  readonly modelAliases: Readonly<Record<string, string>>;
  /** Log level (LOG_LEVEL). */
  readonly logLevel: string;
  /** Largest accepted request body (MAX_REQUEST_BODY_BYTES). */
  readonly bodyLimitBytes: number;
  /** Longest wait for Bedrock to start answering (a stream's first bytes, a whole Converse reply) before the client gets 504 (BEDROCK_TIMEOUT_SECONDS). */
  readonly bedrockTimeoutMs: number;
  /** Longest silence from Bedrock inside a started stream before the client gets an error event and the call is ended (STREAM_IDLE_TIMEOUT_SECONDS). */
  readonly streamIdleTimeoutMs: number;
  /** Max tokens for chat requests that set none (DEFAULT_MAX_TOKENS); undefined: the model's maximum. */
  readonly defaultMaxTokens?: number;
  /** Cache points on every chat request to a model that supports prompt caching, unless it sends `prompt_cache` (ENABLE_PROMPT_CACHING). */
  readonly enablePromptCaching: boolean;
  /** DynamoDB table of the keys' limit counters (LIMITS_TABLE_NAME); undefined: counters in process memory. */
  readonly limitsTableName?: string;
  /** The `Gateway` dimension of the usage metrics (GATEWAY_NAME). */
  readonly gatewayName: string;
  /** How long the server entry point waits for in-flight requests on SIGTERM before cutting them off (SHUTDOWN_TIMEOUT_SECONDS). */
  readonly shutdownTimeoutMs: number;
}

/** A configuration problem; the message names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const routePrefix = env.API_ROUTE_PREFIX ?? '/api/v1';
  if (!/^\/[A-Za-z0-9_\-/]*[A-Za-z0-9_-]$/.test(routePrefix)) {
    throw new ConfigError(`API_ROUTE_PREFIX: must start with "/" and not end with "/"; received "${routePrefix}"`);
  }
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}; received "${logLevel}"`);
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  return {
    routePrefix,
    port: integer(env, 'PORT', 8080, 1, 65535),
    host: nonEmpty(env, 'HOST', '0.0.0.0'),
    defaultModel: nonEmpty(env, 'DEFAULT_MODEL', 'global.anthropic.claude-sonnet-4-6'),
    defaultEmbeddingModel: nonEmpty(env, 'DEFAULT_EMBEDDING_MODEL', 'amazon.titan-embed-text-v2:0'),
    region,
    apiKeySource: apiKeySource(env),
    apiKeyCacheTtlMs: integer(env, 'API_KEY_CACHE_TTL_SECONDS', 60, 0, 86_400) * 1000,
    modelsCacheTtlMs: integer(env, 'MODELS_CACHE_TTL_SECONDS', 600, 1, 86_400) * 1000,
    modelAliases: modelAliases(env.MODEL_ALIASES),
    logLevel,
    bodyLimitBytes: integer(env, 'MAX_REQUEST_BODY_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    bedrockTimeoutMs: integer(env, 'BEDROCK_TIMEOUT_SECONDS', 600, 1, 3600) * 1000,
    // Models send events every few seconds while they think or write; minutes of silence mean a stalled stream.
    streamIdleTimeoutMs: integer(env, 'STREAM_IDLE_TIMEOUT_SECONDS', 120, 1, 3600) * 1000,
    defaultMaxTokens: env.DEFAULT_MAX_TOKENS ? integer(env, 'DEFAULT_MAX_TOKENS', 0, 1, 1_000_000) : undefined,
    enablePromptCaching: boolean(env, 'ENABLE_PROMPT_CACHING', false),
    // ECS sends SIGKILL 30 s after SIGTERM by default (its stopTimeout, at most 120 s): finish before that.
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_SECONDS', 25, 0, 120) * 1000,
    limitsTableName: env.LIMITS_TABLE_NAME || undefined,
    gatewayName: nonEmpty(env, 'GATEWAY_NAME', 'bedrock-access-gateway'),
  };
}

/** The variables that name a key source; exactly one is set. */
export const KEY_SOURCE_VARIABLES = [
  'API_KEY', 'API_KEY_SECRET_ARN', 'API_KEY_PARAM_NAME', 'API_KEYS_FILE', 'API_KEYS_SECRET_ARN', 'API_KEYS_PARAM_NAME', 'API_KEYS_DOCUMENT',
] as const;

function apiKeySource(env: NodeJS.ProcessEnv): ApiKeySourceConfig {
  const set = KEY_SOURCE_VARIABLES.filter((name) => (env[name] ?? '') !== '');
  if (set.length !== 1) {
    const received = set.length === 0 ? 'none is set' : `${set.join(' and ')} are set`;
    throw new ConfigError(`${KEY_SOURCE_VARIABLES.join(', ')}: set exactly one key source; ${received}`);
  }
  const value = env[set[0]]!;
  switch (set[0]) {
    case 'API_KEY': return { kind: 'env', value };
    case 'API_KEY_SECRET_ARN': return { kind: 'secret', secretId: value, field: nonEmpty(env, 'API_KEY_SECRET_FIELD', 'api_key') };
    case 'API_KEY_PARAM_NAME': return { kind: 'parameter', name: value };
    case 'API_KEYS_SECRET_ARN': return { kind: 'keys-secret', secretId: value };
    case 'API_KEYS_PARAM_NAME': return { kind: 'keys-parameter', name: value };
    case 'API_KEYS_DOCUMENT': return { kind: 'keys-inline', document: keysDocument('API_KEYS_DOCUMENT', () => value) };
    case 'API_KEYS_FILE':
      // Read once here so a bad file stops start-up; the verifier reads it again after each TTL.
      keysDocument('API_KEYS_FILE', () => readFileSync(value, 'utf8'));
      return { kind: 'keys-file', path: value };
  }
}

function keysDocument(name: string, read: () => string): KeysDocument {
  try {
    return parseKeysDocument(read());
  } catch (err) {
    throw new ConfigError(`${name}: ${(err as Error).message}`);
  }
}

function modelAliases(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('MODEL_ALIASES: must be a JSON object such as {"my-model":"anthropic.claude-3-haiku-20240307-v1:0"}; received invalid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)
    || !Object.values(parsed).every((v) => typeof v === 'string' && v !== '')) {
    throw new ConfigError('MODEL_ALIASES: must be a JSON object mapping names to non-empty model id strings');
  }
  return parsed as Record<string, string>;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}: must be an integer from ${min} to ${max}; received "${raw}"`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.toLowerCase();
  if (value !== 'true' && value !== 'false') throw new ConfigError(`${name}: must be true or false; received "${raw}"`);
  return value === 'true';
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] ?? fallback;
  if (value.trim() === '') {
    throw new ConfigError(`${name}: must not be empty; unset it to use "${fallback}"`);
  }
  return value;
}
