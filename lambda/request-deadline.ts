import { FastifyInstance, FastifyRequest } from 'fastify';
import { OpenAIError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Fires when the request's upstream calls must end: the client went away (`clientGone`) or the time it can wait is
     * up. Pass it to every AWS SDK call (`client.send(command, { abortSignal })`). On the deadline its reason is the
     * 504 the client gets, whatever error the ended call raises.
     */
    upstreamSignal: AbortSignal;
  }
}

/** How long a request that arrives now can wait for its answer. */
export interface TimeLeft {
  /** Milliseconds until the caller stops waiting (a Lambda function's timeout, a load balancer's idle timeout). */
  readonly ms: number;
  /**
   * Whether the bound holds to the end of a streamed answer (a Lambda function stops at its timeout, answer started or
   * not) or only until the answer starts (a load balancer's idle timeout, which every streamed event resets; silence
   * inside a stream is bounded by STREAM_IDLE_TIMEOUT_SECONDS).
   */
  readonly coversStream: boolean;
}

/** Time kept back from the deadline to send the timeout answer before the caller gives up. */
const ANSWER_MARGIN_MS = 1000;

/** Gives every request its `upstreamSignal`, bounded by the time `timeLeft` reports when the request arrives. */
export function registerRequestDeadline(app: FastifyInstance, timeLeft: () => TimeLeft): void {
  app.decorateRequest('upstreamSignal', null as unknown as AbortSignal);
  const endsWithAnswerStart = new WeakMap<FastifyRequest, () => void>();
  app.addHook('onRequest', async (request, reply) => {
    const { ms, coversStream } = timeLeft();
    const budgetMs = Math.max(0, ms - ANSWER_MARGIN_MS);
    // One controller that both the deadline and the client's going away abort (cheaper than AbortSignal.any per request).
    const upstream = new AbortController();
    const timer = setTimeout(() => upstream.abort(new OpenAIError(504,
      `The upstream call did not finish within the ${formatSeconds(budgetMs)} the request had left, and was ended. Please retry, or ask for a shorter answer.`,
      { code: 'timeout' })), budgetMs);
    const stop = () => clearTimeout(timer);
    reply.raw.once('close', stop);
    if (!coversStream) endsWithAnswerStart.set(request, stop);
    const clientGone = request.clientGone;
    clientGone.addEventListener('abort', () => upstream.abort(clientGone.reason), { once: true });
    request.upstreamSignal = upstream.signal;
  });
  // An answer being sent has started: from then on only a bound that covers streams applies.
  app.addHook('onSend', async (request) => {
    endsWithAnswerStart.get(request)?.();
  });
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
