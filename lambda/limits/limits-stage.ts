import { FastifyInstance } from 'fastify';
import { Admission, Limiter } from './limiter';

declare module 'fastify' {
  interface FastifyRequest {
    /** The limits' verdict on a request of a key with limits; null for keys without. */
    admission: Admission | null;
    /** Share of the key's monthly token budget used, in percent, once the request is settled; null without a budget. */
    tokenBudgetUsedPercent: number | null;
  }
}

/**
 * The limits stage every route shares (register it in the authenticated scope, after the auth hook): before a
 * request of a key with limits, admit it or answer 429; on every answer for such a key, OpenAI's `x-ratelimit-*`
 * headers; once the answer has been sent (a stream ended, aborted or not), count the tokens Bedrock reported.
 */
export function registerLimits(api: FastifyInstance, limiter: Limiter): void {
  api.decorateRequest('admission', null);
  api.decorateRequest('tokenBudgetUsedPercent', null);
  api.addHook('onRequest', async (request, reply) => {
    const limits = request.caller.limits;
    if (!limits) return;
    const admission = await limiter.admit(request.caller.name, limits, request.upstreamSignal);
    void reply.headers(admission.headers);
    request.admission = admission;
    if (admission.refusal) throw admission.refusal;
  });
  api.addHook('onResponse', async (request) => {
    const admission = request.admission;
    if (!admission || admission.refusal) return;
    const usage = request.usage;
    const tokens = usage ? usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens : 0;
    request.tokenBudgetUsedPercent = admission.settle(tokens) ?? null;
  });
}
