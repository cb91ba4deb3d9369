/**
 * The rules for the proxy's settings (environment variables), in one place: the proxy applies them at
 * start-up and the construct at synth, so a value the proxy would refuse fails before a deploy.
 * Free of dependencies (the proxy bundle imports it); not part of the library's public API.
 */

/** Route prefix of the OpenAI API unless `API_ROUTE_PREFIX` says otherwise. */
export const DEFAULT_ROUTE_PREFIX = '/api/v1';

/** Log levels the proxy's logger knows. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Integer settings: allowed range and the value when unset. */
export const INTEGER_SETTINGS = {
  PORT: { min: 1, max: 65535, fallback: 8080 },
  API_KEY_CACHE_TTL_SECONDS: { min: 0, max: 86_400, fallback: 60 },
  MODELS_CACHE_TTL_SECONDS: { min: 1, max: 86_400, fallback: 600 },
  MAX_REQUEST_BODY_BYTES: { min: 1024, max: 100 * 1024 * 1024, fallback: 10 * 1024 * 1024 },
  // Unset: a thirty-second of the process's heap limit (the proxy reads it at start-up).
  MAX_BODY_BYTES_IN_FLIGHT: { min: 1024, max: 64 * 1024 * 1024 * 1024, fallback: undefined },
  BEDROCK_TIMEOUT_SECONDS: { min: 1, max: 3600, fallback: 600 },
  STREAM_IDLE_TIMEOUT_SECONDS: { min: 1, max: 3600, fallback: 120 },
  // The load balancer's idle timeout (1 to 4000 s, 600 by default), which the construct passes on.
  REQUEST_TIMEOUT_SECONDS: { min: 1, max: 4000, fallback: 600 },
  DEFAULT_MAX_TOKENS: { min: 1, max: 1_000_000, fallback: undefined },
  // ECS sends SIGKILL 30 s after SIGTERM by default (its stopTimeout, at most 120 s): finish before that.
  SHUTDOWN_TIMEOUT_SECONDS: { min: 0, max: 120, fallback: 25 },
  RESPONSES_TTL_DAYS: { min: 1, max: 3650, fallback: 30 },
} as const;

/** Names of the integer settings. */
export type IntegerSetting = keyof typeof INTEGER_SETTINGS;

/** Boolean settings (`true` or `false`, any case) and their value when unset. */
export const BOOLEAN_SETTINGS = {
  ENABLE_PROMPT_CACHING: false,
} as const;

/** Names of the boolean settings. */
export type BooleanSetting = keyof typeof BOOLEAN_SETTINGS;

/** A setting the proxy refuses; the message reads "`NAME`: problem; received X". */
export class ProxySettingError extends Error {
  constructor(public readonly setting: string, public readonly problem: string, received?: string) {
    super(`${setting}: ${problem}${received === undefined ? '' : `; received ${received}`}`);
    this.name = 'ProxySettingError';
  }
}

/** API_ROUTE_PREFIX: a path starting with "/" and not ending with "/". */
export function parseRoutePrefix(raw: string | undefined): string {
  const prefix = raw ?? DEFAULT_ROUTE_PREFIX;
  if (!/^\/[A-Za-z0-9_\-/]*[A-Za-z0-9_-]$/.test(prefix)) {
    throw new ProxySettingError('API_ROUTE_PREFIX', 'must start with "/" and not end with "/"', `"${prefix}"`);
  }
  return prefix;
}

/** LOG_LEVEL: one of {@link LOG_LEVELS}. */
export function parseLogLevel(raw: string | undefined): string {
  const level = raw ?? 'info';
  if (!LOG_LEVELS.includes(level)) {
    throw new ProxySettingError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`, `"${level}"`);
  }
  return level;
}

/** An integer setting within its range; unset or empty gives its fallback. */
export function parseInteger<N extends IntegerSetting>(name: N, raw: string | undefined): number | (typeof INTEGER_SETTINGS)[N]['fallback'] {
  const { min, max, fallback } = INTEGER_SETTINGS[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ProxySettingError(name, `must be an integer from ${min} to ${max}`, `"${raw}"`);
  }
  return value;
}

/** A boolean setting; unset or empty gives its fallback. */
export function parseBoolean(name: BooleanSetting, raw: string | undefined): boolean {
  if (raw === undefined || raw === '') return BOOLEAN_SETTINGS[name];
  const value = raw.toLowerCase();
  if (value !== 'true' && value !== 'false') throw new ProxySettingError(name, 'must be true or false', `"${raw}"`);
  return value === 'true';
}

/** MODEL_ALIASES: a JSON object of client model name → Bedrock model id; unset or blank is none. */
export function parseModelAliases(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ProxySettingError('MODEL_ALIASES',
      'must be a JSON object such as {"my-model":"anthropic.claude-3-haiku-20240307-v1:0"}', 'invalid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)
    || !Object.values(parsed).every((v) => typeof v === 'string' && v !== '')) {
    throw new ProxySettingError('MODEL_ALIASES', 'must be a JSON object mapping names to non-empty model id strings');
  }
  return parsed as Record<string, string>;
}

/** MAX_BODY_BYTES_IN_FLIGHT, which when set must hold at least one body of MAX_REQUEST_BODY_BYTES. */
export function parseBodyBytesInFlight(raw: string | undefined, rawBodyLimit: string | undefined): number | undefined {
  const inFlight = parseInteger('MAX_BODY_BYTES_IN_FLIGHT', raw);
  const bodyLimit = parseInteger('MAX_REQUEST_BODY_BYTES', rawBodyLimit);
  if (inFlight !== undefined && inFlight < bodyLimit) {
    throw new ProxySettingError('MAX_BODY_BYTES_IN_FLIGHT',
      `must be at least MAX_REQUEST_BODY_BYTES (${bodyLimit}), to hold one body of the largest accepted size`, `"${raw}"`);
  }
  return inFlight;
}

/**
 * Applies every rule above to the settings `env` holds; `isKnown` tells which values are known now
 * (the construct skips deploy-time tokens). Throws the first {@link ProxySettingError}.
 */
export function checkProxySettings(env: { readonly [name: string]: string | undefined }, isKnown: (value: string) => boolean = () => true): void {
  const known = (name: string) => {
    const value = env[name];
    return value !== undefined && isKnown(value) ? value : undefined;
  };
  parseRoutePrefix(known('API_ROUTE_PREFIX'));
  parseLogLevel(known('LOG_LEVEL'));
  parseModelAliases(known('MODEL_ALIASES'));
  for (const name of Object.keys(INTEGER_SETTINGS) as IntegerSetting[]) parseInteger(name, known(name));
  for (const name of Object.keys(BOOLEAN_SETTINGS) as BooleanSetting[]) parseBoolean(name, known(name));
  // Compared only when the body limit is known too (or unset, so its fallback applies).
  if (env.MAX_REQUEST_BODY_BYTES === undefined || known('MAX_REQUEST_BODY_BYTES') !== undefined) {
    parseBodyBytesInFlight(known('MAX_BODY_BYTES_IN_FLIGHT'), known('MAX_REQUEST_BODY_BYTES'));
  }
}
