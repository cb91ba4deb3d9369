import Fastify, { FastifyInstance, LogController } from 'fastify';
import { registerAccessLog } from './access-log';
import { registerCaller } from './auth/caller';
import { requireApiKey } from './auth/require-api-key';
import { BodyBytesBudget, defaultBodyBytesInFlight, registerBodyBytesBudget } from './body-bytes-budget';
import { registerClientDisconnect } from './client-disconnect';
import { GatewayConfig } from './config';
import { GatewayDeps } from './deps';
import { frameworkErrorHandler, registerErrorHandlers } from './errors';
import { registerJsonBodyParser } from './json-body-parser';
import { registerLimits } from './limits/limits-stage';
import { answerClientError, registerRawAnswers } from './raw-answers';
import { registerRequestDeadline, TimeLeft } from './request-deadline';
import { newRequestId, registerRequestIdHeader } from './request-id';
import { chatRoutes } from './routes/chat';
import { embeddingsRoutes } from './routes/embeddings';
import { healthRoutes } from './routes/health';
import { modelsRoutes } from './routes/models';
import { responsesRoutes } from './routes/responses';
import { RouteOptions } from './routes/route-options';
import { registerRequestUsage } from './usage/request-usage';
import { registerUsageMetrics } from './usage/usage-metrics';

/** Where logs and usage metrics go; tests pass a stream to capture them. Defaults to stdout. */
export interface BuildOptions {
  readonly logStream?: NodeJS.WritableStream;
  /**
   * How long a request arriving now can wait: the Lambda entry points give the function's time left (behind a load
   * balancer, at most REQUEST_TIMEOUT_SECONDS); by default REQUEST_TIMEOUT_SECONDS until the answer starts (the
   * long-running server behind a load balancer).
   */
  readonly timeLeft?: () => TimeLeft;
}

/** Builds the gateway app without listening; entry points (Lambda, server) and tests wrap it. */
export function build(config: GatewayConfig, deps: GatewayDeps, options: BuildOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Defence in depth: the access log below never logs headers, but nothing else may log the key either.
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // One access-log line per request (registerAccessLog) instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Like OpenAI, reject a value of the wrong type (`"max_tokens": "100"`) instead of silently converting it.
    // Union types (`"content": string | parts[]`) are how OpenAI's schema is written; Ajv's strict mode only warns about them.
    ajv: { customOptions: { coerceTypes: false, allowUnionTypes: true } },
    // The ALB's trace id when present, so gateway and load balancer logs line up.
    requestIdHeader: 'x-amzn-trace-id',
    genReqId: newRequestId,
    // What the HTTP parser and the router refuse is answered in OpenAI's shape too. A missing Host header (Node
    // would answer with an empty 400) is no concern of the gateway, which never reads it.
    http: { requireHostHeader: false },
    clientErrorHandler: answerClientError,
    frameworkErrors: frameworkErrorHandler,
  });
  registerRawAnswers(app);
  registerJsonBodyParser(app);
  registerErrorHandlers(app);
  registerClientDisconnect(app);
  registerRequestDeadline(app, options.timeLeft ?? (() => ({ ms: config.requestTimeoutMs, coversStream: false })));
  registerBodyBytesBudget(app, new BodyBytesBudget(config.bodyBytesInFlight ?? defaultBodyBytesInFlight(config.bodyLimitBytes)));
  registerAccessLog(app);
  registerRequestIdHeader(app);
  registerCaller(app);
  registerRequestUsage(app);
  app.register(healthRoutes);
  app.register(async (api) => {
    api.addHook('onRequest', requireApiKey(deps.apiKeys));
    registerLimits(api, deps.limiter);
    registerUsageMetrics(api, config.gatewayName, options.logStream ?? process.stdout);
    const opts: RouteOptions = { config, deps };
    await api.register(modelsRoutes, opts);
    await api.register(chatRoutes, opts);
    await api.register(embeddingsRoutes, opts);
    await api.register(responsesRoutes, opts);
  }, { prefix: config.routePrefix });
  return app;
}
