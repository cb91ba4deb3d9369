import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

/** Fetches the current API key from wherever it is kept; the fetch ends when `abortSignal` fires. */
export type KeySource = (abortSignal?: AbortSignal) => Promise<string>;

/** The key given directly (API_KEY), for local runs. */
export function staticKey(value: string): KeySource {
  return async () => value;
}

/**
 * A Secrets Manager secret: a JSON object with the key in `field` (the construct's generated secret), or the
 * key as the whole plain-string secret.
 */
export function secretsManagerKey(client: SecretsManagerClient, secretId: string, field: string): KeySource {
  return async (abortSignal) => {
    const raw = await secretString(client, secretId, abortSignal);
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

/** A secret's SecretString; an error when it has none or it is blank. */
export async function secretString(client: SecretsManagerClient, secretId: string, abortSignal?: AbortSignal): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal });
  const raw = out.SecretString;
  if (raw === undefined || raw.trim() === '') throw new Error(`secret ${secretId} has no string value`);
  return raw;
}

/** An SSM SecureString (or String) parameter, decrypted. */
export function ssmParameterKey(client: SSMClient, name: string): KeySource {
  return async (abortSignal) => {
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }), { abortSignal });
    const value = out.Parameter?.Value;
    if (value === undefined || value.trim() === '') throw new Error(`parameter ${name} has no value`);
    return value.trim();
  };
}
