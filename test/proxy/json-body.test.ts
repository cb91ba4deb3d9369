import { describe, expect, test } from 'vitest';
import { TEST_API_KEY, useHarness } from './harness';
import { isOpenAIErrorBody, rawRequest, sendRaw } from '../fuzz/raw-http';

const LIMIT = 200_000;

// The JSON body reader over real sockets: bodies with and without Content-Length, split anywhere, up to the limit.
describe('JSON request bodies', () => {
  const h = useHarness({ env: { MAX_REQUEST_BODY_BYTES: String(LIMIT) } });
  const port = () => Number(new URL(h.origin).port);
  const headers = (framing: [string, string]): Array<[string, string]> => [
    ['Host', 'x'], ['Authorization', `Bearer ${TEST_API_KEY}`], ['Content-Type', 'application/json'], ['Connection', 'close'], framing,
  ];
  const chatBody = (text: string) => Buffer.from(JSON.stringify({ model: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: text }] }));
  /** The body in chunked framing, cut into pieces of `size` bytes (cutting through multi-byte characters). */
  const chunked = (body: Buffer, size: number) => {
    const pieces: Buffer[] = [];
    for (let at = 0; at < body.length; at += size) {
      const piece = body.subarray(at, at + size);
      pieces.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    }
    return Buffer.concat([...pieces, Buffer.from('0\r\n\r\n')]);
  };
  const send = (framing: [string, string], body: Buffer) =>
    sendRaw(port(), rawRequest('POST /api/v1/chat/completions HTTP/1.1', headers(framing), body), 10_000);
  const sentText = () => (h.emulator.callsTo('Converse')[0].body as any).messages[0].content[0].text;

  test('a chunked body with multi-byte characters cut between chunks arrives intact', async () => {
    const text = 'é😀ü'.repeat(1000);
    const answer = await send(['Transfer-Encoding', 'chunked'], chunked(chatBody(text), 7));
    expect(answer.status).toBe(200);
    expect(sentText()).toBe(text);
  });

  test('a chunked body longer than the first buffer (64 KiB) arrives intact', async () => {
    const text = 'abcdefgh'.repeat(20_000);
    const answer = await send(['Transfer-Encoding', 'chunked'], chunked(chatBody(text), 50_000));
    expect(answer.status).toBe(200);
    expect(sentText()).toBe(text);
  });

  test.each([
    ['announced by Content-Length', (body: Buffer) => send(['Content-Length', String(body.length)], body)],
    ['in chunks', (body: Buffer) => send(['Transfer-Encoding', 'chunked'], chunked(body, 16_384))],
  ])('a body over MAX_REQUEST_BODY_BYTES %s is a 413 and reaches no model', async (_name, post) => {
    const answer = await post(chatBody('x'.repeat(LIMIT)));
    expect(answer.status).toBe(413);
    expect(isOpenAIErrorBody(answer.body)).toBe(true);
    expect(JSON.parse(answer.body).error.code).toBe('request_too_large');
    expect(h.emulator.calls).toHaveLength(0);
  });
});
