import { ConfigError } from '../config';

/**
 * Which API Gateway usage plan a gateway key's requests count against, as the API Gateway API key value that the
 * authorizer returns as `usageIdentifierKey`. The construct creates one API Gateway API key per usage plan and writes
 * gateway key name → that API key's value into USAGE_PLAN_KEYS (a JSON object), plus the default plan's value into
 * DEFAULT_USAGE_PLAN_KEY for every other key. The values are not secrets: the API takes its API keys from the
 * authorizer only, so a client cannot present one; they select a plan, and the Bearer key stays the credential.
 */
export interface UsagePlanKeys {
  /** API Gateway API key value of the plan of each gateway key that has its own plan. */
  readonly byKeyName: Readonly<Record<string, string>>;
  /** API Gateway API key value of the plan shared by the other keys; undefined: no usage plans. */
  readonly defaultKey?: string;
}

export function loadUsagePlanKeys(env: NodeJS.ProcessEnv = process.env): UsagePlanKeys {
  const raw = env.USAGE_PLAN_KEYS;
  const defaultKey = env.DEFAULT_USAGE_PLAN_KEY || undefined;
  if (raw === undefined || raw.trim() === '') return { byKeyName: {}, defaultKey };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('USAGE_PLAN_KEYS: must be a JSON object mapping key names to API Gateway API key values; received invalid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)
    || !Object.values(parsed).every((v) => typeof v === 'string' && v !== '')) {
    throw new ConfigError('USAGE_PLAN_KEYS: must be a JSON object mapping key names to non-empty API Gateway API key values');
  }
  return { byKeyName: parsed as Record<string, string>, defaultKey };
}

/** The `usageIdentifierKey` for a gateway key's requests; undefined when the API has no usage plans. */
export function usageIdentifierKey(keys: UsagePlanKeys, keyName: string): string | undefined {
  return Object.hasOwn(keys.byKeyName, keyName) ? keys.byKeyName[keyName] : keys.defaultKey;
}
