import { build } from './app';
import { loadConfig } from './config';
import { createDeps } from './create-deps';
import { gracefulClose } from './graceful-close';

/**
 * Long-running entry point (Fargate, local runs): listens on HOST:PORT. On SIGTERM (ECS stopping the task) or SIGINT
 * it stops accepting connections, closes idle ones and exits once in-flight requests, streams included, have
 * finished, or after SHUTDOWN_TIMEOUT_SECONDS (below ECS's 30 s stop timeout) with whatever is left cut off.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const deps = createDeps(config);
  const app = build(config, deps);
  const close = gracefulClose(app);
  await app.listen({ host: config.host, port: config.port });
  void deps.catalog.list().catch((err) => app.log.warn({ error: { name: err?.name } }, 'model list not loaded at start; retried on demand'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'draining in-flight requests before exit');
      void close(config.shutdownTimeoutMs).then((outcome) => {
        if (outcome === 'forced') app.log.warn('shutdown timeout reached; open requests were cut off');
        app.log.info('stopped');
        process.exit(outcome === 'drained' ? 0 : 1);
      });
    });
  }
}

main().catch((err) => {
  // Start-up failures (e.g. a ConfigError naming the variable) as one structured line, then a non-zero exit.
  console.error(JSON.stringify({ level: 'fatal', time: Date.now(), msg: err instanceof Error ? err.message : String(err) }));
  process.exit(1);
});
