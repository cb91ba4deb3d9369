import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ApiKeyVerifier } from './auth/api-key-verifier';
import { ModelCatalog } from './bedrock/model-catalog';
import { RemoteImageFetcher } from './chat/image-source';
import { Limiter } from './limits/limiter';
import { ResponseStore } from './responses/response-store';

/** What the routes need from outside the process; injected so tests can point them at emulators. */
export interface GatewayDeps {
  /** Converse, ConverseStream, InvokeModel. */
  readonly runtime: BedrockRuntimeClient;
  /** Model catalog: foundation models and inference profiles. */
  readonly catalog: ModelCatalog;
  /** Checks a presented Bearer key. */
  readonly apiKeys: ApiKeyVerifier;
  /** Applies the keys' limits (counters in DynamoDB or in memory). */
  readonly limiter: Limiter;
  /** Fetches `https:` image URLs in chat messages. @default guardedImageFetcher(): public addresses only */
  readonly fetchImage?: RemoteImageFetcher;
  /** Keeps Responses-API responses made with `store: true`; undefined when the store is off (RESPONSES_STORE=none). */
  readonly responseStore?: ResponseStore;
}

