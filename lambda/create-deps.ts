import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BedrockModelCatalog } from './bedrock/bedrock-model-catalog';
import { GatewayConfig } from './config';
import { GatewayDeps } from './deps';
import { createApiKeyVerifier } from './keys/create-api-key-verifier';

/** Keep-alive connections per Bedrock endpoint; enough for one Lambda or a busy container. */
const MAX_SOCKETS = 256;

/** Settings applied to an AWS SDK client on top of the defaults (tests point clients at emulators with these). */
export interface ClientSettings {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  readonly maxAttempts?: number;
}

/** What to change from the production defaults. */
export interface DepsOptions {
  /** For the bedrock-runtime and bedrock (control plane) clients. */
  readonly bedrock?: ClientSettings;
  /** For the Secrets Manager or SSM client that fetches the API key or the keys document. */
  readonly keyStore?: ClientSettings;
}

/**
 * The production dependencies: AWS SDK clients in AWS_REGION (endpoints from AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
 * AWS_ENDPOINT_URL_BEDROCK, AWS_ENDPOINT_URL … are honoured by the SDK itself), the model catalog and the key verifier.
 */
export function createDeps(config: GatewayConfig, options: DepsOptions = {}): GatewayDeps {
  const base = { ...(config.region ? { region: config.region } : {}) };
  const runtime = new BedrockRuntimeClient({
    ...base,
    ...options.bedrock,
    // HTTP/1.1 keep-alive rather than the SDK's default HTTP/2 for this client: faster in the benchmark, and an
    // aborted call (client gone) closes its connection, which stops the Bedrock stream; the HTTP/2 handler only
    // stops reading and leaves the stream running.
    requestHandler: new NodeHttpHandler({
      requestTimeout: config.bedrockTimeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: { maxSockets: MAX_SOCKETS },
      httpsAgent: { maxSockets: MAX_SOCKETS },
    }),
  });
  const control = new BedrockClient({ ...base, ...options.bedrock });
  return {
    runtime,
    catalog: new BedrockModelCatalog(control, config.modelsCacheTtlMs),
    apiKeys: createApiKeyVerifier(config, { ...base, ...options.keyStore }),
  };
}
