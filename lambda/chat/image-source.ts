import { ImageBlock, ImageFormat } from '@aws-sdk/client-bedrock-runtime';
import { OpenAIError } from '../errors';
import { LIMITS } from '../request-limits';
import { ImageLoader } from './messages';

/** Fetches the bytes of a remote image; throws an OpenAIError when the URL is refused or fails. */
export type RemoteImageFetcher = (url: URL, param: string) => Promise<Uint8Array>;

/**
 * Resolves `image_url` values: `data:` URLs are decoded, `https:` URLs fetched through the guarded
 * fetcher, anything else refused. The format comes from the bytes, not from what the URL claims.
 */
export function imageLoader(fetchRemote: RemoteImageFetcher): ImageLoader {
  return async (url, param) => {
    const bytes = url.startsWith('data:') ? decodeDataUrl(url, param) : await fetchRemote(httpsUrl(url, param), param);
    return { format: sniffFormat(bytes, param), source: { bytes } } satisfies ImageBlock;
  };
}

function httpsUrl(url: string, param: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw OpenAIError.invalidRequest('Image URL is not a valid URL; use an https: URL or a data: URL', param);
  }
  if (parsed.protocol !== 'https:') {
    throw OpenAIError.invalidRequest(`Image URL scheme "${parsed.protocol}" is not allowed; use an https: URL or a data: URL`, param);
  }
  return parsed;
}

function decodeDataUrl(url: string, param: string): Uint8Array {
  const match = /^data:[^,;]*(;[^,]*)?,(.*)$/s.exec(url);
  if (!match || !(match[1] ?? '').split(';').includes('base64')) {
    throw OpenAIError.invalidRequest('Image data URLs must be base64, like "data:image/png;base64,..."', param);
  }
  // Checked on the text, before decoding: four base64 characters carry three bytes.
  if (Math.floor(match[2].length * 3 / 4) > LIMITS.imageBytes + 2) {
    throw OpenAIError.invalidRequest(`Image is larger than ${LIMITS.imageBytes} bytes`, param);
  }
  return Buffer.from(match[2], 'base64');
}

const signatures: ReadonlyArray<[ImageFormat, (b: Uint8Array) => boolean]> = [
  ['png', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ['jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['gif', (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38],
  ['webp', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP'],
];

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.subarray(start, end)).toString('latin1');
}

function sniffFormat(bytes: Uint8Array, param: string): ImageFormat {
  const found = signatures.find(([, test]) => test(bytes));
  if (!found) throw OpenAIError.invalidRequest('Image must be PNG, JPEG, GIF or WebP', param);
  return found[0];
}
