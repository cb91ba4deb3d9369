import { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The body of every error the gateway returns: the shape the OpenAI SDKs parse. */
export interface OpenAIErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

/** An error to return to the client as-is: HTTP status plus OpenAI's error fields. */
export class OpenAIError extends Error {
  /** A 400 about one request field (`param`), e.g. `messages[0].role`. */
  static invalidRequest(message: string, param: string | null = null, code: string | null = null): OpenAIError {
    return new OpenAIError(400, message, { param, code });
  }

  /** A 404 for a model the gateway cannot serve. */
  static modelNotFound(model: string): OpenAIError {
    return new OpenAIError(404, `The model \`${model}\` does not exist or you do not have access to it.`, { param: 'model', code: 'model_not_found' });
  }

  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  /** Seconds for the `Retry-After` header (429, 503). */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    message: string,
    fields: { type?: string; param?: string | null; code?: string | null; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'OpenAIError';
    this.type = fields.type ?? defaultType(status);
    this.param = fields.param ?? null;
    this.code = fields.code ?? null;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }

  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** What clients are told to wait after Bedrock throttles or is unavailable (it gives no hint of its own). */
const THROTTLE_RETRY_AFTER_SECONDS = 2;

const INTERNAL_MESSAGE = 'The server had an error while processing your request. Please retry; if the error persists, contact the gateway administrator.';

/** Bedrock (AWS SDK) error names and what the client gets for them. */
const BEDROCK_ERRORS: Record<string, (message: string) => OpenAIError> = {
  ValidationException: (m) => new OpenAIError(400, m, { code: 'invalid_request' }),
  AccessDeniedException: () => new OpenAIError(403,
    'The gateway is not allowed to use this model on Amazon Bedrock. Enable access to the model in the Bedrock console or grant the gateway\'s role access to it.',
    { code: 'model_access_denied' }),
  ResourceNotFoundException: (m) => new OpenAIError(404, m, { code: 'model_not_found' }),
  ThrottlingException: (m) => new OpenAIError(429, m, { code: 'rate_limit_exceeded', retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS }),
  ServiceQuotaExceededException: (m) => new OpenAIError(429, m, { code: 'quota_exceeded', retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS }),
  ModelNotReadyException: () => new OpenAIError(503, 'The model is not ready to serve requests yet. Please retry shortly.',
    { code: 'model_not_ready', retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS }),
  ServiceUnavailableException: () => new OpenAIError(503, 'Amazon Bedrock is temporarily unavailable. Please retry shortly.',
    { code: 'service_unavailable', retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS }),
  ModelTimeoutException: () => new OpenAIError(504, 'The model took too long to respond.', { code: 'timeout' }),
  TimeoutError: () => new OpenAIError(504, 'Amazon Bedrock did not respond in time.', { code: 'timeout' }),
};

/** Fastify's own client errors (body parsing and limits). */
const FASTIFY_ERRORS: Record<string, (err: FastifyError) => OpenAIError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new OpenAIError(413, 'The request body is too large.', { code: 'request_too_large' }),
  FST_ERR_CTP_INVALID_JSON_BODY: () => OpenAIError.invalidRequest(
    'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload.)',
    null, 'invalid_json'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => OpenAIError.invalidRequest('The request body is empty; a JSON object is expected.', null, 'invalid_json'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new OpenAIError(415, 'Unsupported Content-Type; send application/json.', { code: 'unsupported_media_type' }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => OpenAIError.invalidRequest('The request body does not match its Content-Length.', null, 'invalid_content_length'),
  FST_ERR_BAD_URL: () => OpenAIError.invalidRequest('The request URL is malformed (an invalid percent-encoding?).', null, 'invalid_url'),
  FST_ERR_MAX_PARAM_LENGTH: () => new OpenAIError(414, 'The request URL is too long.', { code: 'url_too_long' }),
};

/**
 * Network failures talking to Bedrock (a connection refused, reset or cut mid-answer): the gateway is fine, its
 * upstream is not, so 502 and a retry hint rather than a 500. (The SDK names a reset `TimeoutError`, for its retries.)
 */
const UPSTREAM_NETWORK_CODES = ['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'];

/**
 * The answer to a request that failed: an answer the gateway raised itself; else, when its upstream calls were ended
 * with an answer of their own (the deadline's 504, see request-deadline.ts), that answer, whatever error the ending
 * raised; otherwise the error's.
 */
export function answerFor(request: FastifyRequest, err: unknown): OpenAIError {
  if (err instanceof OpenAIError) return err;
  const reason: unknown = request.upstreamSignal?.reason;
  return reason instanceof OpenAIError ? reason : toOpenAIError(err);
}

/** Converts anything thrown while handling a request into the error the client sees. */
export function toOpenAIError(err: unknown): OpenAIError {
  if (err instanceof OpenAIError) return err;
  const e = err as Partial<FastifyError> & { $metadata?: unknown; $fault?: unknown; validation?: unknown[] };
  if (Array.isArray(e?.validation)) return fromValidation(e as FastifyError);
  if (typeof e?.code === 'string' && Object.hasOwn(FASTIFY_ERRORS, e.code)) return FASTIFY_ERRORS[e.code](e as FastifyError);
  // AWS SDK exceptions carry $fault (those thrown inside an event stream have no $metadata); SDK timeouts have neither.
  if (typeof e?.code === 'string' && UPSTREAM_NETWORK_CODES.includes(e.code)) {
    return new OpenAIError(502, 'The connection to Amazon Bedrock failed. Please retry.', { code: 'upstream_connection_error', retryAfterSeconds: 1 });
  }
  const fromAws = e?.$fault !== undefined || e?.$metadata !== undefined || e?.name === 'TimeoutError';
  if (typeof e?.name === 'string' && Object.hasOwn(BEDROCK_ERRORS, e.name) && fromAws) {
    return BEDROCK_ERRORS[e.name](String(e.message ?? ''));
  }
  // Any other client error fastify raises (its codes are public and stable): its status, OpenAI's shape.
  if (typeof e?.code === 'string' && e.code.startsWith('FST_') && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new OpenAIError(e.statusCode, String(e.message), { code: 'invalid_request' });
  }
  return new OpenAIError(500, INTERNAL_MESSAGE);
}

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** A request-schema failure: 400 naming the offending field the way OpenAI does (`messages[0].role`). */
function fromValidation(err: FastifyError): OpenAIError {
  const first = (err.validation as AjvError[])[0] ?? {};
  const segments = (first.instancePath ?? '').split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (first.keyword === 'required' && typeof first.params?.missingProperty === 'string') segments.push(first.params.missingProperty);
  if (first.keyword === 'additionalProperties' && typeof first.params?.additionalProperty === 'string') segments.push(first.params.additionalProperty);
  const param = segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), '');
  const where = param || (err.validationContext ?? 'body');
  const detail = first.keyword === 'required' ? 'is required' : first.keyword === 'enum'
    ? `must be one of ${JSON.stringify(first.params?.allowedValues)}` : (first.message ?? 'is invalid');
  return OpenAIError.invalidRequest(`Invalid value for '${where}': ${detail}.`, param || null, 'invalid_value');
}

/** One SSE `data:` event carrying an error, for failures after a stream has started. */
export function sseErrorEvent(err: unknown): string {
  return `data: ${JSON.stringify(toOpenAIError(err).toJSON())}\n\n`;
}

/** Error name, message and cause for the operator's log; never request content. */
function describe(err: unknown): Record<string, unknown> {
  const e = err as Error | undefined;
  const cause = e?.cause as Error | undefined;
  return { name: e?.name, message: e?.message, ...(cause ? { cause: { name: cause.name, message: cause.message } } : {}) };
}

/** fastify's `frameworkErrors`: a malformed or too long URL, refused by the router before any route runs. */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = toOpenAIError(err);
  request.log.info({ status: mapped.status, code: mapped.code }, 'request rejected');
  void reply.status(mapped.status).send(mapped.toJSON());
}

/** Route patterns (`/api/v1/models/*`) as expressions matching the paths they serve. */
function routePattern(url: string): RegExp {
  const escaped = url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/:[^/]+/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/** Installs the single error handler and the not-found handler, both answering in OpenAI's shape. */
export function registerErrorHandlers(app: FastifyInstance): void {
  // Routes by path, so that a known path asked with another method is a 405 naming the allowed ones.
  const routes: Array<{ pattern: RegExp; methods: string[] }> = [];
  app.addHook('onRoute', (route) => {
    routes.push({ pattern: routePattern(route.url), methods: [route.method].flat() });
  });
  app.setErrorHandler((err, request, reply) => {
    const mapped = answerFor(request, err);
    if (mapped.status >= 500) request.log.error({ error: describe(err) }, 'request failed');
    else request.log.info({ status: mapped.status, code: mapped.code }, 'request rejected');
    if (mapped.retryAfterSeconds !== undefined) void reply.header('retry-after', String(mapped.retryAfterSeconds));
    // OpenAI's SDKs retry every 429 unless told not to; a spent quota does not come back on retry.
    if (mapped.type === 'insufficient_quota') void reply.header('x-should-retry', 'false');
    return reply.status(mapped.status).send(mapped.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))];
    if (allowed.length > 0) {
      const err = new OpenAIError(405, `Invalid method for URL (${request.method} ${path}); use ${allowed.join(' or ')}.`, { code: 'method_not_allowed' });
      return reply.status(405).header('allow', allowed.join(', ')).send(err.toJSON());
    }
    const err = new OpenAIError(404, `Unknown request URL: ${request.method} ${path}. Please check the URL for typos.`, { code: 'unknown_url' });
    return reply.status(404).send(err.toJSON());
  });
}
