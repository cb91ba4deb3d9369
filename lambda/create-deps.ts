import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BedrockModelCatalog } from './bedrock/bedrock-model-catalog';
import { sendBodyAsBytes } from './bedrock/body-as-bytes';
import { withoutSdkLogger } from './bedrock/without-sdk-logger';
import { GatewayConfig } from './config';
import { GatewayDeps } from './deps';
import { createApiKeyVerifier } from './keys/create-api-key-verifier';
import { CounterStore } from './limits/counter-store';
import { Limiter } from './limits/limiter';
import { MemoryCounterStore } from './limits/memory-counter-store';
import { loadedOnFirstUse } from './loaded-on-first-use';
import { logWarning } from './process-log';
import { MemoryResponseStore } from './responses/memory-response-store';
import { ResponseStore } from './responses/response-store';

/**
 * Connections per Bedrock endpoint. Over HTTP/1.1 each open stream holds one for its whole length, so this is the
 * most Bedrock calls a container makes at once: beyond it, new requests wait for a stream to end.
 */
const MAX_SOCKETS = 2048;

/** Longest wait for a connection to an AWS endpoint; without one, an unreachable endpoint holds requests for minutes. */
const CONNECT_TIMEOUT_MS = 5_000;

/** Longest wait for the model list and the API key, which healthy endpoints return in milliseconds. */
const LOOKUP_TIMEOUT_MS = 10_000;

/** An HTTP/1.1 handler whose every call is bounded: connecting, then `requestTimeoutMs` without data. */
function boundedHandler(requestTimeoutMs: number, maxSockets?: number): NodeHttpHandler {
  const agent = maxSockets ? { maxSockets } : undefined;
  return new NodeHttpHandler({
    connectionTimeout: CONNECT_TIMEOUT_MS,
    requestTimeout: requestTimeoutMs,
    throwOnRequestTimeout: true,
    ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}),
  });
}

/** Settings applied to an AWS SDK client on top of the defaults (tests point clients at emulators with these). */
export interface ClientSettings {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  readonly maxAttempts?: number;
  /** The HTTP handler (its timeouts); createDeps bounds every call with one. */
  readonly requestHandler?: NodeHttpHandler;
}

/** What to change from the production defaults. */
export interface DepsOptions {
  /** For the bedrock-runtime and bedrock (control plane) clients. */
  readonly bedrock?: ClientSettings;
  /** For the Secrets Manager or SSM client that fetches the API key or the keys document. */
  readonly keyStore?: ClientSettings;
  /** For the DynamoDB client of the limit counters (LIMITS_TABLE_NAME). */
  readonly limitsStore?: ClientSettings;
  /** For the DynamoDB client of the responses table. */
  readonly responseStore?: ClientSettings;
}

/**
 * The production dependencies: AWS SDK clients in AWS_REGION (endpoints from AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
 * AWS_ENDPOINT_URL_BEDROCK, AWS_ENDPOINT_URL … are honoured by the SDK itself), the model catalog, the key verifier and
 * the limiter (counters in LIMITS_TABLE_NAME, else in this process's memory).
 */
export function createDeps(config: GatewayConfig, options: DepsOptions = {}): GatewayDeps {
  const base = { ...(config.region ? { region: config.region } : {}) };
  const runtime = new BedrockRuntimeClient({
    ...base,
    ...options.bedrock,
    // HTTP/1.1 keep-alive rather than the SDK's default HTTP/2 for this client: faster in the benchmark, and an
    // aborted call (client gone) closes its connection, which stops the Bedrock stream; the HTTP/2 handler only
    // stops reading and leaves the stream running.
    requestHandler: boundedHandler(config.bedrockTimeoutMs, MAX_SOCKETS),
  });
  sendBodyAsBytes(runtime);
  withoutSdkLogger(runtime);
  const control = new BedrockClient({ ...base, ...options.bedrock, requestHandler: boundedHandler(LOOKUP_TIMEOUT_MS) });
  return {
    runtime,
    catalog: new BedrockModelCatalog(control, config.modelsCacheTtlMs),
    apiKeys: createApiKeyVerifier(config, { ...base, ...options.keyStore, requestHandler: boundedHandler(LOOKUP_TIMEOUT_MS) }),
    limiter: new Limiter(counterStore(config, { ...base, ...options.limitsStore, requestHandler: boundedHandler(LOOKUP_TIMEOUT_MS) }),
      (err) => logWarning('limit counters unavailable; requests admitted without them', err)),
    responseStore: responseStore(config, { ...base, ...options.responseStore }),
  };
}

function counterStore(config: GatewayConfig, settings: ClientSettings): CounterStore {
  const tableName = config.limitsTableName;
  if (!tableName) return new MemoryCounterStore();
  // The DynamoDB client is loaded by the first counter update, not at init.
  return loadedOnFirstUse<CounterStore>(async () => (await import('./limits/dynamodb-counter-store')).dynamoDbCounterStore(settings, tableName));
}

function responseStore(config: GatewayConfig, settings: ClientSettings): ResponseStore | undefined {
  const store = config.responsesStore;
  switch (store.kind) {
    case 'dynamodb': return loadedOnFirstUse<ResponseStore>(async () =>
      (await import('./responses/dynamodb-response-store')).dynamoDbResponseStore(settings, store.tableName, config.responsesTtlSeconds));
    case 'memory': return new MemoryResponseStore(config.responsesTtlSeconds * 1000);
    case 'none': return undefined;
  }
}
