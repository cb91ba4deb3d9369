import { Readable, Writable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/** Headers of one HTTP connection rather than of the answer: API Gateway frames the response to its client itself. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/**
 * Serves one API Gateway REST proxy event with the app and streams the answer into Lambda's response stream: the
 * status and headers as the JSON prelude of `HttpResponseStream`, then each body chunk as the app writes it (every SSE
 * event as Bedrock sends it; a JSON answer or error whole, with its real status).
 *
 * The client going away reaches the function as its response stream closing or failing a write; the app's response is
 * then destroyed, which fires `request.clientGone` and aborts the Bedrock call. The app's response only exists once
 * its headers are written, so a client that leaves earlier (during a non-streamed call) is noticed at that point.
 */
export async function serveRestApiEvent(app: FastifyInstance, event: APIGatewayProxyEvent, responseStream: Writable): Promise<void> {
  let clientGone = false;
  let stopApp = () => { clientGone = true; };
  responseStream.once('close', () => { if (!responseStream.writableFinished) stopApp(); });
  responseStream.on('error', () => stopApp());

  const options: InjectOptions = {
    method: event.httpMethod as InjectOptions['method'],
    url: event.path,
    query: definedValues({ ...event.queryStringParameters, ...event.multiValueQueryStringParameters }),
    headers: requestHeaders(event),
    payload: event.body === null ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8'),
    remoteAddress: event.requestContext?.identity?.sourceIp ?? undefined,
    payloadAsStream: true,
  };
  const res: LightMyRequestResponse = await app.inject(options);
  const appResponse = res.raw.res;
  stopApp = () => appResponse.destroy();
  if (clientGone) return stopApp();

  const out = awslambda.HttpResponseStream.from(responseStream, responsePrelude(res.statusCode, res.headers));
  try {
    await forwardBody(res.stream(), out);
  } catch {
    // The client went away mid-answer (a write failed, or the app's response was destroyed because of it).
    return stopApp();
  }
  out.end();
}

/**
 * Writes each chunk of the app's body to Lambda's response stream as the app writes it, in the same call (no promise or
 * iterator between them, so chunks the app writes together leave together), pausing the body while the response
 * stream is full. Lambda sends the prelude with the first write: an empty body still gets one, or the client never
 * gets the status. Rejects when the body fails.
 */
function forwardBody(body: Readable, out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    let wrote = false;
    body.on('data', (chunk: Buffer) => {
      wrote = true;
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    });
    body.once('end', () => {
      if (!wrote) out.write('');
      resolve();
    });
    body.once('error', reject);
  });
}

/** The request headers: REST proxy events carry every header in `multiValueHeaders` (and the last value in `headers`). */
function requestHeaders(event: APIGatewayProxyEvent): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(definedValues({ ...event.headers, ...event.multiValueHeaders }))) {
    headers[name.toLowerCase()] = Array.isArray(value) && value.length === 1 ? value[0] : value;
  }
  return headers;
}

/** The entries of an event's map whose value is set (the multi-value form wins over the single-value one). */
function definedValues(map: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(map)) if (value !== undefined && !(Array.isArray(value) && value.length === 0)) result[name] = value;
  return result;
}

/** `HttpResponseStream` metadata: status, single-value headers and cookies. */
function responsePrelude(statusCode: number, headers: Record<string, string | string[] | number | undefined>) {
  const single: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || CONNECTION_HEADERS.has(name)) continue;
    if (name === 'set-cookie') cookies = ([] as string[]).concat(value.toString());
    else single[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { statusCode, headers: single, ...(cookies.length > 0 ? { cookies } : {}) };
}
