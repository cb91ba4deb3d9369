import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '../auth/key-source';
import type { ClientSettings } from '../create-deps';

/** Secrets Manager as the store of keys and keys documents (loaded on first use by create-api-key-verifier). */
export function secretsManagerStore(settings: ClientSettings): SecretStore {
  const client = new SecretsManagerClient(settings);
  return {
    async secretString(secretId, abortSignal) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal });
      const raw = out.SecretString;
      if (raw === undefined || raw.trim() === '') throw new Error(`secret ${secretId} has no string value`);
      return raw;
    },
  };
}
