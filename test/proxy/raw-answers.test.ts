import { describe, expect, test } from 'vitest';
import { TEST_API_KEY, useHarness } from './harness';
import { isOpenAIErrorBody, rawRequest, sendRaw } from '../fuzz/raw-http';

// What Node's HTTP server and fastify's router refuse before any route runs, over real sockets.
describe('answers outside the routes', () => {
  const h = useHarness({ env: { MAX_REQUEST_BODY_BYTES: '2048' } });
  const port = () => Number(new URL(h.origin).port);
  const send = (text: string | Buffer) => sendRaw(port(), Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1'), 5000);
  const auth = `Authorization: Bearer ${TEST_API_KEY}\r\n`;
  const chat = (headers: string, body = '{}') => `POST /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\n${auth}${headers}\r\n${body}`;

  test.each([
    ['a control byte in a header', chat('X-Evil: a\u0001b\r\nContent-Length: 2\r\n'), 400, 'invalid_http_request'],
    ['two different Content-Lengths', chat('Content-Length: 2\r\nContent-Length: 3\r\n'), 400, 'invalid_http_request'],
    ['a Content-Length that is not a number', chat('Content-Length: abc\r\n'), 400, 'invalid_http_request'],
    ['Content-Length with Transfer-Encoding', chat('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n'), 400, 'invalid_http_request'],
    ['a bad chunk size', chat('Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'), 400, 'invalid_http_request'],
    ['a raw space in the path', `GET /api/v1/mo dels HTTP/1.1\r\nHost: x\r\n${auth}\r\n`, 400, 'invalid_http_request'],
    ['headers over 16 KiB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'request_headers_too_large'],
    ['an invalid percent-encoding', `GET /api/v1/models/%zz HTTP/1.1\r\nHost: x\r\n${auth}\r\n`, 400, 'invalid_url'],
    ['CONNECT', 'CONNECT 169.254.169.254:80 HTTP/1.1\r\nHost: 169.254.169.254:80\r\n\r\n', 405, 'method_not_allowed'],
    ['an Expect other than 100-continue', chat('Expect: teapot\r\nContent-Length: 2\r\n'), 417, 'expectation_failed'],
    ['a route asked with the wrong method', `GET /api/v1/chat/completions HTTP/1.1\r\nHost: x\r\n${auth}\r\n`, 405, 'method_not_allowed'],
    ['an unknown path', `GET /api/v1/files HTTP/1.1\r\nHost: x\r\n${auth}\r\n`, 404, 'unknown_url'],
    ['a body that is not JSON', chat('Content-Type: application/xml\r\nContent-Length: 2\r\n'), 415, 'unsupported_media_type'],
  ])('%s: the right status in OpenAI\'s shape', async (_name, request, status, code) => {
    const answer = await send(request);
    expect(answer.reset).toBe(false);
    expect(answer.status).toBe(status);
    expect(isOpenAIErrorBody(answer.body)).toBe(true);
    expect(JSON.parse(answer.body).error.code).toBe(code);
  });

  test('a 405 names the allowed methods in Allow', async () => {
    const answer = await send(`DELETE /api/v1/models/amazon.nova-lite-v1:0 HTTP/1.1\r\nHost: x\r\n${auth}\r\n`);
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
  });

  test('a request without Host is served (the gateway never reads it)', async () => {
    const answer = await send('GET /health HTTP/1.1\r\n\r\n');
    expect(answer.status).toBe(200);
  });

  test('a body over the limit gets its 413 even when the client is still sending and asked to close', async () => {
    const body = Buffer.alloc(4_000_000, 'a');
    const request = rawRequest('POST /api/v1/chat/completions HTTP/1.1', [
      ['Host', 'x'], ['Authorization', `Bearer ${TEST_API_KEY}`], ['Content-Type', 'application/json'],
      ['Content-Length', String(body.length)], ['Connection', 'close'],
    ], body);
    const answer = await sendRaw(port(), request, 5000);
    expect(answer.reset).toBe(false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('request_too_large');
  });

  test('the server keeps serving on new connections after refusing malformed ones', async () => {
    await Promise.all(Array.from({ length: 20 }, () => send(chat('X-Evil: a\u0001b\r\n'))));
    expect((await fetch(`${h.origin}/health`)).status).toBe(200);
  });
});
