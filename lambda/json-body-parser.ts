import { Readable } from 'node:stream';
import { errorCodes, FastifyInstance, FastifyRequest } from 'fastify';
import { UNKNOWN_LENGTH_FIRST_BYTES } from './body-bytes-budget';
import { OpenAIError } from './errors';
import { checkJsonShape } from './request-limits';

/**
 * Replaces fastify's `application/json` parser with one that reads the body into a single buffer and checks the
 * text's nesting depth and array lengths (`checkJsonShape`) before it is turned into objects. Parsing itself stays
 * fastify's, with its protection against `__proto__` and `constructor.prototype` keys.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (request, payload, done) => {
    readText(request, payload).then((text) => {
      try {
        checkJsonShape(text);
      } catch (err) {
        done(err as Error, undefined);
        return;
      }
      void parse(request, text, done);
    }, (err: Error) => done(err, undefined));
  });
}

/**
 * The body as text, with fastify's own limits and errors (413 over the route's body limit, 400 when it does not match
 * its Content-Length), and a 408 when it has not all arrived by the time the request's `upstreamSignal` fires: a body
 * sent slowly holds its share of the process's body budget only as long as its caller waits. Each chunk is copied
 * into one buffer of the announced length as it arrives (a chunked body's: 64 KiB, then the body limit): fastify's
 * reader keeps every chunk to the end and then concatenates them, so a large body was held twice before it became text.
 */
function readText(request: FastifyRequest, payload: Readable): Promise<string> {
  const limit = request.routeOptions.bodyLimit;
  const declared = Number(request.headers['content-length']);
  if (declared > limit) return Promise.reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  return new Promise((resolve, reject) => {
    let body: Buffer = Buffer.allocUnsafe(Number.isNaN(declared) ? UNKNOWN_LENGTH_FIRST_BYTES : declared);
    let received = 0;
    const signal = request.upstreamSignal;
    // A chunked body reads on past its share of the body budget only once it holds the whole body limit.
    const share = request.unknownLengthBody;
    let heldBytes = share?.heldBytes ?? Infinity;
    let waitingForBudget = false;
    const stop = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      signal.removeEventListener('abort', onTimeUp);
    };
    const onTimeUp = () => {
      if (waitingForBudget) return; // the budget's 503 answers
      stop();
      reject(new OpenAIError(408, 'The request body did not arrive in the time the request had. Please retry.', { code: 'request_timeout' }));
    };
    const onData = (chunk: Buffer) => {
      if (received + chunk.length > limit) {
        stop();
        return reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      }
      if (received + chunk.length > heldBytes) {
        payload.pause();
        waitingForBudget = true;
        share!.growToLimit().then(() => {
          waitingForBudget = false;
          heldBytes = Infinity;
          onData(chunk);
          payload.resume();
        }, (err: Error) => {
          stop();
          reject(err);
        });
        return;
      }
      // Past its first buffer a chunked body gets one of the body limit, the share it now holds: pages it never
      // fills are never touched, so cost no memory, where doubling left every smaller buffer behind as garbage.
      if (received + chunk.length > body.length) body = grown(body, received, limit);
      received += chunk.copy(body, received);
    };
    const onEnd = () => {
      stop();
      if (!Number.isNaN(declared) && received !== declared) return reject(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      resolve(body.toString('utf8', 0, received));
    };
    const onError = (err: Error & { statusCode?: number }) => {
      stop();
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      reject(err);
    };
    if (signal.aborted) return onTimeUp();
    signal.addEventListener('abort', onTimeUp, { once: true });
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}

/** A buffer of `size` bytes holding the first `used` bytes of `buffer`. */
function grown(buffer: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafe(size);
  buffer.copy(bigger, 0, 0, used);
  return bigger;
}
