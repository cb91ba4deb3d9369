import { createHash } from 'node:crypto';
import { OpenAIError } from '../errors';

/** SHA-256 of a key: equal-length values that `timingSafeEqual` compares in constant time whatever the key's length. */
export const keyDigest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The 500 for a key store the gateway cannot read; the cause (e.g. a missing secret) is for the operator's logs only. */
export function apiKeyUnavailable(cause: unknown): OpenAIError {
  return new OpenAIError(500, 'The gateway could not load its API key. Contact the gateway administrator.', { code: 'api_key_unavailable', cause });
}
