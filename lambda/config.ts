import { readFileSync } from 'node:fs';
import { KeysDocument, parseKeysDocument } from './keys/keys-document';
import { GatewayDefaults } from '../src/gateway-defaults';
import {
  parseBodyBytesInFlight, parseBoolean, parseInteger, parseLogLevel, parseModelAliases, parseRoutePrefix, ProxySettingError,
} from '../src/proxy-settings';

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

/** Where the Responses API keeps responses made with `store: true`. */
export type ResponsesStoreConfig =
  /** RESPONSES_TABLE_NAME: a DynamoDB table shared by every instance. */
  | { readonly kind: 'dynamodb'; readonly tableName: string }
  /** Neither variable: a bounded in-memory store (a single local server). */
  | { readonly kind: 'memory' }
  /** RESPONSES_STORE=none: nothing is kept. */
  | { readonly kind: 'none' };

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
  /** Bytes of request bodies held at once (MAX_BODY_BYTES_IN_FLIGHT); undefined: `defaultBodyBytesInFlight`. */
  readonly bodyBytesInFlight?: number;
  /** Longest wait for Bedrock to start answering (a stream's first bytes, a whole Converse reply) before the client gets 504 (BEDROCK_TIMEOUT_SECONDS). */
  readonly bedrockTimeoutMs: number;
  /**
   * How long a caller behind the load balancer waits (REQUEST_TIMEOUT_SECONDS, its idle timeout): on the long-running
   * server until the answer starts, from a Lambda function for the whole answer (the load balancer buffers it). A
   * request's upstream calls end before.
   */
  readonly requestTimeoutMs: number;
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
  /** Where stored responses go (RESPONSES_TABLE_NAME, RESPONSES_STORE=none). */
  readonly responsesStore: ResponsesStoreConfig;
  /** How long a stored response is kept (RESPONSES_TTL_DAYS). */
  readonly responsesTtlSeconds: number;
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

/**
 * Reads the configuration from `env`. The rules for single settings live in `src/proxy-settings.ts`, which the
 * construct also applies at synth; a setting they refuse becomes a ConfigError here.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  try {
    return readConfig(env);
  } catch (err) {
    throw err instanceof ProxySettingError ? new ConfigError(err.message) : err;
  }
}

function readConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  return {
    routePrefix: parseRoutePrefix(env.API_ROUTE_PREFIX),
    port: parseInteger('PORT', env.PORT),
    host: nonEmpty(env, 'HOST', '0.0.0.0'),
    defaultModel: nonEmpty(env, 'DEFAULT_MODEL', GatewayDefaults.CHAT_MODEL),
    defaultEmbeddingModel: nonEmpty(env, 'DEFAULT_EMBEDDING_MODEL', GatewayDefaults.EMBEDDING_MODEL),
    region,
    apiKeySource: apiKeySource(env),
    apiKeyCacheTtlMs: parseInteger('API_KEY_CACHE_TTL_SECONDS', env.API_KEY_CACHE_TTL_SECONDS) * 1000,
    modelsCacheTtlMs: parseInteger('MODELS_CACHE_TTL_SECONDS', env.MODELS_CACHE_TTL_SECONDS) * 1000,
    modelAliases: parseModelAliases(env.MODEL_ALIASES),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    bodyLimitBytes: parseInteger('MAX_REQUEST_BODY_BYTES', env.MAX_REQUEST_BODY_BYTES),
    bodyBytesInFlight: parseBodyBytesInFlight(env.MAX_BODY_BYTES_IN_FLIGHT, env.MAX_REQUEST_BODY_BYTES),
    bedrockTimeoutMs: parseInteger('BEDROCK_TIMEOUT_SECONDS', env.BEDROCK_TIMEOUT_SECONDS) * 1000,
    requestTimeoutMs: parseInteger('REQUEST_TIMEOUT_SECONDS', env.REQUEST_TIMEOUT_SECONDS) * 1000,
    // Models send events every few seconds while they think or write; minutes of silence mean a stalled stream.
    streamIdleTimeoutMs: parseInteger('STREAM_IDLE_TIMEOUT_SECONDS', env.STREAM_IDLE_TIMEOUT_SECONDS) * 1000,
    defaultMaxTokens: parseInteger('DEFAULT_MAX_TOKENS', env.DEFAULT_MAX_TOKENS),
    enablePromptCaching: parseBoolean('ENABLE_PROMPT_CACHING', env.ENABLE_PROMPT_CACHING),
    responsesStore: responsesStore(env),
    responsesTtlSeconds: parseInteger('RESPONSES_TTL_DAYS', env.RESPONSES_TTL_DAYS) * 86_400,
    shutdownTimeoutMs: parseInteger('SHUTDOWN_TIMEOUT_SECONDS', env.SHUTDOWN_TIMEOUT_SECONDS) * 1000,
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

function responsesStore(env: NodeJS.ProcessEnv): ResponsesStoreConfig {
  const store = env.RESPONSES_STORE ?? '';
  if (store !== '' && store !== 'none') throw new ConfigError(`RESPONSES_STORE: must be "none" or unset; received "${store}"`);
  if (store === 'none') return { kind: 'none' };
  return env.RESPONSES_TABLE_NAME ? { kind: 'dynamodb', tableName: env.RESPONSES_TABLE_NAME } : { kind: 'memory' };
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] ?? fallback;
  if (value.trim() === '') {
    throw new ConfigError(`${name}: must not be empty; unset it to use "${fallback}"`);
  }
  return value;
}
