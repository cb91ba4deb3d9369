import { build } from './app';
import { loadConfig } from './config';
import { createDeps } from './create-deps';

/**
 * Long-running entry point (Fargate, local runs): listens on HOST:PORT. On SIGTERM (ECS stopping the task) or SIGINT
 * it stops accepting connections and exits once in-flight requests, streams included, have finished.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const deps = createDeps(config);
  const app = build(config, deps);
  await app.listen({ host: config.host, port: config.port });
  void deps.catalog.list().catch((err) => app.log.warn({ error: { name: err?.name } }, 'model list not loaded at start; retried on demand'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'draining in-flight requests before exit');
      // Keep-alive connections that go idle once their request finishes would hold close() open until they time out.
      setInterval(() => app.server.closeIdleConnections(), 100).unref();
      void app.close().then(() => {
        app.log.info('stopped');
        process.exit(0);
      });
    });
  }
}

main().catch((err) => {
  // Start-up failures (e.g. a ConfigError naming the variable) as one structured line, then a non-zero exit.
  console.error(JSON.stringify({ level: 'fatal', time: Date.now(), msg: err instanceof Error ? err.message : String(err) }));
  process.exit(1);
});
