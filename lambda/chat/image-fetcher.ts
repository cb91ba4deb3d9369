import { lookup as dnsLookup } from 'node:dns/promises';
import { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy';
import { OpenAIError } from '../errors';
import { LIMITS } from '../request-limits';
import { RemoteImageFetcher } from './image-source';

/** A resolved address as `dns.lookup` returns it. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

export interface GuardedFetcherOptions {
  /** Resolves a host name. @default dns.lookup with all addresses */
  readonly resolve?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
  /** Decides whether an address may be contacted. @default isPublicAddress */
  readonly isAllowedAddress?: (address: string) => boolean;
  /** Whole-fetch deadline, redirects included. @default 10000 */
  readonly timeoutMs?: number;
  /** Largest accepted body. @default 3.75 MiB, Bedrock's image limit */
  readonly maxBytes?: number;
  /** Redirects followed (each checked like the first URL). @default 3 */
  readonly maxRedirects?: number;
  /** Extra trusted CA certificates (PEM). @default - the system's */
  readonly ca?: string;
}

/**
 * Fetches images over https only, from public addresses only. The host is resolved here, every
 * address is checked, and the socket connects to the checked address, so DNS rebinding cannot
 * slip a private address in between check and connect. Redirects are re-checked hop by hop.
 */
export function guardedImageFetcher(options: GuardedFetcherOptions = {}): RemoteImageFetcher {
  const resolve = options.resolve ?? ((host: string) => dnsLookup(host, { all: true, verbatim: true }));
  const allowed = options.isAllowedAddress ?? isPublicAddress;
  const maxBytes = options.maxBytes ?? LIMITS.imageBytes;
  const maxRedirects = options.maxRedirects ?? 3;

  const checkedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then((addresses) => {
      if (addresses.length === 0 || !addresses.every((a) => allowed(a.address))) {
        throw refused();
      }
      if (lookupOptions.all) {
        (callback as (err: null, all: readonly ResolvedAddress[]) => void)(null, addresses);
      } else {
        callback(null, addresses[0].address, addresses[0].family);
      }
    }).catch((err) => callback((err instanceof OpenAIError ? err : refused()) as NodeJS.ErrnoException, '', 0));
  };

  const get = (url: URL, signal: AbortSignal) => new Promise<IncomingMessage>((resolveResponse, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Node skips the lookup for IP literals, so check them here.
    if (isIP(host) && !allowed(host)) return reject(refused());
    request(url, { lookup: checkedLookup, signal, ca: options.ca, headers: { accept: 'image/*' } }, resolveResponse)
      .on('error', reject)
      .end();
  });

  return async (url, param) => {
    const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
    try {
      let current = url;
      for (let hop = 0; ; hop++) {
        const response = await get(current, signal);
        const location = response.headers.location;
        if (response.statusCode! >= 300 && response.statusCode! < 400 && location) {
          response.resume();
          if (hop >= maxRedirects) throw OpenAIError.invalidRequest('Image URL redirected too many times', param);
          current = new URL(location, current);
          if (current.protocol !== 'https:') throw OpenAIError.invalidRequest('Image URL redirected to a non-https URL; refused', param);
          continue;
        }
        if (response.statusCode !== 200) {
          response.resume();
          throw OpenAIError.invalidRequest(`Image URL answered HTTP ${response.statusCode}`, param);
        }
        return await readCapped(response, maxBytes, param);
      }
    } catch (err) {
      if (err instanceof OpenAIError) throw OpenAIError.invalidRequest(err.message, param);
      const reason = signal.aborted ? 'timed out' : 'failed';
      throw OpenAIError.invalidRequest(`Fetching the image URL ${reason}`, param);
    }
  };
}

function refused(): OpenAIError {
  return OpenAIError.invalidRequest('Image URL host does not resolve to a public address; refused');
}

async function readCapped(response: IncomingMessage, maxBytes: number, param: string): Promise<Uint8Array> {
  const tooLarge = () => OpenAIError.invalidRequest(`Image is larger than ${maxBytes} bytes`, param);
  if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
