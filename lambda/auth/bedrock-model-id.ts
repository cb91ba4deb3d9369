import { FastifyRequest } from 'fastify';

/**
 * The id to send Bedrock for a model a request may use: the caller's application inference profile for that model
 * when its key has one (so Bedrock's costs show per key), the model id itself otherwise. Every route calls it when
 * building its Bedrock request; metrics and limits keep the model id.
 */
export function bedrockModelId(request: FastifyRequest, modelId: string): string {
  const profiles = request.caller.inferenceProfiles;
  return profiles !== undefined && Object.hasOwn(profiles, modelId) ? profiles[modelId] : modelId;
}
