import { PassThrough, Readable, Writable } from 'node:stream';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

/** Content type the runtime gives a response stream carrying an HTTP prelude (what `HttpResponseStream.from` sets). */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

/** Eight NUL bytes end the JSON prelude. */
export const PRELUDE_DELIMITER = Buffer.alloc(8);

type StreamingHandler = (event: unknown, responseStream: Writable, context: Context) => Promise<unknown>;

/**
 * The response stream a streaming handler writes to, as the Node.js runtime builds it: bytes go out as they are
 * written; `setContentType` applies until the first write; the first `write` call (even of an empty chunk) first runs
 * `_onBeforeFirstWrite`, through which `HttpResponseStream.from` emits the JSON prelude and the eight NUL bytes.
 */
class RuntimeResponseStream extends Writable {
  contentType = 'application/octet-stream';
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;

  constructor(private readonly wire: PassThrough) {
    super();
    const write = this.write.bind(this) as (chunk: unknown, ...rest: unknown[]) => boolean;
    let first = true;
    this.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (first) {
        first = false;
        this._onBeforeFirstWrite?.((c) => write(c));
      }
      return write(chunk, ...rest);
    }) as Writable['write'];
  }

  setContentType(contentType: string): void {
    this.contentType = contentType;
  }

  /** The runtime writes straight to its connection: a chunk is taken at once unless the connection is full. */
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    if (chunk.length === 0 || this.wire.write(chunk)) return done();
    this.wire.once('drain', () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.wire.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.wire.destroy(err ?? undefined);
    done(err);
  }
}

/** The runtime's `awslambda.HttpResponseStream`. */
class HttpResponseStream {
  static from(stream: RuntimeResponseStream, prelude: Record<string, unknown>): RuntimeResponseStream {
    stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    const json = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(json);
      write(new Uint8Array(PRELUDE_DELIMITER.length));
    };
    return stream;
  }
}

const STREAMING = Symbol('streamifyResponse');

/**
 * Installs the `awslambda` global that the Lambda Node.js runtime provides (it exists nowhere else): import a
 * streaming entry point only after this.
 */
export function installLambdaStreamingRuntime(): void {
  (globalThis as Record<string, unknown>).awslambda = {
    streamifyResponse: (handler: StreamingHandler) => Object.assign(handler, { [STREAMING]: true }),
    HttpResponseStream,
  };
}

/** One streamed invocation in progress. */
export interface StreamedInvocation {
  /** The bytes the function sends, as the runtime forwards them: prelude, NUL bytes, body; written incrementally. */
  readonly wire: Readable;
  /** Settles when the handler returns or throws. */
  readonly done: Promise<unknown>;
  /** The content type the function set on its response stream (known once it has written). */
  contentType(): string;
  /** The connection to the function breaks, as when its client goes away: further writes fail. */
  disconnect(): void;
}

/** Invokes a handler wrapped in `awslambda.streamifyResponse` the way the runtime does, with `remainingMs` before its timeout. */
export function invokeStreaming(handler: unknown, event: unknown, remainingMs?: number): StreamedInvocation {
  if (typeof handler !== 'function' || !(STREAMING in handler)) throw new Error('the handler is not wrapped in awslambda.streamifyResponse');
  const wire = new PassThrough();
  const responseStream = new RuntimeResponseStream(wire);
  return {
    wire,
    contentType: () => responseStream.contentType,
    disconnect: () => { responseStream.destroy(new Error('connection to the runtime API reset')); },
    done: Promise.resolve((handler as unknown as StreamingHandler)(event, responseStream, lambdaContext(remainingMs))),
  };
}
