import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HTTP_INTEGRATION_CONTENT_TYPE, invokeStreaming, PRELUDE_DELIMITER, StreamedInvocation } from './lambda-streaming-runtime';

/** What API Gateway answers when the integration fails before the function's prelude arrives. */
const BAD_GATEWAY = { message: 'Internal server error' };

/** A local stand-in for an API Gateway REST API with one `/{proxy+}` Lambda proxy integration in STREAM mode. */
export interface LocalApiGateway {
  /** e.g. http://127.0.0.1:41234/prod: the stage URL, as `https://{api}.execute-api.{region}.amazonaws.com/prod`. */
  readonly stageUrl: string;
  /** Every invocation made so far, in order. */
  readonly invocations: StreamedInvocation[];
  stop(): Promise<void>;
}

/**
 * Plays API Gateway's part in front of a streaming handler: an HTTP request on `/<stage>/<path>` becomes a REST proxy
 * event (path without the stage, headers and query strings in both forms, the body as text or base64); the function's
 * streamed bytes are read as Lambda sends them (JSON prelude, eight NUL bytes, body): the prelude becomes the status
 * and headers, the body is forwarded chunk by chunk. A client that disconnects breaks the connection to the function.
 * Each invocation starts with `remainingMs` before the function's timeout (the runtime's default context otherwise).
 */
export async function startLocalApiGateway(handler: unknown, stage = 'prod', remainingMs?: number): Promise<LocalApiGateway> {
  const invocations: StreamedInvocation[] = [];
  const server = createServer((req, res) => {
    void serve(handler, { stage, remainingMs }, req, res, invocations).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    stageUrl: `http://127.0.0.1:${port}/${stage}`,
    invocations,
    stop: () => close(server),
  };
}

/** Where and how the stand-in invokes the function. */
interface Integration {
  readonly stage: string;
  readonly remainingMs?: number;
}

async function serve(
  handler: unknown, { stage, remainingMs }: Integration, req: IncomingMessage, res: ServerResponse, invocations: StreamedInvocation[],
): Promise<void> {
  const url = new URL(req.url!, 'http://localhost');
  if (!url.pathname.startsWith(`/${stage}/`)) {
    res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Missing Authentication Token' }));
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const invocation = invokeStreaming(handler, restProxyEvent(req, url, stage, Buffer.concat(chunks)), remainingMs);
  invocations.push(invocation);
  res.once('close', () => { if (!res.writableFinished) invocation.disconnect(); });
  invocation.done.catch(() => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify(BAD_GATEWAY));
    else res.destroy();
  });

  await forwardResponse(invocation, res);
}

/**
 * Reads the function's bytes as they arrive: the prelude becomes the status and headers, then each body chunk is
 * written to the client in the same call that received it (chunks that arrive together leave in one packet, as the
 * headers do with the first body bytes; headers alone are flushed before the next turn). Resolves once the
 * invocation is done and the answer ended; rejects when the function fails or sends no prelude.
 */
function forwardResponse(invocation: StreamedInvocation, res: ServerResponse): Promise<void> {
  const { wire } = invocation;
  return new Promise((resolve, reject) => {
    let prelude: Buffer | undefined = Buffer.alloc(0);
    const writeBody = (chunk: Buffer) => {
      if (chunk.length > 0 && !res.write(chunk)) {
        wire.pause();
        res.once('drain', () => wire.resume());
      }
    };
    wire.on('data', (chunk: Buffer) => {
      if (!prelude) return writeBody(chunk);
      prelude = Buffer.concat([prelude, chunk]);
      const end = prelude.indexOf(PRELUDE_DELIMITER);
      if (end < 0) return;
      if (invocation.contentType() !== HTTP_INTEGRATION_CONTENT_TYPE) return reject(new Error('the function did not send an HTTP prelude'));
      const head = JSON.parse(prelude.subarray(0, end).toString('utf8')) as { statusCode: number; headers?: Record<string, string>; cookies?: string[] };
      const rest = prelude.subarray(end + PRELUDE_DELIMITER.length);
      prelude = undefined;
      res.writeHead(head.statusCode, { ...head.headers, ...(head.cookies ? { 'set-cookie': head.cookies } : {}) });
      process.nextTick(() => { if (!res.headersSent) res.flushHeaders(); });
      writeBody(rest);
    });
    wire.once('error', reject);
    wire.once('end', () => {
      invocation.done.then(() => {
        if (prelude) return reject(new Error('the function ended without a prelude'));
        res.end();
        resolve();
      }, reject);
    });
  });
}

function restProxyEvent(req: IncomingMessage, url: URL, stage: string, body: Buffer): APIGatewayProxyEvent {
  const path = url.pathname.slice(stage.length + 1);
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    (multiValueHeaders[req.rawHeaders[i]] ??= []).push(req.rawHeaders[i + 1]);
  }
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (multiValueQuery[name] ??= []).push(value);
  const last = (map: Record<string, string[]>) => Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.at(-1)!]));
  const hasQuery = Object.keys(multiValueQuery).length > 0;
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: req.method!,
    headers: last(multiValueHeaders),
    multiValueHeaders,
    queryStringParameters: hasQuery ? last(multiValueQuery) : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: null,
      httpMethod: req.method!,
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/{proxy+}',
      stage,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
