import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

/**
 * Has the client send its serialized JSON body as bytes made once, before signing. Left a string, the body goes out
 * in more copies: the signer hashes a UTF-8 copy of it, and Node's HTTP client joins it to the headers and encodes
 * the result again to write it.
 */
export function sendBodyAsBytes(client: BedrockRuntimeClient): void {
  client.middlewareStack.add((next) => async (args) => {
    const request = args.request as { body?: unknown };
    if (typeof request.body === 'string') request.body = Buffer.from(request.body, 'utf8');
    return next(args);
  }, { step: 'build', name: 'sendBodyAsBytes' });
}
