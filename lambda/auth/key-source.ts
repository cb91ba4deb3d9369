/** Fetches the current API key from wherever it is kept; the fetch ends when `abortSignal` fires. */
export type KeySource = (abortSignal?: AbortSignal) => Promise<string>;

/** Secrets Manager, where keys and keys documents may be kept. */
export interface SecretStore {
  /** A secret's SecretString; an error when it has none or it is blank. The read ends when `abortSignal` fires. */
  secretString(secretId: string, abortSignal?: AbortSignal): Promise<string>;
}

/** SSM Parameter Store, where keys and keys documents may be kept. */
export interface ParameterStore {
  /** A SecureString (or String) parameter's value, decrypted and trimmed; an error when it is blank. The read ends when `abortSignal` fires. */
  parameterValue(name: string, abortSignal?: AbortSignal): Promise<string>;
}

/** The key given directly (API_KEY), for local runs. */
export function staticKey(value: string): KeySource {
  return async () => value;
}

/**
 * A Secrets Manager secret: a JSON object with the key in `field` (the construct's generated secret), or the
 * key as the whole plain-string secret.
 */
export function secretsManagerKey(secrets: SecretStore, secretId: string, field: string): KeySource {
  return async (abortSignal) => {
    const raw = await secrets.secretString(secretId, abortSignal);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return raw.trim();
    }
    if (typeof parsed !== 'object' || parsed === null) return raw.trim();
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value !== 'string' || value === '') throw new Error(`secret ${secretId} has no non-empty string field "${field}"`);
    return value;
  };
}
