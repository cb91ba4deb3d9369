import { FastifyReply, FastifyRequest } from 'fastify';
import { OpenAIError } from '../errors';
import { ApiKeyVerifier } from './api-key-verifier';
import { bearerKey } from './bearer-key';

/** An onRequest hook that lets a request through only with `Authorization: Bearer <a gateway key>`, and records its caller. */
export function requireApiKey(verifier: ApiKeyVerifier) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const presented = bearerKey(request.headers.authorization);
    if (!presented) {
      throw new OpenAIError(401,
        'You didn\'t provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).',
        { code: 'invalid_api_key' });
    }
    const caller = await verifier.verify(presented, request.upstreamSignal);
    if (!caller) throw new OpenAIError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
    request.caller = caller;
  };
}
