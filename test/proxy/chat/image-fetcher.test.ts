import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { guardedImageFetcher, ResolvedAddress } from '../../../lambda/chat/image-fetcher';
import { OpenAIError } from '../../../lambda/errors';

// A self-signed certificate for test hosts only (images.example.test, internal.example.test, localhost, 127.0.0.1).
const cert = readFileSync(join(__dirname, 'fixtures', 'test-server.crt'), 'utf8');
const key = readFileSync(join(__dirname, 'fixtures', 'test-server.key'), 'utf8');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** Stub DNS: test host names to fixed addresses; nothing reaches a real resolver. */
function resolver(table: Record<string, string[]>) {
  return async (host: string): Promise<ResolvedAddress[]> =>
    (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
}

describe('guardedImageFetcher', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ host?: string; path?: string }> = [];

  beforeAll(async () => {
    server = createServer({ cert, key }, (req, res) => {
      seen.push({ host: req.headers.host, path: req.url });
      const target = req.url!.slice('/redirect?to='.length);
      if (req.url!.startsWith('/redirect?to=')) res.writeHead(302, { location: decodeURIComponent(target) }).end();
      else if (req.url === '/big.png') res.end(Buffer.concat([PNG, Buffer.alloc(1000)]));
      else if (req.url === '/slow.png') setTimeout(() => res.end(PNG), 2000);
      else if (req.url === '/cat.png') res.end(PNG);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const fetchWith = (options: Parameters<typeof guardedImageFetcher>[0], url: string) =>
    guardedImageFetcher({ ca: cert, ...options })(new URL(url.replace('PORT', String(port))), 'image_url.url');

  async function refusal(options: Parameters<typeof guardedImageFetcher>[0], url: string): Promise<OpenAIError> {
    const before = seen.length;
    const error = await fetchWith(options, url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAIError);
    expect(seen.length).toBe(before); // the server was never reached
    return error as OpenAIError;
  }

  // "Public" here is the address the stub resolver returns for images.example.test, which this test
  // treats as public: the only way to exercise the allowed path without reaching the internet.
  const publicLocal = { resolve: resolver({ 'images.example.test': ['127.0.0.1'], 'internal.example.test': ['10.0.0.7'] }), isAllowedAddress: (a: string) => a === '127.0.0.1' };

  test('the default policy refuses a loopback IP literal without connecting', async () => {
    const error = await refusal({}, 'https://127.0.0.1:PORT/cat.png');
    expect(error).toMatchObject({ param: 'image_url.url', message: 'Image URL host does not resolve to a public address; refused' });
  });

  test('the default policy refuses a host that resolves to loopback', async () => {
    await refusal({ resolve: resolver({ localhost: ['127.0.0.1', '::1'] }) }, 'https://localhost:PORT/cat.png');
  });

  test.each([['private', ['10.0.0.5']], ['metadata', ['169.254.169.254']], ['mixed public and private', ['8.8.8.8', '192.168.0.10']], ['IPv4-mapped loopback', ['::ffff:127.0.0.1']], ['no', []]])(
    'a host with %s addresses is refused', async (_name, addresses) => {
      await refusal({ resolve: resolver({ 'images.example.test': addresses }) }, 'https://images.example.test:PORT/cat.png');
    });

  test('an allowed address is fetched by connecting to the address the resolver checked', async () => {
    const bytes = await fetchWith(publicLocal, 'https://images.example.test:PORT/cat.png');
    expect(Buffer.from(bytes)).toEqual(PNG);
    expect(seen.at(-1)).toEqual({ host: `images.example.test:${port}`, path: '/cat.png' });
  });

  test('a redirect to a public address is followed', async () => {
    const to = encodeURIComponent(`https://images.example.test:${port}/cat.png`);
    expect(Buffer.from(await fetchWith(publicLocal, `https://images.example.test:PORT/redirect?to=${to}`))).toEqual(PNG);
  });

  test.each([
    ['a private address', 'https://internal.example.test:PORT/cat.png', /not resolve to a public address/],
    ['http:', 'http://images.example.test:PORT/cat.png', /non-https URL/],
  ])('a redirect to %s is refused', async (_name, target, message) => {
    const to = encodeURIComponent(target.replace('PORT', String(port)));
    const error = await fetchWith(publicLocal, `https://images.example.test:PORT/redirect?to=${to}`).catch((e: unknown) => e);
    expect(error).toMatchObject({ param: 'image_url.url', message: expect.stringMatching(message) });
    expect(seen.at(-1)?.path).toMatch(/^\/redirect/);
  });

  test('bodies over the size cap are refused', async () => {
    const error = await fetchWith({ ...publicLocal, maxBytes: 100 }, 'https://images.example.test:PORT/big.png').catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'Image is larger than 100 bytes' });
  });

  test('a slow server hits the timeout', async () => {
    const error = await fetchWith({ ...publicLocal, timeoutMs: 200 }, 'https://images.example.test:PORT/slow.png').catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'Fetching the image URL timed out' });
  });

  test('an HTTP error status is a 400', async () => {
    const error = await fetchWith(publicLocal, 'https://images.example.test:PORT/missing.png').catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'Image URL answered HTTP 404' });
  });

  test('an untrusted certificate fails', async () => {
    const error = await fetchWith({ ...publicLocal, ca: undefined }, 'https://images.example.test:PORT/cat.png').catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'Fetching the image URL failed' });
  });
});
