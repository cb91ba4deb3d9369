import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorize } from './auth/authorize';
import { loadUsagePlanKeys } from './auth/usage-plan-keys';
import { loadConfig } from './config';
import { createApiKeyVerifier } from './keys/create-api-key-verifier';

// The same key settings as the proxy, read the same way: configuration errors fail the function's init naming the variable.
const config = loadConfig();
const verifier = createApiKeyVerifier(config, config.region ? { region: config.region } : {});
const planKeys = loadUsagePlanKeys();

/** Lambda entry point of the API Gateway REQUEST authorizer (identity source: the Authorization header). */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  return authorize(event, verifier, planKeys);
}
