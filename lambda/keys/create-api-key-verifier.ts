import { readFile } from 'node:fs/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ApiKeyVerifier } from '../auth/api-key-verifier';
import { CachedKeyVerifier } from '../auth/cached-key-verifier';
import { KeySource, secretsManagerKey, secretString, ssmParameterKey, staticKey } from '../auth/key-source';
import type { GatewayConfig } from '../config';
import type { ClientSettings } from '../create-deps';
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
  const clients = lazyClients(settings);
  const single = (key: KeySource) => new CachedKeyVerifier(key, config.apiKeyCacheTtlMs);
  const keyValue = (value: KeyValueSource, signal: AbortSignal): Promise<string> => {
    switch (value.kind) {
      case 'inline': return Promise.resolve(value.value);
      case 'secret': return secretsManagerKey(clients.secrets(), value.secretId, value.field)(signal);
      case 'parameter': return ssmParameterKey(clients.ssm(), value.name)(signal);
    }
  };
  const fromDocument = (document: (signal: AbortSignal) => Promise<KeysDocument>) =>
    new KeysDocumentVerifier({ document, keyValue }, config.apiKeyCacheTtlMs, onRefreshError);
  const parsed = (read: (signal: AbortSignal) => Promise<string>) => async (signal: AbortSignal) => parseKeysDocument(await read(signal));
  switch (source.kind) {
    case 'env': return single(staticKey(source.value));
    case 'secret': return single(secretsManagerKey(clients.secrets(), source.secretId, source.field));
    case 'parameter': return single(ssmParameterKey(clients.ssm(), source.name));
    case 'keys-file': return fromDocument(parsed((signal) => readFile(source.path, { encoding: 'utf8', signal })));
    case 'keys-secret': return fromDocument(parsed((signal) => secretString(clients.secrets(), source.secretId, signal)));
    case 'keys-parameter': return fromDocument(parsed(ssmParameterKey(clients.ssm(), source.name)));
    case 'keys-inline': return fromDocument(async () => source.document);
  }
}

/** Secrets Manager and SSM clients, each made on first use (a document of inline keys needs neither). */
function lazyClients(settings: ClientSettings) {
  let secrets: SecretsManagerClient | undefined;
  let ssm: SSMClient | undefined;
  return {
    secrets: () => (secrets ??= new SecretsManagerClient(settings)),
    ssm: () => (ssm ??= new SSMClient(settings)),
  };
}
