import { OpenAIError } from '../errors';

/**
 * Bedrock's answer to a model id it does not know is a ValidationException; OpenAI's is a 404
 * `model_not_found`, which clients handle specially. Other errors pass unchanged.
 */
export function asModelNotFound(err: unknown, modelId: string): unknown {
  const e = err as { name?: string; message?: string } | undefined;
  const unknownId = e?.name === 'ValidationException' && /model identifier is invalid/i.test(e.message ?? '');
  return unknownId ? OpenAIError.modelNotFound(modelId) : err;
}
