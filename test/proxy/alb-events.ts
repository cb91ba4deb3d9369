import type { ALBEvent, ALBResult } from 'aws-lambda';
import { lambdaContext } from '../support/lambda-context';

/** One HTTP request to turn into an ALB event. */
export interface AlbRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly query?: Record<string, string>;
}

/**
 * ALB → Lambda events as the load balancer sends them (see "Using Lambda functions as targets" in the ELB guide):
 * lower-case headers, X-Forwarded-*, a trace id, the body as text or base64, and either `headers` +
 * `queryStringParameters` or, with multi-value headers enabled on the target group, their multi-value forms.
 */
export function albEvent(request: AlbRequest, multiValue = false): ALBEvent {
  const headers: Record<string, string> = {
    'host': 'gateway-1234567890.us-east-1.elb.amazonaws.com',
    'user-agent': 'OpenAI/JS 6',
    'x-amzn-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-abcdef012345678912345678`,
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-port': '80',
    'x-forwarded-proto': 'http',
    ...request.headers,
  };
  const binary = request.body !== undefined && !/^(application\/json|text\/)/.test(headers['content-type'] ?? '');
  const base = {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway/0123456789abcdef' } },
    httpMethod: request.method,
    path: request.path,
    body: request.body === undefined ? '' : binary ? Buffer.from(request.body).toString('base64') : request.body,
    isBase64Encoded: binary,
  };
  const query = Object.fromEntries(Object.entries(request.query ?? {}).map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)]));
  if (multiValue) {
    return {
      ...base,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      multiValueQueryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    };
  }
  return { ...base, headers, queryStringParameters: query };
}

/**
 * A `fetch` that delivers each request to a Lambda handler as an ALB event and turns the result back into a
 * Response, so the official OpenAI SDK can be the client of the Lambda entry point.
 */
export function albFetch(handler: (event: ALBEvent, context: any) => Promise<ALBResult>, multiValue = false, seen: ALBResult[] = []) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => { headers[k] = v; });
    const body = request.method === 'GET' ? undefined : await request.text();
    const event = albEvent({ method: request.method, path: url.pathname, headers, body, query: Object.fromEntries(url.searchParams) }, multiValue);
    const result = await handler(event, lambdaContext());
    seen.push(result);
    const responseHeaders = new Headers();
    for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) for (const one of v) responseHeaders.append(k, String(one));
    if (!result.multiValueHeaders) for (const [k, v] of Object.entries(result.headers ?? {})) responseHeaders.set(k, String(v));
    responseHeaders.delete('content-length');
    const payload = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : result.body ?? '';
    return new Response(payload, { status: result.statusCode, headers: responseHeaders });
  };
}
