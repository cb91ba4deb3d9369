import { readFile } from 'node:fs/promises';
import { ApiKeyVerifier } from '../auth/api-key-verifier';
import { CachedKeyVerifier } from '../auth/cached-key-verifier';
import { KeySource, ParameterStore, SecretStore, secretsManagerKey, staticKey } from '../auth/key-source';
import type { GatewayConfig } from '../config';
import type { ClientSettings } from '../create-deps';
import { loadedOnFirstUse } from '../loaded-on-first-use';
import { logWarning } from '../process-log';
import { KeysDocument, KeyValueSource, parseKeysDocument } from './keys-document';
import { KeysDocumentVerifier } from './keys-document-verifier';

/**
 * The key verifier for the configured key source: the single key of API_KEY, API_KEY_SECRET_ARN or
 * API_KEY_PARAM_NAME, or the keys document of API_KEYS_FILE, API_KEYS_SECRET_ARN, API_KEYS_PARAM_NAME or
 * API_KEYS_DOCUMENT. Every entry point (the app, an API Gateway authorizer) builds its verifier here.
 */
export function createApiKeyVerifier(
  config: Pick<GatewayConfig, 'apiKeySource' | 'apiKeyCacheTtlMs'>,
  settings: ClientSettings = {},
  onRefreshError: (err: unknown) => void = (err) => logWarning('keys document not refreshed; serving the last good keys', err),
): ApiKeyVerifier {
  const source = config.apiKeySource;
  // Each AWS SDK client loads when a source first needs it (never for API_KEY or a document of inline keys).
  const secrets = loadedOnFirstUse<SecretStore>(async () => (await import('./secrets-manager-store')).secretsManagerStore(settings));
  const parameters = loadedOnFirstUse<ParameterStore>(async () => (await import('./ssm-parameter-store')).ssmParameterStore(settings));
  const single = (key: KeySource) => new CachedKeyVerifier(key, config.apiKeyCacheTtlMs);
  const keyValue = (value: KeyValueSource, signal: AbortSignal): Promise<string> => {
    switch (value.kind) {
      case 'inline': return Promise.resolve(value.value);
      case 'secret': return secretsManagerKey(secrets, value.secretId, value.field)(signal);
      case 'parameter': return parameters.parameterValue(value.name, signal);
    }
  };
  const fromDocument = (document: (signal: AbortSignal) => Promise<KeysDocument>) =>
    new KeysDocumentVerifier({ document, keyValue }, config.apiKeyCacheTtlMs, onRefreshError);
  const parsed = (read: (signal: AbortSignal) => Promise<string>) => async (signal: AbortSignal) => parseKeysDocument(await read(signal));
  switch (source.kind) {
    case 'env': return single(staticKey(source.value));
    case 'secret': return single(secretsManagerKey(secrets, source.secretId, source.field));
    case 'parameter': return single((signal) => parameters.parameterValue(source.name, signal));
    case 'keys-file': return fromDocument(parsed((signal) => readFile(source.path, { encoding: 'utf8', signal })));
    case 'keys-secret': return fromDocument(parsed((signal) => secrets.secretString(source.secretId, signal)));
    case 'keys-parameter': return fromDocument(parsed((signal) => parameters.parameterValue(source.name, signal)));
    case 'keys-inline': return fromDocument(async () => source.document);
  }
}
