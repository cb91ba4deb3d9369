import { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import { FastifyInstance } from 'fastify';
import { OpenAIError } from './errors';

/**
 * Answers for what Node's HTTP server refuses before fastify sees a request: parser errors (control bytes in
 * headers, bad Content-Length or chunked framing, raw spaces in the path, oversized headers), CONNECT and
 * unsupported `Expect` headers. They are written on the socket in OpenAI's error shape, where Node and fastify
 * would send their own bodies or none.
 */

/** How long the rest of a refused request is read and discarded after the answer, so the close does not reset it. */
const DRAIN_MS = 2000;

/** Sockets already answered: the parser reports every later chunk of a refused connection as another error. */
const answered = new WeakSet<Socket>();

/** A complete HTTP/1.1 response carrying `error`, closing the connection. */
export function rawErrorResponse(error: OpenAIError): string {
  const body = JSON.stringify(error.toJSON());
  return `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: application/json\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function parserError(err: NodeJS.ErrnoException & { reason?: string }): OpenAIError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new OpenAIError(431, 'The request headers are too large.', { code: 'request_headers_too_large' });
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new OpenAIError(413, 'The chunk extensions of the request body are too large.', { code: 'request_too_large' });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new OpenAIError(408, 'The request did not arrive in time.', { code: 'request_timeout' });
    default: {
      // llhttp's reason is a fixed phrase ("Invalid header value char"), never request content.
      const reason = typeof err.reason === 'string' ? `: ${err.reason}` : '';
      return OpenAIError.invalidRequest(`The HTTP request is malformed${reason}.`, null, 'invalid_http_request');
    }
  }
}

/**
 * Closes the connection gently: the answer goes out, then the rest of what the client is still sending is read and
 * discarded for a while. Closing with unread input would make the kernel reset the connection, and a client still
 * writing its body would then lose the answer.
 */
function lingerClose(socket: Socket, answer = ''): void {
  socket.end(answer);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), DRAIN_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** Writes `answer` and closes the connection gently. */
function answerAndClose(socket: Socket, answer: OpenAIError): void {
  answered.add(socket);
  lingerClose(socket, rawErrorResponse(answer));
}

/** fastify's `clientErrorHandler`: an OpenAI-shaped 400, 408, 413 or 431 for what Node's HTTP parser refuses. */
export function answerClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (answered.has(socket)) return;
  // Nothing may be written when the client is gone or a response on this connection has started.
  const current = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable || current?.headersSent) {
    socket.destroy();
    return;
  }
  const answer = parserError(err);
  this.log.info({ status: answer.status, code: answer.code, reason: err.code }, 'request refused by the HTTP parser');
  answerAndClose(socket, answer);
}

/**
 * Answers CONNECT requests and `Expect` values other than 100-continue, which Node handles outside fastify, and
 * closes gently the connections of requests answered before their body was read (413s, 401s): Node would destroy
 * them as soon as the answer is written.
 */
export function registerRawAnswers(app: FastifyInstance): void {
  app.addHook('onSend', async (request) => {
    const socket = request.raw.socket;
    if (!request.raw.complete && socket instanceof Socket) {
      (socket as Socket & { destroySoon: () => void }).destroySoon = () => lingerClose(socket);
    }
  });
  app.server.on('connect', (request: IncomingMessage, socket: Socket) => {
    answerAndClose(socket, new OpenAIError(405, `Unknown request URL: CONNECT ${request.url?.split('?')[0]}. Please check the URL for typos.`,
      { code: 'method_not_allowed' }));
  });
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const error = new OpenAIError(417, `Expect: ${request.headers.expect} is not supported; send the request without it or with 100-continue.`,
      { param: 'Expect', code: 'expectation_failed' });
    const body = JSON.stringify(error.toJSON());
    response.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'connection': 'close' }).end(body);
  });
}
