import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import { FastifyInstance } from 'fastify';
import { build } from './app';
import { loadConfig } from './config';
import { createDeps } from './create-deps';

/** The gateway app of a Lambda entry point, built during the function's init. */
export interface LambdaApp {
  readonly app: FastifyInstance;
  /** Resolves once the app is ready to serve; every invocation awaits it. */
  readonly ready: PromiseLike<unknown>;
  /**
   * Serves one invocation: the requests `serve` makes of the app end their upstream calls in time to answer before
   * the function's timeout (`context.getRemainingTimeInMillis()`).
   */
  invoke<T>(context: Context, serve: () => Promise<T>): Promise<T>;
}

/**
 * Builds the app from the environment. Configuration errors throw here, failing the function's init with a message
 * naming the variable. The app gets ready and starts listing models during init, so the first request finds both
 * done or under way. Behind a load balancer, which waits for the whole answer at most its idle timeout
 * (REQUEST_TIMEOUT_SECONDS), a request's time ends at that bound if it comes before the function's timeout.
 */
export function initLambdaApp({ behindLoadBalancer }: { readonly behindLoadBalancer: boolean }): LambdaApp {
  const config = loadConfigOrReport();
  const deps = createDeps(config);
  // The invocation a request belongs to (an instance may serve several at once, as Lambda Managed Instances do).
  const invocation = new AsyncLocalStorage<Context>();
  const app = build(config, deps, {
    // The function stops at its timeout, streamed answer or not.
    timeLeft: () => ({
      ms: Math.min(invocation.getStore()!.getRemainingTimeInMillis(), behindLoadBalancer ? config.requestTimeoutMs : Infinity),
      coversStream: true,
    }),
  });
  const ready = app.ready();
  void deps.catalog.list().catch((err) => app.log.warn({ error: { name: err?.name } }, 'model list not loaded at init; retried on demand'));
  return { app, ready, invoke: (context, serve) => invocation.run(context, serve) };
}

/**
 * The configuration, or a short fatal line naming the variable before the error propagates: the runtime's own report
 * of an init error comes after the throwing line of the minified bundle, over a megabyte, which logs may cut.
 */
function loadConfigOrReport() {
  try {
    return loadConfig();
  } catch (err) {
    const { name, message } = err as Error;
    process.stderr.write(`${JSON.stringify({ level: 'fatal', time: Date.now(), msg: `${name}: ${message}` })}\n`);
    throw err;
  }
}
