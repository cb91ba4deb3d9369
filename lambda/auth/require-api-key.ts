import { FastifyReply, FastifyRequest } from 'fastify';
import { OpenAIError } from '../errors';
import { ApiKeyVerifier } from './api-key-verifier';

const BEARER = /^Bearer\s+(\S.*)$/i;

/** An onRequest hook that lets a request through only with `Authorization: Bearer <a gateway key>`, and records its caller. */
export function requireApiKey(verifier: ApiKeyVerifier) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const presented = typeof header === 'string' ? BEARER.exec(header)?.[1]?.trim() : undefined;
    if (!presented) {
      throw new OpenAIError(401,
        'You didn\'t provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).',
        { code: 'invalid_api_key' });
    }
    const caller = await verifier.verify(presented);
    if (!caller) throw new OpenAIError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
    request.caller = caller;
  };
}
