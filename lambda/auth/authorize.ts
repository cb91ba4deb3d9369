import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { ApiKeyVerifier } from './api-key-verifier';
import { bearerKey } from './bearer-key';
import { UsagePlanKeys, usageIdentifierKey } from './usage-plan-keys';

/** What a REQUEST authorizer throws for API Gateway to answer 401 (its UNAUTHORIZED gateway response). */
const UNAUTHORIZED = 'Unauthorized';

/**
 * The API Gateway REQUEST authorizer's decision on a request's `Authorization: Bearer <key>` header.
 *
 * - A known key: Allow on every method and path of the stage (API Gateway caches the policy per Authorization header
 *   for the result TTL and applies it to whatever the key calls next), the key's name as principal and as context
 *   `keyName`, and the `usageIdentifierKey` of the key's usage plan.
 * - No Bearer key, or an unknown (or disabled) one: 401, like the proxy's own answer, never a cached Deny.
 * - The key store unreachable: the verifier's error propagates, and API Gateway answers 500 (AUTHORIZER_FAILURE).
 */
export async function authorize(
  event: APIGatewayRequestAuthorizerEvent, verifier: ApiKeyVerifier, planKeys: UsagePlanKeys,
): Promise<APIGatewayAuthorizerResult> {
  const presented = bearerKey(headerValue(event, 'authorization'));
  if (!presented) throw new Error(UNAUTHORIZED);
  const caller = await verifier.verify(presented);
  if (!caller) throw new Error(UNAUTHORIZED);
  const usageKey = usageIdentifierKey(planKeys, caller.name);
  return {
    principalId: caller.name,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageArn(event.methodArn) }],
    },
    context: { keyName: caller.name },
    ...(usageKey === undefined ? {} : { usageIdentifierKey: usageKey }),
  };
}

/** A header of the request, whatever its case (REST APIs pass header names as the client sent them). */
function headerValue(event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const found = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return found === undefined ? undefined : headers[found];
}

/** `arn:…:execute-api:region:account:api/stage/METHOD/path` → `arn:…:execute-api:region:account:api/stage/*`. */
function stageArn(methodArn: string): string {
  const [api, stage] = methodArn.split('/');
  return `${api}/${stage}/*`;
}
