import { getHeapStatistics } from 'node:v8';
import { FastifyInstance } from 'fastify';
import { OpenAIError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * For a body sent without Content-Length (chunked), set before it is read: the bytes of the budget it holds, and
     * how the body parser, once the body outgrows them, waits for the rest of the body limit. Null for other requests.
     */
    unknownLengthBody: UnknownLengthBody | null;
  }
}

/** A chunked body's share of the budget: small at first, the whole body limit once the body outgrows it. */
export interface UnknownLengthBody {
  readonly heldBytes: number;
  /** Resolves once the request holds the body limit; rejects with the 503 when its time is up first. */
  growToLimit(): Promise<void>;
}

/** Bodies up to this size, and a sixteenth of the budget, never wait for it (they still count against it). */
const SMALL_BODY_BYTES = 256 * 1024;

/**
 * What a chunked body takes first (if no more than the small share): it reads that much before it may wait, unread from
 * there on, so many of them waiting at once hold little (the parser's first buffer is this size too).
 */
export const UNKNOWN_LENGTH_FIRST_BYTES = 64 * 1024;

/** One request waiting for its share of the budget. */
interface Waiter {
  readonly bytes: number;
  readonly grant: () => void;
}

/**
 * Bytes of request bodies the process holds at once. A request's body, the text and objects parsed from it and the
 * Bedrock request made of them each cost about its size, so without a bound a few dozen large bodies arriving together
 * take more memory than a task has. A request takes its share before its body is read and gives it back when its
 * answer ends; a request that does not fit waits, unread (TCP holds the rest of its body back), in arrival order, until
 * its share is free or its `signal` fires. Small bodies (ordinary chat requests) take their share without waiting, so
 * that large ones waiting, or read slowly, never hold them up.
 */
export class BodyBytesBudget {
  /** The largest share that never waits. */
  readonly smallBytes: number;
  private available: number;
  private readonly waiting: Waiter[] = [];

  constructor(readonly capacity: number) {
    this.available = capacity;
    this.smallBytes = Math.min(SMALL_BODY_BYTES, capacity / 16);
  }

  /** Resolves with the function that gives `bytes` back (at most `capacity`) once they are free; rejects with `signal`'s reason. */
  take(bytes: number, signal: AbortSignal): Promise<() => void> {
    const share = Math.min(bytes, this.capacity);
    let given = false;
    const giveBack = () => {
      if (given) return;
      given = true;
      this.available += share;
      this.grantWaiting();
    };
    if (share <= this.smallBytes || (this.waiting.length === 0 && share <= this.available)) {
      this.available -= share;
      return Promise.resolve(giveBack);
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes: share,
        grant: () => {
          signal.removeEventListener('abort', leave);
          resolve(giveBack);
        },
      };
      const leave = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal.reason);
        // The one that left may have been first in line, holding back those behind it that fit.
        this.grantWaiting();
      };
      signal.addEventListener('abort', leave, { once: true });
      this.waiting.push(waiter);
    });
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.waiting[0].bytes <= this.available) {
      const next = this.waiting.shift()!;
      this.available -= next.bytes;
      next.grant();
    }
  }
}

/**
 * The budget when MAX_BODY_BYTES_IN_FLIGHT is unset: a thirty-second of the heap V8 may grow to (about 16 MiB in the
 * default 1024 MiB deployment: with what is made of them, bodies then take at most about 85 MB, less than an idle
 * gateway's RSS), and never less than one body of the largest accepted size.
 */
export function defaultBodyBytesInFlight(bodyLimitBytes: number): number {
  return Math.max(bodyLimitBytes, Math.floor(getHeapStatistics().heap_size_limit / 32));
}

const WAITED_TOO_LONG = 'This gateway instance is reading as many large request bodies as it holds at once '
  + '(MAX_BODY_BYTES_IN_FLIGHT), and the request waited for room until its time was up. Please retry.';

/**
 * Every request with a body takes its announced length from `budget` before the body is read, bounded by its
 * `upstreamSignal`, and gives it back when its answer ends or the client goes away. A body announced over the limit is
 * refused unread by the body parser and takes nothing. A chunked body, whose length is unknown, takes a share that never
 * waits (`UNKNOWN_LENGTH_FIRST_BYTES`), and only if it outgrows that gives it back and waits for the whole body limit
 * (`request.unknownLengthBody`): no request holds a share while it waits, so the waits always end (with small shares
 * kept while waiting, bodies that all outgrew them could together hold the room each waits for).
 */
export function registerBodyBytesBudget(app: FastifyInstance, budget: BodyBytesBudget): void {
  app.decorateRequest('unknownLengthBody', null);
  app.addHook('preParsing', async (request, reply, payload) => {
    const limit = request.routeOptions.bodyLimit;
    const length = request.headers['content-length'];
    const chunked = length === undefined && request.headers['transfer-encoding'] !== undefined;
    const bytes = chunked ? Math.min(UNKNOWN_LENGTH_FIRST_BYTES, budget.smallBytes, limit) : Number(length ?? 0);
    if (bytes === 0 || bytes > limit) return payload;
    const take = async (share: number) => {
      const giveBack = await budget.take(share, request.upstreamSignal).catch((reason: unknown) => {
        // The deadline's reason speaks of an upstream call; this request never made one.
        throw reason instanceof OpenAIError ? new OpenAIError(503, WAITED_TOO_LONG, { code: 'overloaded', retryAfterSeconds: 1 }) : reason;
      });
      // The client may have gone away between the grant and this line; its 'close' has then been emitted.
      if (request.upstreamSignal.aborted) {
        giveBack();
        throw request.upstreamSignal.reason;
      }
      reply.raw.once('close', giveBack);
      return giveBack;
    };
    const giveBackSmall = await take(bytes);
    if (chunked) {
      request.unknownLengthBody = {
        heldBytes: bytes,
        growToLimit: async () => {
          giveBackSmall();
          await take(limit);
        },
      };
    }
    return payload;
  });
}
