import { describe, expect, test } from 'vitest';
import { imageLoader } from '../../../lambda/chat/image-source';
import { OpenAIError } from '../../../lambda/errors';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a464946', 'hex');
const GIF = Buffer.from('GIF89a\x01\x00', 'latin1');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);

describe('imageLoader', () => {
  const remote: URL[] = [];
  const load = imageLoader(async (url) => {
    remote.push(url);
    return JPEG;
  });

  test.each([['png', PNG], ['jpeg', JPEG], ['gif', GIF], ['webp', WEBP]])('a base64 data: URL of a %s image is decoded', async (format, bytes) => {
    const block = await load(`data:image/whatever;base64,${bytes.toString('base64')}`, 'p');
    expect(block.format).toBe(format);
    expect(Buffer.from(block.source!.bytes!)).toEqual(bytes);
  });

  test('an https: URL goes to the guarded fetcher', async () => {
    const block = await load('https://images.example.test/cat.jpg?size=2', 'p');
    expect(remote.map(String)).toEqual(['https://images.example.test/cat.jpg?size=2']);
    expect(block.format).toBe('jpeg');
  });

  test.each([
    ['http://images.example.test/cat.png', /scheme "http:" is not allowed/],
    ['file:///etc/passwd', /scheme "file:" is not allowed/],
    ['not a url', /not a valid URL/],
    ['data:image/png,rawbytes', /must be base64/],
    [`data:text/plain;base64,${Buffer.from('hello').toString('base64')}`, /must be PNG, JPEG, GIF or WebP/],
  ])('%s → 400', async (url, message) => {
    const error = await load(url, 'messages[0].content[1].image_url.url').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAIError);
    expect(error).toMatchObject({ param: 'messages[0].content[1].image_url.url', message: expect.stringMatching(message) });
  });
});
