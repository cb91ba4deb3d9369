import { connect } from 'node:net';

/** How a raw HTTP/1.1 exchange ended. */
export interface RawOutcome {
  /** The status of the first response, or undefined when none arrived. */
  readonly status?: number;
  readonly headers: Record<string, string>;
  /** The response body, de-chunked. */
  readonly body: string;
  /** The connection was reset or closed before a complete response arrived. */
  readonly reset: boolean;
  /** Nothing complete arrived within the deadline. */
  readonly timedOut: boolean;
}

/**
 * Sends `request` byte for byte on a fresh TCP connection and reads the first response. Write errors are
 * ignored (the server may answer and close before it has read everything sent), so only the answer counts:
 * a complete response, a reset before one, or silence until `timeoutMs`.
 */
export function sendRaw(port: number, request: Buffer, timeoutMs: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ...parseResponse(Buffer.concat(chunks)).partial, reset: false, timedOut: true }), timeoutMs);
    // No half-close after the request: Node's server takes a client's FIN as the request being abandoned.
    socket.on('connect', () => socket.write(request));
    let received = 0;
    let needed = Infinity;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      // Parse again only when the response can be complete (a large one arrives in many chunks).
      const chunkedEnd = chunk.length >= 5 && chunk.subarray(-5).toString('latin1') === '0\r\n\r\n';
      if (received < needed && !chunkedEnd && needed !== Infinity) return;
      const parsed = parseResponse(Buffer.concat(chunks));
      if (parsed.complete) return finish({ ...parsed.partial, reset: false, timedOut: false });
      const length = Number(parsed.partial.headers['content-length']);
      if (parsed.partial.status !== undefined && Number.isFinite(length)) needed = received - Buffer.byteLength(parsed.partial.body) + length;
      else if (parsed.partial.status !== undefined) needed = Number.MAX_SAFE_INTEGER;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const parsed = parseResponse(Buffer.concat(chunks), true);
      finish({ ...parsed.partial, reset: !parsed.complete, timedOut: false });
    });
  });
}

interface Parsed {
  readonly complete: boolean;
  readonly partial: { status?: number; headers: Record<string, string>; body: string };
}

/** Parses one HTTP/1.1 response (Content-Length, chunked, or delimited by the close when `closed`). */
function parseResponse(data: Buffer, closed = false): Parsed {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return { complete: false, partial: { headers: {}, body: '' } };
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]) || undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(end + 4);
  if (status !== undefined && status < 200) {
    // An interim answer (100 Continue): the real one follows it.
    const next = parseResponse(rest, closed);
    return next.partial.status === undefined ? { complete: false, partial: { headers: {}, body: '' } } : next;
  }
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    const complete = rest.length >= length;
    return { complete, partial: { status, headers, body: rest.subarray(0, length).toString('utf8') } };
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const { body, complete } = dechunk(rest);
    return { complete, partial: { status, headers, body } };
  }
  if (status === 204 || status === 304) return { complete: true, partial: { status, headers, body: '' } };
  return { complete: closed, partial: { status, headers, body: rest.toString('utf8') } };
}

function dechunk(data: Buffer): { body: string; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) break;
    if (size === 0) return { body: Buffer.concat(parts).toString('utf8'), complete: true };
    if (data.length < lineEnd + 2 + size + 2) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return { body: Buffer.concat(parts).toString('utf8'), complete: false };
}

/** Whether a body is OpenAI's error shape: `{"error":{"message":string,"type":string,"param":string|null,"code":string|null}}`. */
export function isOpenAIErrorBody(body: string): boolean {
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  const e = parsed?.error;
  return typeof e === 'object' && e !== null && typeof e.message === 'string' && typeof e.type === 'string'
    && (e.param === null || typeof e.param === 'string') && (e.code === null || typeof e.code === 'string');
}

/** One raw HTTP/1.1 request: request line, headers as given (nothing added), body. */
export function rawRequest(requestLine: string, headers: ReadonlyArray<readonly [string, string]>, body: Buffer | string = ''): Buffer {
  const head = `${requestLine}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}
