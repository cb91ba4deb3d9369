import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SSMClientConfig } from '@aws-sdk/client-ssm';

/** Fetches the current API key from wherever it is kept. */
export type KeySource = () => Promise<string>;

/** The key given directly (API_KEY), for local runs. */
export function staticKey(value: string): KeySource {
  return async () => value;
}

/**
 * A Secrets Manager secret: a JSON object with the key in `field` (the construct's generated secret), or the
 * key as the whole plain-string secret. The client is loaded on first use, so other key sources do not pay for it
 * at cold start.
 */
export function secretsManagerKey(clientConfig: SecretsManagerClientConfig, secretId: string, field: string): KeySource {
  const client = import('@aws-sdk/client-secrets-manager').then((sdk) => ({ sdk, client: new sdk.SecretsManagerClient(clientConfig) }));
  return async () => {
    const { sdk, client: secrets } = await client;
    const out = await secrets.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
    const raw = out.SecretString;
    if (raw === undefined || raw.trim() === '') throw new Error(`secret ${secretId} has no string value`);
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

/** An SSM SecureString (or String) parameter, decrypted. The client is loaded on first use. */
export function ssmParameterKey(clientConfig: SSMClientConfig, name: string): KeySource {
  const client = import('@aws-sdk/client-ssm').then((sdk) => ({ sdk, client: new sdk.SSMClient(clientConfig) }));
  return async () => {
    const { sdk, client: ssm } = await client;
    const out = await ssm.send(new sdk.GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (value === undefined || value.trim() === '') throw new Error(`parameter ${name} has no value`);
    return value.trim();
  };
}
